"""Major-event reports (Art. 12(2)). The kinds are the policy version's (``EventKind``);
accepting one of the three change kinds updates the alliance."""

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from filings.models import Alliance, AllianceMember
from policy import selectors as policy_selectors

from .. import rules
from .common import Attachment


class EventReport(ConcurrentTransitionMixin, models.Model):
    class Kind(StrEnum):
        """The 2018 measures' kinds (policy version 1), for code and fixtures that name
        one. Which kinds may be reported and what they are called is the version's
        (``kind_version``): a version may reword them and add kinds of its own."""

        PROJECT = "project"
        BREAKTHROUGH = "breakthrough"
        SEMINAR = "seminar"
        MEMBER_CHANGE = "member_change"
        PERSONNEL_CHANGE = "personnel_change"
        ADDRESS_CHANGE = "address_change"

    #: The kinds with code behind them: accepting one changes the alliance record
    #: (``services.changes``). Their keys are fixed; any other kind a version lists is a
    #: plain report. A version that drops one only stops new reports of it (docs/decisions.md).
    CHANGE_KINDS = (Kind.MEMBER_CHANGE, Kind.PERSONNEL_CHANGE, Kind.ADDRESS_CHANGE)

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报告")
        RETURNED = "returned", _("退回修改")
        ACCEPTED = "accepted", _("已受理")

    class MemberAction(models.TextChoices):
        ADD = "add", _("新增成员单位")
        REMOVE = "remove", _("退出成员单位")

    class Position(models.TextChoices):
        CHAIRPERSON = "chairperson", _("理事长")
        SECRETARY_GENERAL = "secretary_general", _("秘书长")
        OFFICE_CONTACT = "office_contact_name", _("办公室联系人")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="event_reports"
    )
    # A key of the event kinds of ``kind_version`` (checked by services.events).
    kind = models.CharField(_("事项类型"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    event_date = models.DateField(_("事项发生日期"))
    description = models.TextField(_("情况说明"))
    # Member change
    member_action = models.CharField(
        _("成员变更类型"), max_length=10, choices=MemberAction.choices, blank=True
    )
    member_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("变更的成员单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    member_role = models.CharField(
        _("成员角色"), max_length=20, choices=AllianceMember.Role.choices, blank=True
    )
    member_task_division = models.TextField(_("新成员任务分工"), blank=True)
    # Art. 9(3): the newcomer's legal representative has signed the charter, as the lead
    # unit states it (required to submit an addition); the member row records it.
    member_charter_signed = models.BooleanField(
        _("新成员单位法定代表人已签署联盟协议（章程）"), default=False
    )
    # Personnel change
    position = models.CharField(_("变更职务"), max_length=30, choices=Position.choices, blank=True)
    new_person_name = models.CharField(_("新任人员姓名"), max_length=50, blank=True)
    # Address change
    new_office_address = models.CharField(_("新办公室地址"), max_length=200, blank=True)

    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    last_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("重大事项报告")
        verbose_name_plural = _("重大事项报告")

    def __str__(self):
        return f"{self.alliance} · {self.kind_title} · {self.title}"

    @property
    def kind_version(self):
        """The version whose Art. 12(2) list the kind belongs to: the one applied on the
        event date, as for its lateness (the duty to report arises with the event)."""
        return kind_version_on(self.event_date)

    @property
    def kind_title(self) -> str:
        return policy_selectors.event_kind_title(self.kind_version, self.kind)

    @property
    def is_change(self) -> bool:
        return self.kind in self.CHANGE_KINDS

    @property
    def days_to_report(self) -> int | None:
        if self.reported_at is None:
            return None
        return (timezone.localdate(self.reported_at) - self.event_date).days

    @property
    def is_late(self) -> bool:
        """Reported more than the event day's policy version's ``event_late_days`` after the
        event ("及时报告"): the duty to report arises with the event."""
        days = self.days_to_report
        if days is None:
            days = (timezone.localdate() - self.event_date).days
        return days > policy_selectors.rules_on(self.event_date).event_late_days

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=rules.is_lead_unit_of_alliance,
        conditions=[rules.alliance_is_filed],
    )
    def submit(self):
        if self.reported_at is None:
            self.reported_at = timezone.now()

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        permission=rules.is_municipal_staff,
    )
    def accept(self):
        self.reviewed_at = timezone.now()

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=rules.is_municipal_staff,
    )
    def return_for_revision(self, *, reason: str):
        self.last_reason = reason


def kind_version_on(day):
    """The version whose event kinds apply to an event on ``day`` (today's when no date is
    known yet), or None while no version has been published."""
    if not policy_selectors.published():
        return None
    if day is None:
        return policy_selectors.shown()
    return policy_selectors.rules_on(day)


class EventAttachment(Attachment):
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="attachments")

    class Meta(Attachment.Meta):
        verbose_name = _("事项附件")
        verbose_name_plural = _("事项附件")
