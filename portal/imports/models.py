"""One upload of the paper-era register and what became of it: checked (the dry run's
report), confirmed, imported. The stored file is named by its SHA-256: the confirmation
names that digest, and the import refuses a stored file whose content no longer has it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _upload_path(instance, filename):
    return f"imports/{instance.user_id}/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", _("试导入检查中")
        CHECKED = "checked", _("检查通过，待确认")
        REFUSED = "refused", _("检查未通过")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    RUNNING_STATES = (State.CHECKING, State.IMPORTING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    file = models.FileField(upload_to=_upload_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # The dry run's report, then the import's: counts per sheet, refusals, row lines.
    report = models.JSONField(_("报告"), default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("历史数据导入")
        verbose_name_plural = _("历史数据导入")

    def __str__(self):
        return f"{self.original_name} #{self.pk}"

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING_STATES

    @property
    def percent(self) -> int:
        if self.state in (self.State.DONE, self.State.CHECKED, self.State.REFUSED):
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0
