from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .cache import record_changed
        from .middleware import SessionIdleMiddleware

        # Cached page parts are keyed by the data version (portal/cache.py).
        post_save.connect(record_changed, dispatch_uid="portal-data-version-save")
        post_delete.connect(record_changed, dispatch_uid="portal-data-version-delete")
        user_logged_in.connect(SessionIdleMiddleware.signed_in, dispatch_uid="portal-idle-login")
