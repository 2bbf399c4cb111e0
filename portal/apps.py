from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top floor: home pages, dashboards, the public registry, exports, the dossier.
    It may import every app; no app imports it."""

    name = "portal"
    verbose_name = _("门户")
