from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderLog(models.Model):
    """One row per reminder sent. The unique key makes the daily task idempotent: running
    it twice, or on two workers at once, sends each reminder exactly once."""

    # "<alliance id>:<year>:<step>" for lead units, "digest:<year>:<step>" for staff.
    key = models.CharField(max_length=100, unique=True)
    alliance_id = models.BigIntegerField(null=True, db_index=True)
    year = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("提醒发送记录")
        verbose_name_plural = _("提醒发送记录")

    def __str__(self):
        return self.key
