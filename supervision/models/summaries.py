"""Annual work summaries (Art. 12(1)): one per filed alliance per year."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from filings.models import Alliance
from policy import selectors as policy_selectors

from .. import rules
from .common import Attachment


def annual_summary_due_date(year: int) -> datetime.date:
    """The summary of ``year``'s work is due on this date of the following year: the date
    of the policy version applied on 1 January of that year (``policy.selectors``)."""
    return policy_selectors.summary_due_date(year)


def owes_summary_q(year: int, prefix: str = "") -> models.Q:
    """The one rule of who owes ``year``'s summary (Art. 12(1)): an alliance that is filed
    and was filed in or before ``year``. An alliance filed in December 2026 owes the 2026
    summary, not the 2025 one. ``prefix`` reaches the alliance from another model
    (``"alliance__"``)."""
    return models.Q(
        **{f"{prefix}status": Alliance.Status.FILED, f"{prefix}filed_on__year__lte": year}
    )


def owes_summary(alliance, year: int) -> bool:
    """``owes_summary_q`` for one alliance in memory."""
    return (
        alliance.status == Alliance.Status.FILED
        and alliance.filed_on is not None
        and alliance.filed_on.year <= year
    )


class AnnualSummary(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("退回修改")
        ACCEPTED = "accepted", _("已受理")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="annual_summaries"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    work_done = models.TextField(_("年度主要工作"), blank=True)
    # Results as numbers that can be charted.
    joint_projects = models.PositiveIntegerField(_("联合攻关项目数"), default=0)
    patents_applied = models.PositiveIntegerField(_("申请专利数"), default=0)
    patents_granted = models.PositiveIntegerField(_("授权专利数"), default=0)
    standards = models.PositiveIntegerField(_("制定标准数"), default=0)
    people_trained = models.PositiveIntegerField(_("培养人才数"), default=0)
    member_investment_yuan = models.PositiveBigIntegerField(_("成员单位投入（元）"), default=0)
    government_investment_yuan = models.PositiveBigIntegerField(_("政府资助经费（元）"), default=0)
    problems = models.TextField(_("存在的问题"), blank=True)
    next_year_plan = models.TextField(_("下一年度工作计划"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    last_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        ordering = ["-year", "alliance__name"]
        verbose_name = _("年度工作总结")
        verbose_name_plural = _("年度工作总结")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "year"],
                name="one_summary_per_alliance_year",
                violation_error_message=_("该联盟本年度的工作总结已存在。"),
            ),
        ]

    def __str__(self):
        return _("%(alliance)s %(year)s年度工作总结") % {
            "alliance": self.alliance,
            "year": self.year,
        }

    @property
    def due_date(self) -> datetime.date:
        return annual_summary_due_date(self.year)

    @property
    def is_overdue(self) -> bool:
        """Not (yet) handed in and past the due date; derived, never stored."""
        if self.state in (self.State.SUBMITTED, self.State.ACCEPTED):
            return False
        return timezone.localdate() > self.due_date

    @property
    def was_late(self) -> bool:
        return (
            self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.due_date
        )

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=rules.is_lead_unit_of_alliance,
        conditions=[rules.alliance_is_filed],
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=State.RETURNED,
        target=State.SUBMITTED,
        permission=rules.is_lead_unit_of_alliance,
        conditions=[rules.alliance_is_filed],
    )
    def resubmit(self):
        # The first submission date stays: lateness is judged on it.
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        permission=rules.is_municipal_staff,
    )
    def accept(self):
        self.accepted_at = timezone.now()

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=rules.is_municipal_staff,
    )
    def return_for_revision(self, *, reason: str):
        self.last_reason = reason


class SummaryAttachment(Attachment):
    summary = models.ForeignKey(AnnualSummary, on_delete=models.CASCADE, related_name="attachments")

    class Meta(Attachment.Meta):
        verbose_name = _("总结附件")
        verbose_name_plural = _("总结附件")
