"""Subsidy rounds (Art. 15): a budget, a window, weighted criteria and a public notice."""

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from policy.models import PolicyVersion

from .. import rules


class SubsidyRound(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        OPEN = "open", _("接受申请")
        EVALUATING = "evaluating", _("专家评审中")
        NOTICE = "notice", _("结果公示中")
        FINAL = "final", _("已办结")

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("批次名称"), max_length=200)
    budget_yuan = models.PositiveBigIntegerField(_("补贴总预算（元）"))
    opens_on = models.DateField(_("申请开始日期"), null=True, blank=True)
    closes_on = models.DateField(_("申请截止日期"), null=True, blank=True)
    # Both start from the round's policy version (round_create); the 公示 period may be
    # longer than the version's, never shorter.
    evaluators_per_application = models.PositiveSmallIntegerField(_("每份申请评审专家人数"))
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    # The measures it was created under (issue 13): its subsidy bounds, trimmed-mean
    # threshold, default criteria and minimum notice period.
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("适用政策版本"),
        on_delete=models.PROTECT,
        related_name="subsidy_rounds",
    )
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A round that holds one year's awards of the paper era, brought in by the import of
    # the existing register (portal.imports): 办结 from the start, no window, no evaluation.
    imported = models.BooleanField(_("历史数据导入"), default=False)

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("补贴评审批次")
        verbose_name_plural = _("补贴评审批次")
        constraints = [
            models.CheckConstraint(
                name="round_window_in_order",
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(opens_on__lte=models.F("closes_on")),
            ),
        ]

    def __str__(self):
        return self.title

    def weights_total(self) -> int:
        return self.criteria.aggregate(total=Sum("weight"))["total"] or 0

    def awarded_total(self) -> int:
        from .awards import Award

        return (
            Award.objects.filter(application__round=self).aggregate(t=Sum("amount_yuan"))["t"] or 0
        )

    @property
    def is_published(self) -> bool:
        return self.state in (self.State.NOTICE, self.State.FINAL)

    @property
    def window_open(self) -> bool:
        today = timezone.localdate()
        return self.state == self.State.OPEN and self.opens_on <= today <= self.closes_on

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.OPEN,
        permission=rules.is_municipal_staff,
        conditions=[rules.weights_sum_to_100, rules.window_is_set],
    )
    def open(self):
        pass

    @transition(
        field=state, source=State.OPEN, target=State.EVALUATING, permission=rules.is_municipal_staff
    )
    def start_evaluation(self):
        pass

    @transition(
        field=state,
        source=State.EVALUATING,
        target=State.NOTICE,
        permission=rules.is_municipal_staff,
    )
    def publish(self, *, starts_on, ends_on):
        self.notice_starts_on = starts_on
        self.notice_ends_on = ends_on

    @transition(
        field=state,
        source=State.NOTICE,
        target=State.FINAL,
        permission=rules.is_municipal_staff,
        conditions=[rules.notice_period_over, rules.no_open_objections],
    )
    def finalise(self):
        self.finalised_at = timezone.now()


class Criterion(models.Model):
    round = models.ForeignKey(SubsidyRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评审指标"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))
    description = models.CharField(_("说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("评审指标")
        verbose_name_plural = _("评审指标")
        constraints = [
            models.CheckConstraint(
                name="criterion_weight_1_100", condition=models.Q(weight__gte=1, weight__lte=100)
            ),
            models.UniqueConstraint(fields=["round", "name"], name="criterion_name_once_per_round"),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"
