from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: what every app of the portal stands on, importing none of them."""

    name = "core"
    verbose_name = _("基础")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the checks
        from .middleware import SessionIdleMiddleware

        user_logged_in.connect(SessionIdleMiddleware.signed_in, dispatch_uid="core-idle-login")
