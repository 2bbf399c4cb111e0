import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _export_path(instance, filename):
    return f"exports/{instance.user_id}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class ExportJob(models.Model):
    """An export built by a Celery task: the user watches its progress, then downloads it."""

    class Kind(models.TextChoices):
        ALLIANCES = "alliances", _("联盟名录")
        FILINGS = "filings", _("备案申请")
        DOSSIER = "dossier", _("联盟档案包")
        # The security auditor's (portal.logs): only they start, see and download these.
        OPERATION_LOG = "operation_log", _("操作日志")
        LOGIN_LOG = "login_log", _("登录日志")

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("条件"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_export_path, blank=True, max_length=200)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    LOG_KINDS = (Kind.OPERATION_LOG, Kind.LOGIN_LOG)

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


# The import of the paper-era register keeps its job model in its own package.
from .imports.models import ImportJob  # noqa: E402,F401
