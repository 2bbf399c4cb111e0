from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("运行经费补贴")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the recusal receiver
