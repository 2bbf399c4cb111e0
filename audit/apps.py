from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("操作记录")

    def ready(self):
        from . import checks, retention  # noqa: F401 - checks: registers the system checks

        # django-axes' access logs are kept at least 180 days (audit.retention).
        retention.connect()
