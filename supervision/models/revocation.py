"""Revocation of a filing (取消备案, Art. 13), with notice and a period to state one's case."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from filings.models import Alliance
from policy.models import PolicyVersion

from .. import rules
from .common import Attachment


class RevocationGround(models.TextChoices):
    # Art. 13 (1)–(5)
    LEGAL_DISPUTE = "1", _("（一）成员间发生重大法律纠纷，影响创新联盟正常运行")
    NO_ACTIVITY = "2", _("（二）不能按照创新联盟协议（章程）开展创新活动")
    VIOLATION = "3", _("（三）违反国家和地方法律法规")
    DISSOLUTION = "4", _("（四）宣布解散")
    OTHER = "5", _("（五）其他需要取消的情况")


class RevocationCase(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        NOTIFIED = "notified", _("已告知，陈述申辩期内")
        STATEMENT_RECEIVED = "statement_received", _("已收到陈述申辩")
        REVOKED = "revoked", _("决定取消备案")
        DISMISSED = "dismissed", _("决定不予取消")

    OPEN_STATES = (State.NOTIFIED, State.STATEMENT_RECEIVED)

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="revocation_cases"
    )
    grounds = models.JSONField(_("取消备案情形"), default=list)
    facts = models.TextField(_("事实与理由"))
    state = FSMField(_("状态"), default=State.NOTIFIED, choices=State.choices, protected=True)
    # True when the lead unit itself announced dissolution (ground 4).
    self_reported = models.BooleanField(_("联盟自行宣布解散"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    notice_number = models.CharField(_("告知书文号"), max_length=50, blank=True)
    notice_file = models.FileField(_("告知书"), upload_to="supervision/revocation/", blank=True)
    statement_deadline = models.DateField(_("陈述申辩截止日期"))
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_at = models.DateTimeField(_("陈述申辩时间"), null=True, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=50, blank=True)
    decision_file = models.FileField(_("决定书"), upload_to="supervision/revocation/", blank=True)
    # The measures it was opened under (issue 13): its grounds and statement period.
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("适用政策版本"),
        on_delete=models.PROTECT,
        related_name="revocation_cases",
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("取消备案案件")
        verbose_name_plural = _("取消备案案件")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance"],
                condition=models.Q(state__in=["notified", "statement_received"]),
                name="one_open_revocation_case_per_alliance",
                violation_error_message=_("该联盟已有一件正在办理的取消备案案件。"),
            ),
        ]

    def __str__(self):
        return _("%(alliance)s 取消备案案件") % {"alliance": self.alliance}

    @property
    def ground_labels(self) -> list[str]:
        """The grounds in its version's words (the 2018 keys are RevocationGround's)."""
        texts = dict(self.policy_version.grounds.values_list("key", "text"))
        return [texts.get(g, g) for g in self.grounds]

    @property
    def statement_period_open(self) -> bool:
        return timezone.localdate() <= self.statement_deadline

    @transition(
        field=state,
        source=State.NOTIFIED,
        target=State.STATEMENT_RECEIVED,
        permission=rules.is_lead_unit_of_alliance,
        conditions=[rules.statement_period_open],
    )
    def submit_statement(self, *, statement: str):
        self.statement = statement
        self.statement_at = timezone.now()

    @transition(
        field=state,
        source=[State.NOTIFIED, State.STATEMENT_RECEIVED],
        target=State.REVOKED,
        permission=rules.is_municipal_staff,
        conditions=[rules.statement_heard_or_period_over],
    )
    def revoke(self, *, reasons: str, number: str):
        self.decision_reasons = reasons
        self.decision_number = number
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=[State.NOTIFIED, State.STATEMENT_RECEIVED],
        target=State.DISMISSED,
        permission=rules.is_municipal_staff,
    )
    def dismiss(self, *, reasons: str, number: str):
        self.decision_reasons = reasons
        self.decision_number = number
        self.decided_at = timezone.now()


class RevocationAttachment(Attachment):
    case = models.ForeignKey(RevocationCase, on_delete=models.CASCADE, related_name="evidence")

    class Meta(Attachment.Meta):
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")


class StatementAttachment(Attachment):
    """A file the lead unit attaches to its 陈述申辩 (submitted with it, never changed)."""

    case = models.ForeignKey(
        RevocationCase, on_delete=models.CASCADE, related_name="statement_files"
    )

    class Meta(Attachment.Meta):
        verbose_name = _("陈述申辩附件")
        verbose_name_plural = _("陈述申辩附件")
