from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .rounds import Criterion


class Assignment(models.Model):
    """An evaluator assigned to an application. They see it only after declaring, in the
    portal, that they have no conflict of interest; their sheet is a draft until submitted."""

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

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "evaluator"], name="assign_evaluator_once"
            ),
        ]

    def __str__(self):
        return f"{self.evaluator} → {self.application}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


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
