"""Users, the organisations they act for, and the jurisdictions that review filings."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..uscc import compact, is_baoding_division, uscc_division


class Jurisdiction(models.Model):
    """A county-level unit or development zone whose tech bureau does the 初审 (Art. 11)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        CITY = "city", _("县级市")
        ZONE = "zone", _("开发区")

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    bureau_name = models.CharField(_("科技主管部门"), max_length=100)
    # Used in the reference number of the county's recommendation letter (推荐公函).
    letter_prefix = models.CharField(_("公函文号前缀"), max_length=10)
    enabled = models.BooleanField(
        _("参与备案"),
        default=True,
        help_text=_("定州市（省直管）和雄安新区三县是否参与由管理员设置。"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("县（市、区）/开发区")
        verbose_name_plural = _("县（市、区）/开发区")

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """An independent legal person: a lead unit, a member unit or an evaluator's employer."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高等学校")
        INSTITUTE = "institute", _("科研机构")
        OTHER = "other", _("其他")

    class Industry(models.TextChoices):
        # GB/T 4754-2017 sections: Art. 9(7) asks for cross-industry alliances.
        AGRICULTURE = "A", _("农、林、牧、渔业")
        MINING = "B", _("采矿业")
        MANUFACTURING = "C", _("制造业")
        UTILITIES = "D", _("电力、热力、燃气及水生产和供应业")
        CONSTRUCTION = "E", _("建筑业")
        TRADE = "F", _("批发和零售业")
        TRANSPORT = "G", _("交通运输、仓储和邮政业")
        HOSPITALITY = "H", _("住宿和餐饮业")
        IT = "I", _("信息传输、软件和信息技术服务业")
        FINANCE = "J", _("金融业")
        REAL_ESTATE = "K", _("房地产业")
        BUSINESS_SERVICES = "L", _("租赁和商务服务业")
        RESEARCH = "M", _("科学研究和技术服务业")
        ENVIRONMENT = "N", _("水利、环境和公共设施管理业")
        RESIDENT_SERVICES = "O", _("居民服务、修理和其他服务业")
        EDUCATION = "P", _("教育")
        HEALTH = "Q", _("卫生和社会工作")
        CULTURE = "R", _("文化、体育和娱乐业")
        PUBLIC = "S", _("公共管理、社会保障和社会组织")

    # What the unit is in law and in the registry: after registration these change only
    # through an OrganisationChange that the bureau decides (Art. 9(1), Art. 11: the
    # jurisdiction chooses the county that reviews the unit's filings). Kind and industry
    # belong here too: the Art. 9 conformance check counts kinds and industries of members.
    LEGAL_FACTS = ("name", "uscc", "kind", "industry", "legal_representative", "jurisdiction")
    # What the unit edits itself, audited with the old and new values.
    CONTACT_FIELDS = ("address", "contact_person", "contact_phone", "contact_email")

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        error_messages={"unique": _("该统一社会信用代码已登记，请勿重复添加。")},
    )
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    industry = models.CharField(
        _("所属行业"), max_length=1, choices=Industry.choices, default=Industry.MANUFACTURING
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    # The Baoding county or zone the unit files in (Art. 11); empty outside Baoding.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("所在县（市、区）/开发区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.uscc = compact(self.uscc)
        super().save(*args, **kwargs)

    @property
    def division(self) -> str:
        return uscc_division(self.uscc)

    @property
    def province_code(self) -> str:
        return self.division[:2]

    @property
    def registered_in_baoding(self) -> bool:
        return is_baoding_division(self.division)


class Role(models.TextChoices):
    LEAD_UNIT = "lead_unit", _("联盟牵头单位")
    COUNTY_REVIEWER = "county_reviewer", _("县级科技主管部门")
    MUNICIPAL_STAFF = "municipal_staff", _("市科技局工作人员")
    EVALUATOR = "evaluator", _("评审专家")
    ADMIN = "admin", _("系统管理员")
    # Reads the operation and login logs, nothing else; never the administrator (三员分立:
    # one role per user, so one person cannot administer the portal and audit themselves).
    AUDITOR = "auditor", _("安全审计员")
    # Lockouts, two-factor resets, sessions and the password policy, nothing else: the third
    # of 三员分立 (these duties were the administrator's).
    SECURITY_ADMIN = "security_admin", _("安全管理员")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("牵头单位用户和评审专家必填。"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("所属县（市、区）/开发区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewers",
        help_text=_("县级科技主管部门用户必填。"),
    )
    # Art. 16: a municipal staff member who can be assigned to alliances as liaison officer.
    is_liaison_officer = models.BooleanField(_("科技联络员"), default=False)
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)
    # Decisions, legal notices and deadlines are always e-mailed; other notices only
    # appear in the portal's inbox when the user opts out.
    email_opt_out = models.BooleanField(_("非必要通知不发送邮件"), default=False)
    # 适老化 mode (issue 17): large text and high contrast on every page. Kept with the
    # user so that it follows them to another computer; visitors have only the cookie
    # (accounts.preferences).
    elder_mode = models.BooleanField(_("适老化模式"), default=False)
    # 单位管理员: one per unit; adds and removes the unit's other users and hands the role
    # over (accounts.rules.is_unit_admin_of).
    is_unit_admin = models.BooleanField(_("单位管理员"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="lead_unit_has_organisation",
                condition=~Q(role="lead_unit") | Q(organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="evaluator_has_organisation",
                condition=~Q(role="evaluator") | Q(organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="county_reviewer_has_jurisdiction",
                condition=~Q(role="county_reviewer") | Q(jurisdiction__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_unit_admin=True),
                name="one_unit_admin_per_organisation",
                violation_error_message=_("每个单位只能有一名单位管理员。"),
            ),
            models.CheckConstraint(
                name="unit_admin_is_unit_user",
                condition=Q(is_unit_admin=False) | Q(role="lead_unit"),
            ),
            models.CheckConstraint(
                name="liaison_officer_is_municipal_staff",
                condition=Q(is_liaison_officer=False) | Q(role="municipal_staff"),
            ),
        ]

    def __str__(self):
        full = self.get_full_name()
        return f"{full}（{self.username}）" if full else self.username

    def get_full_name(self):
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.role in (Role.LEAD_UNIT, Role.EVALUATOR) and not self.organisation_id:
            errors["organisation"] = _("牵头单位用户和评审专家必须选择所属单位。")
        if self.role == Role.COUNTY_REVIEWER and not self.jurisdiction_id:
            errors["jurisdiction"] = _("县级科技主管部门用户必须选择所属县（市、区）/开发区。")
        if self.is_liaison_officer and self.role != Role.MUNICIPAL_STAFF:
            errors["is_liaison_officer"] = _("只有市科技局工作人员可以担任科技联络员。")
        if errors:
            raise ValidationError(errors)

    @property
    def effective_role(self) -> str:
        """The role the portal treats this user as; a superuser without one is an administrator."""
        if not self.role and self.is_superuser:
            return Role.ADMIN
        return self.role

    @property
    def is_lead_unit(self) -> bool:
        return self.effective_role == Role.LEAD_UNIT

    @property
    def is_county_reviewer(self) -> bool:
        return self.effective_role == Role.COUNTY_REVIEWER

    @property
    def is_municipal_staff(self) -> bool:
        return self.effective_role == Role.MUNICIPAL_STAFF

    @property
    def is_evaluator(self) -> bool:
        return self.effective_role == Role.EVALUATOR

    @property
    def is_administrator(self) -> bool:
        return self.effective_role == Role.ADMIN

    @property
    def is_auditor(self) -> bool:
        return self.effective_role == Role.AUDITOR

    @property
    def is_security_admin(self) -> bool:
        return self.effective_role == Role.SECURITY_ADMIN
