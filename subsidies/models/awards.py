import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application


def _notice_path(instance, filename):
    return f"subsidies/notices/{uuid.uuid4().hex}.pdf"


class Award(models.Model):
    """An operating subsidy (Art. 15) in whole yuan. The bounds are the round's policy
    version's, enforced by subsidies.services under the round's row lock (with the budget);
    the database keeps the absolute invariant, a positive amount."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    amount_yuan = models.PositiveIntegerField(_("补贴金额（元）"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)
    notice_number = models.CharField(_("补贴通知文号"), max_length=50, blank=True)
    notice_file = models.FileField(
        _("补贴通知书"), upload_to=_notice_path, blank=True, max_length=200
    )
    disbursed_on = models.DateField(_("拨付日期"), null=True, blank=True)
    disbursed_yuan = models.PositiveIntegerField(_("拨付金额（元）"), null=True, blank=True)

    class Meta:
        ordering = ["-amount_yuan"]
        verbose_name = _("补贴")
        verbose_name_plural = _("补贴")
        constraints = [
            models.CheckConstraint(
                name="award_amount_positive",
                condition=models.Q(amount_yuan__gt=0),
                violation_error_message=_("补贴金额须大于0。"),
            ),
            models.CheckConstraint(
                name="disbursed_not_above_award",
                condition=models.Q(disbursed_yuan__isnull=True)
                | models.Q(disbursed_yuan__lte=models.F("amount_yuan")),
            ),
        ]

    def __str__(self):
        return f"{self.application.alliance} {self.amount_yuan}元"


class Objection(models.Model):
    """A written, real-name objection (异议) recorded during the public notice."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="objections")
    objector_name = models.CharField(_("异议人姓名（实名）"), max_length=50)
    objector_contact = models.CharField(_("联系方式"), max_length=100)
    content = models.TextField(_("异议内容"))
    received_on = models.DateField(_("收到日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self):
        return f"{self.objector_name} · {self.award}"
