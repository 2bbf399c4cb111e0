"""Alliances and their filing applications (Art. 8–11 of 保政办发〔2018〕18号).

The legal graph of a filing is the set of ``@transition`` methods on ``Filing``: read
them top to bottom and you have Art. 10–11. Transition bodies only change fields; every
write goes through ``filings.services``.
"""

import uuid
from enum import StrEnum
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Jurisdiction, Organisation
from policy import selectors as policy_selectors
from policy.models import PolicyVersion

from . import rules


class Category(StrEnum):
    """The keys of the 2018 measures' Art. 8 categories (policy version 1), for code and
    fixtures that name one. Which keys are valid and what they are called is the policy
    version's (``policy.models.Category``): see ``Alliance.category_version``."""

    INDUSTRIAL_TECHNOLOGY = "industrial_technology"
    INDUSTRIAL = "industrial"
    STRATEGIC = "strategic"


class Alliance(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        UNFILED = "unfiled", _("未备案")
        FILED = "filed", _("已备案")
        REVOKED = "revoked", _("已取消备案")

    name = models.CharField(_("联盟名称"), max_length=200)
    # A key of the Art. 8 categories of ``category_version`` (checked by filings.services
    # and the Art. 9 conformance check; titles come from that version).
    category = models.CharField(_("联盟类别"), max_length=30, blank=True)
    lead_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="led_alliances",
    )
    # Art. 9(2)
    industry_chain = models.TextField(_("产业创新链及构建任务"), blank=True)
    innovation_goals = models.TextField(_("创新目标"), blank=True)
    # Art. 9(4)
    decision_body = models.TextField(
        _("决策机构"), blank=True, help_text=_("如理事会：组成和议事规则。")
    )
    executive_body = models.TextField(_("执行机构"), blank=True)
    liable_entity = models.CharField(_("对外承担责任的主体"), max_length=200, blank=True)
    office_address = models.CharField(_("联盟工作办公室地址"), max_length=200, blank=True)
    office_fulltime_staff = models.PositiveSmallIntegerField(
        _("办公室专职人员数"), null=True, blank=True
    )
    office_contact_name = models.CharField(_("办公室联系人"), max_length=50, blank=True)
    office_contact_phone = models.CharField(_("办公室联系电话"), max_length=30, blank=True)
    office_contact_email = models.EmailField(_("办公室联系邮箱"), blank=True)
    # Art. 9(5)–(7)
    funding_rules = models.TextField(_("经费管理制度"), blank=True)
    ip_mechanism = models.TextField(
        _("利益保障机制（成果与知识产权归属、许可、收益分配）"), blank=True
    )
    openness_mechanism = models.TextField(_("开放发展与成果扩散机制"), blank=True)
    # Art. 5: "京津研发、保定转化"
    beijing_tianjin_partners = models.TextField(_("京津合作单位及合作内容"), blank=True)
    # Key personnel (Art. 12(2): changes are reported and, once accepted, recorded here).
    chairperson = models.CharField(_("理事长"), max_length=50, blank=True)
    secretary_general = models.CharField(_("秘书长"), max_length=50, blank=True)
    # Art. 16: the municipal bureau's liaison officer (科技联络员) for this alliance.
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("科技联络员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_alliances",
        limit_choices_to={"role": "municipal_staff", "is_liaison_officer": True},
    )

    status = FSMField(_("备案状态"), default=Status.UNFILED, choices=Status.choices, protected=True)
    filing_number = models.CharField(
        _("备案编号"), max_length=40, unique=True, null=True, blank=True
    )
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("创新联盟")
        verbose_name_plural = _("创新联盟")
        indexes = [
            # The public registry's order (portal/selectors.py): a page of 25 is an
            # index scan instead of a sort of every filed alliance.
            models.Index(
                fields=["filed_on", "filing_number", "id"],
                condition=Q(status="filed"),
                name="alliance_registry_order",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def category_version(self):
        """The policy version whose Art. 8 list ``category`` belongs to: the version its
        latest filing is bound to (from the first submission on); while that filing is an
        unsubmitted draft, the version a draft is shown (``policy.selectors.shown``); for an
        alliance filed without a filing in the portal, the version applied on its filing
        date. List pages annotate ``category_version_pk``
        (``filings.selectors.with_category_version``) so that no row costs a query."""
        if "category_version_pk" in self.__dict__:
            pk = self.category_version_pk
        else:
            pk = (
                self.filings.order_by("-pk").values_list("policy_version_id", flat=True).first()
                if self.pk
                else None
            )
        version = policy_selectors.version_by_pk(pk)
        if version is not None:
            return version
        if self.filed_on is not None and policy_selectors.published():
            return policy_selectors.rules_on(self.filed_on)
        return policy_selectors.shown()

    @property
    def category_title(self) -> str:
        """The category's title under ``category_version`` ("" when none is chosen)."""
        return policy_selectors.category_title(self.category_version, self.category)

    @transition(field=status, source=Status.UNFILED, target=Status.FILED)
    def file(self, *, number: str, on):
        self.filing_number = number
        self.filed_on = on

    @transition(field=status, source=Status.FILED, target=Status.REVOKED)
    def revoke(self):
        pass


class AllianceMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        COUNCIL = "council", _("理事单位")
        MEMBER = "member", _("成员单位")

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("成员单位"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        _("联盟内角色"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    task_division = models.TextField(_("任务分工"), blank=True)
    # Art. 9(3): the charter is signed by every member's legal representative.
    charter_signed = models.BooleanField(_("法定代表人已签署联盟协议（章程）"), default=False)
    signed_by = models.CharField(_("签署人（法定代表人）"), max_length=50, blank=True)
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    # A registered member unit confirms its membership and its Art. 9(3) signature online
    # (its administrator does); the filing shows who confirmed when. Empty for a unit
    # with no account, whose signature the lead unit records from the signed charter.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    declined_at = models.DateTimeField(_("拒绝时间"), null=True, blank=True)
    decline_reason = models.TextField(_("拒绝理由"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"],
                name="member_once_per_alliance",
                violation_error_message=_("该单位已是本联盟成员。"),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_role_display()}"


class Filing(ConcurrentTransitionMixin, models.Model):
    """One application to file an alliance, from the lead unit's draft to the decision."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        COUNTY_REVIEW = "county_review", _("县级初审中")
        RETURNED = "returned", _("退回修改")
        MUNICIPAL_REVIEW = "municipal_review", _("市级审核中")
        FILED = "filed", _("已备案")
        REJECTED = "rejected", _("不予备案")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATES = (State.DRAFT, State.COUNTY_REVIEW, State.RETURNED, State.MUNICIPAL_REVIEW)
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="filings"
    )
    # The county or zone bureau that reviews it (Art. 11): the lead unit's, fixed on submit.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("初审部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filings",
    )
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # When it last entered a reviewer's queue: the queues sort and count days from here.
    queued_at = models.DateTimeField(
        _("进入当前审核环节时间"), null=True, blank=True, db_index=True
    )
    submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    county_opinion = models.TextField(_("县级初审意见"), blank=True)
    recommended_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    recommendation_number = models.CharField(_("推荐公函文号"), max_length=50, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The last return or rejection reason, which the lead unit sees (history is in the log).
    last_reason = models.TextField(_("退回或不予备案理由"), blank=True)
    # The measures it was submitted under (issue 13): set on the first submission and never
    # again, so its checklist, materials and documents keep that version's rules. A draft
    # shows the version that would apply today.
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("适用政策版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filings",
    )
    # Keys of the Art. 9 conditions the lead unit has declared it meets (conditions the
    # portal cannot check itself; the reviewers confirm them).
    declarations = models.JSONField(_("已声明的备案条件"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("备案申请")
        verbose_name_plural = _("备案申请")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance"],
                condition=Q(state__in=["draft", "county_review", "returned", "municipal_review"]),
                name="one_open_filing_per_alliance",
                violation_error_message=_("该联盟已有一份正在办理的备案申请。"),
            ),
        ]

    def __str__(self):
        return f"{self.alliance.name}（{self.get_state_display()}）"

    # --- The legal graph (ARCHITECTURE.md, Art. 10–11) ---------------------------------

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.COUNTY_REVIEW,
        permission=rules.is_lead_unit_of,
        conditions=[
            rules.policy_applies,
            rules.conforms_to_art9,
            rules.has_art8_category,
            rules.has_art10_materials,
            rules.county_takes_part,
        ],
    )
    def submit(self, *, version):
        self.jurisdiction = self.alliance.lead_unit.jurisdiction
        self.submitted_at = self.queued_at = timezone.now()
        self.policy_version = version

    @transition(
        field=state,
        source=State.RETURNED,
        target=State.COUNTY_REVIEW,
        permission=rules.is_lead_unit_of,
        conditions=[
            rules.conforms_to_art9,
            rules.has_art8_category,
            rules.has_art10_materials,
            rules.county_takes_part,
        ],
    )
    def resubmit(self):
        self.jurisdiction = self.alliance.lead_unit.jurisdiction
        self.queued_at = timezone.now()

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED, State.COUNTY_REVIEW],
        target=State.WITHDRAWN,
        permission=rules.is_lead_unit_of,
    )
    def withdraw(self):
        self.decided_at = timezone.now()
        self.queued_at = None

    @transition(
        field=state,
        source=State.COUNTY_REVIEW,
        target=State.MUNICIPAL_REVIEW,
        permission=rules.is_county_reviewer_for,
    )
    def recommend(self, *, opinion: str, letter_number: str):
        self.county_opinion = opinion
        self.recommendation_number = letter_number
        self.recommended_at = self.queued_at = timezone.now()

    @transition(
        field=state,
        source=[State.COUNTY_REVIEW, State.MUNICIPAL_REVIEW],
        target=State.RETURNED,
        permission=rules.is_reviewer_at_current_level,
    )
    def return_for_revision(self, *, reason: str):
        self.last_reason = reason
        self.queued_at = None

    @transition(
        field=state,
        source=[State.COUNTY_REVIEW, State.MUNICIPAL_REVIEW],
        target=State.REJECTED,
        permission=rules.is_reviewer_at_current_level,
    )
    def reject(self, *, reason: str):
        self.last_reason = reason
        self.decided_at = timezone.now()
        self.queued_at = None

    @transition(
        field=state,
        source=State.MUNICIPAL_REVIEW,
        target=State.FILED,
        permission=rules.is_municipal_staff,
        conditions=[rules.alliance_not_yet_filed],
    )
    def approve(self):
        self.decided_at = timezone.now()
        self.queued_at = None

    # --------------------------------------------------------------------------------

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def rules(self):
        """The version whose rules apply: the one bound at the first submission, else the
        one a draft is shown (``policy.selectors.shown``). From the in-process cache."""
        return policy_selectors.version_by_pk(self.policy_version_id) or policy_selectors.shown()

    @property
    def category_title(self) -> str:
        """The alliance's category under this filing's version."""
        return policy_selectors.category_title(self.rules, self.alliance.category)

    def days_waiting(self, today=None) -> int | None:
        if self.queued_at is None:
            return None
        today = today or timezone.localdate()
        return (today - timezone.localdate(self.queued_at)).days


def _material_path(instance, filename):
    # Generated name: the user's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()
    return f"filings/{instance.filing_id}/{uuid.uuid4().hex}{suffix}"


class FilingMaterial(models.Model):
    """An Art. 10 material uploaded by the lead unit. The newest of each kind counts."""

    class Kind(StrEnum):
        """The 2018 measures' Art. 10 kinds (policy version 1), for code and fixtures that
        name one; the valid kinds and their titles are the filing's version's."""

        APPLICATION_FORM = "application_form"
        CHARTER = "charter"
        LICENCE = "licence"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="materials")
    # A kind of the Art. 10 materials of the filing's version (``filings.services``).
    kind = models.CharField(_("材料类型"), max_length=30)
    file = models.FileField(_("文件"), upload_to=_material_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("备案材料")
        verbose_name_plural = _("备案材料")

    def __str__(self):
        return f"{self.kind_title}：{self.original_name}"

    @property
    def kind_title(self) -> str:
        """The material's title under its filing's version."""
        return policy_selectors.material_title(self.filing.rules, self.kind)


def _document_path(instance, filename):
    return f"documents/{instance.filing_id}/{uuid.uuid4().hex}.pdf"


class FilingDocument(models.Model):
    """A PDF the portal issues: the county's 推荐公函 and the municipal 备案通知书."""

    class Kind(models.TextChoices):
        RECOMMENDATION_LETTER = "recommendation_letter", _("推荐公函")
        FILING_NOTICE = "filing_notice", _("备案通知书")

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=30, choices=Kind.choices)
    reference_number = models.CharField(_("文号"), max_length=50)
    file = models.FileField(_("文件"), upload_to=_document_path, max_length=200)
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["issued_at"]
        verbose_name = _("出具文书")
        verbose_name_plural = _("出具文书")

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference_number}"


class NumberSequence(models.Model):
    """Gap-free counters (filing numbers per year, letter numbers per bureau and year).

    Taken under a row lock inside the transaction that uses the number: a rolled-back
    decision gives its number back.
    """

    key = models.CharField(max_length=100, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}={self.last}"


# The register of issued documents has a module of its own (this one is long enough).
from .issued import IssuedDocument  # noqa: E402, F401
