from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from filings.models import Alliance


class AllianceChange(models.Model):
    """Append-only history of an alliance's record: the previous value stays visible."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="changes")
    field_label = models.CharField(_("变更事项"), max_length=100)
    old_value = models.TextField(_("变更前"), blank=True)
    new_value = models.TextField(_("变更后"), blank=True)
    event_report = models.ForeignKey(
        "supervision.EventReport",
        verbose_name=_("依据的重大事项报告"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("变更时间"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("联盟信息变更记录")
        verbose_name_plural = _("联盟信息变更记录")

    def __str__(self):
        return f"{self.alliance} {self.field_label}: {self.old_value} → {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("alliance history is append-only")
        super().save(*args, **kwargs)
