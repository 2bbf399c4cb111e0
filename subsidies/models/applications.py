from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from filings.models import Alliance
from supervision.models.common import Attachment

from .. import rules
from .rounds import Criterion, SubsidyRound


class Application(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        WITHDRAWN = "withdrawn", _("已撤回")

    round = models.ForeignKey(
        SubsidyRound, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="applications"
    )
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("联盟"),
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    summary = models.TextField(_("运行情况与成效概述"), blank=True)
    funding_plan = models.TextField(_("补贴经费使用计划"), blank=True)
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["round", "alliance__name"]
        verbose_name = _("补贴申请")
        verbose_name_plural = _("补贴申请")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "alliance"],
                name="one_application_per_alliance_round",
                violation_error_message=_("该联盟已申请本批次补贴。"),
            ),
        ]

    def __str__(self):
        return f"{self.alliance} · {self.round}"

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=rules.is_lead_unit_of_applicant,
        conditions=[rules.window_is_open, rules.applicant_in_good_standing],
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED],
        target=State.WITHDRAWN,
        permission=rules.is_lead_unit_of_applicant,
        conditions=[rules.window_is_open],
    )
    def withdraw(self):
        pass


class SelfEvaluation(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="self_evaluations"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("自评分"), null=True, blank=True)
    statement = models.TextField(_("自评说明"), blank=True)

    class Meta:
        verbose_name = _("自评")
        verbose_name_plural = _("自评")
        ordering = ["criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="self_evaluation_once"
            ),
            models.CheckConstraint(name="self_score_0_100", condition=models.Q(score__lte=100)),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class EvidenceFile(Attachment):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")

    class Meta(Attachment.Meta):
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
