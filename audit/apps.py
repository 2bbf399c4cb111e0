from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("操作记录")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
