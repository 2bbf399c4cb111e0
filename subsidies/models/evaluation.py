from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .rounds import Criterion


class Assignment(models.Model):
    """An evaluator assigned to an application. They see it only after declaring, in the
    portal, that they have no conflict of interest; their sheet is a draft until submitted.

    An assignment not yet scored may be withdrawn (kept, never deleted, so that the panel's
    history and a redraw's exclusions stay visible): the evaluator recused themselves
    (申请回避), or staff replaced them by a redraw. A withdrawn assignment is neither read
    nor scored, and does not count towards the panel."""

    class Withdrawal(models.TextChoices):
        RECUSED = "recused", _("专家申请回避")
        REPLACED = "replaced", _("已重新抽取替换")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="subsidy_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(_("声明无利益冲突时间"), null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("评分提交时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal = models.CharField(
        _("撤回原因类别"), max_length=10, choices=Withdrawal.choices, blank=True
    )
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "evaluator"], name="assign_evaluator_once"
            ),
            # Only a sheet not yet submitted can be withdrawn; a withdrawal names its kind.
            models.CheckConstraint(
                name="assignment_withdrawn_unscored",
                condition=models.Q(withdrawn_at__isnull=True, withdrawal="")
                | models.Q(
                    withdrawn_at__isnull=False, submitted_at__isnull=True, withdrawal__gt=""
                ),
            ),
        ]

    def __str__(self):
        return f"{self.evaluator} → {self.application}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("得分"))
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["criterion__order", "criterion__pk"]
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                name="score_0_100", condition=models.Q(score__gte=0, score__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"
