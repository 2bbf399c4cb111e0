from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .cache import WATCHED_APPS, record_changed
        from .middleware import SessionIdleMiddleware

        # Cached page parts are keyed by the data version (portal/cache.py). Connected per
        # model of the watched apps only: a receiver for every model would stop Django
        # from deleting other tables' rows in bulk (clearsessions, axes).
        for model in apps.get_models():
            if model._meta.app_label in WATCHED_APPS:
                uid = f"portal-data-version-{model._meta.label_lower}"
                post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}-delete")
        user_logged_in.connect(SessionIdleMiddleware.signed_in, dispatch_uid="portal-idle-login")
