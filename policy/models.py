"""Versions of the measures and the rule set each one carries.

A version is a draft until it is published (``core.transitions``, ``policy.services``);
once published nothing in it changes, so a record bound to it (a filing, a revocation
case, a subsidy round) keeps saying what it said when it was decided. Its lists — Art. 8
categories, Art. 9 conditions, Art. 10 materials, Art. 13 grounds, Art. 12(2) event kinds,
Art. 15 default criteria — are rows of their own, keyed so that a later version can reuse,
reword, drop or add entries.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 18 → 十八, 21 → 二十一 (article and item numbers, up to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def number_for_language(n: int) -> str:
    """An article or item number as the page's language writes it: 十二 in Chinese, 12
    otherwise (the English catalogue renders 第%(n)s条 as "Art. %(n)s")."""
    from django.utils import translation

    return chinese_number(n) if (translation.get_language() or "zh").startswith("zh") else str(n)


def is_administrator(version, user) -> bool:
    # Issue 13: the administrator keeps the measures the bureau's documents enact.
    return bool(user.is_authenticated and getattr(user, "is_administrator", False))


def ready_to_publish(version) -> bool:
    from .validation import publish_problems

    return not publish_problems(version)


def not_yet_in_force(version) -> bool:
    from django.utils import timezone

    return version.effective_from > timezone.localdate()


class WhenLapsed(models.TextChoices):
    """``PORTAL_POLICY_WHEN_LAPSED``: what the portal does while no version is in force."""

    KEEP_LAST = "keep_last", _("继续适用最近一个已发布的版本")
    REFUSE = "refuse", _("暂停受理新的备案申请、取消备案立案和补贴批次")


class PolicyVersion(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    document_number = models.CharField(_("文号"), max_length=100)
    title = models.CharField(_("文件名称"), max_length=200)
    issuing_body = models.CharField(_("发文机关"), max_length=100)
    effective_from = models.DateField(_("施行日期"))
    expires_on = models.DateField(
        _("失效日期"),
        null=True,
        blank=True,
        help_text=_("自该日起不再施行；长期有效的留空。"),
    )
    note = models.TextField(_("说明"), blank=True)
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("创建人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("发布人"),
    )
    # The predecessor whose expiry this version's publication set (to restore it if this
    # version is withdrawn before it takes effect).
    ended = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("因本版本发布而终止的上一版本"),
    )

    # --- The numbers the portal applies under this version ------------------------------
    # Art. 12(1): the summary of year Y is due on this day of year Y+1.
    summary_due_month = models.PositiveSmallIntegerField(
        _("年度工作总结截止月份"), help_text=_("第十二条第一项：次年几月。")
    )
    summary_due_day = models.PositiveSmallIntegerField(
        _("年度工作总结截止日"), help_text=_("第十二条第一项：该月几日。")
    )
    # Days before the due date on which the lead unit is reminded (0 = on the day).
    reminder_days_before = models.JSONField(
        _("截止前提醒（天）"), default=list, help_text=_("如 30、7、0（0为截止当日）。")
    )
    overdue_reminder_interval_days = models.PositiveSmallIntegerField(_("逾期后催报间隔（天）"))
    # Art. 12(2) "及时报告": a report more than this many days after the event is late.
    event_late_days = models.PositiveSmallIntegerField(
        _("重大事项报告时限（天）"), help_text=_("第十二条第二项：事项发生后多少天内报告。")
    )
    # Art. 13: the period to state one's case (陈述申辩).
    statement_working_days = models.PositiveSmallIntegerField(
        _("陈述申辩期（工作日）"), help_text=_("第十三条：告知后多少个工作日内陈述申辩。")
    )
    # Art. 15: operating subsidies, in whole yuan.
    subsidy_min_yuan = models.PositiveIntegerField(
        _("单项补贴下限（元）"), help_text=_("第十五条。")
    )
    subsidy_max_yuan = models.PositiveIntegerField(
        _("单项补贴上限（元）"), help_text=_("第十五条。")
    )
    trim_min_scores = models.PositiveSmallIntegerField(
        _("去掉最高分和最低分的最少评分数"),
        help_text=_("有效评分达到该数量时，去掉一个最高分和一个最低分后取平均。"),
    )
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    evaluators_per_application = models.PositiveSmallIntegerField(_("每份申请评审专家人数"))

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        constraints = [
            # Overlapping validity of published versions is refused by policy.services
            # under a lock and, on PostgreSQL, by an exclusion constraint
            # (migration 0003, which also checks reminder_days_before's shape).
            models.CheckConstraint(
                name="policy_expiry_after_effective",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("effective_from")),
                violation_error_message=_("失效日期须晚于施行日期。"),
            ),
            models.CheckConstraint(
                name="policy_subsidy_bounds",
                condition=Q(subsidy_min_yuan__gt=0, subsidy_min_yuan__lte=F("subsidy_max_yuan")),
                violation_error_message=_("补贴下限须大于0且不高于上限。"),
            ),
            models.CheckConstraint(
                name="policy_summary_due_date",
                condition=Q(summary_due_month__gte=1, summary_due_month__lte=12)
                & Q(summary_due_day__gte=1, summary_due_day__lte=31)
                & ~Q(summary_due_month=2, summary_due_day__gt=28)
                & ~Q(summary_due_month__in=[4, 6, 9, 11], summary_due_day__gt=30),
                violation_error_message=_("年度工作总结截止日期不是有效日期（2月最多28日）。"),
            ),
            models.CheckConstraint(
                name="policy_periods_positive",
                condition=Q(
                    overdue_reminder_interval_days__gte=1,
                    event_late_days__gte=1,
                    statement_working_days__gte=1,
                    notice_working_days__gte=1,
                    evaluators_per_application__gte=1,
                    trim_min_scores__gte=3,
                ),
                violation_error_message=_("各期限、人数须为正数，去分规则至少需要3份评分。"),
            ),
            models.CheckConstraint(
                name="policy_published_has_date",
                condition=Q(state="draft") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"《{self.title}》（{self.document_number}）"

    @property
    def citation(self) -> str:
        """How documents quote it: 《保定市推进产业创新战略联盟建设实施办法》（保政办发〔2018〕18号）.
        On an English page, the measures by their document number (the title is Chinese)."""
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en"):
            return f"the Baoding measures ({self.document_number})"
        return str(self)

    def in_force_on(self, day) -> bool:
        return (
            self.state == self.State.PUBLISHED
            and self.effective_from <= day
            and (self.expires_on is None or day < self.expires_on)
        )

    def article(self, number: int):
        return self.articles.filter(number=number).first()

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.PUBLISHED,
        permission=is_administrator,
        conditions=[ready_to_publish],
    )
    def publish(self, *, at, publisher):
        self.published_at = at
        self.published_by = publisher

    @transition(
        field=state,
        source=State.PUBLISHED,
        target=State.DRAFT,
        permission=is_administrator,
        conditions=[not_yet_in_force],
    )
    def withdraw(self):
        """Back to a draft, to be corrected or deleted: only before it takes effect, when
        no record can be bound to it yet."""
        self.published_at = None
        self.published_by = None
        self.ended = None


class VersionPart(models.Model):
    """A row of a version's rule set."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("项号"))

    class Meta:
        abstract = True
        ordering = ["number", "pk"]

    @property
    def item(self) -> str:
        """（一）, （二）…"""
        return f"（{chinese_number(self.number)}）"


class Article(VersionPart):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField(_("条"))
    chapter = models.CharField(_("章"), max_length=50, blank=True)
    text = models.TextField(_("条文"))

    class Meta(VersionPart.Meta):
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="article_once"),
            models.CheckConstraint(name="article_has_text", condition=~Q(text="")),
        ]

    def __str__(self):
        return self.heading

    @property
    def heading(self) -> str:
        return f"第{chinese_number(self.number)}条"


class Category(VersionPart):
    """Art. 8. The 2018 keys are ``filings.Category``'s values, so existing rows keep meaning."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="categories")
    key = models.CharField(_("代码"), max_length=30)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("条文"))

    class Meta(VersionPart.Meta):
        verbose_name = _("联盟类别")
        verbose_name_plural = _("联盟类别")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="category_key_once"),
            models.CheckConstraint(name="category_has_text", condition=~Q(title="")),
        ]

    def __str__(self):
        return self.title


#: What the code can check of an Art. 9 condition (``filings.conformance.CHECKS``
#: implements each key; a test keeps the two lists equal), or ``declaration``: the lead
#: unit declares it and the reviewers confirm it.
DECLARATION = "declaration"
CHECKS = {
    "lead_and_members": _("牵头单位为保定市内注册的独立法人，另有至少2家独立法人成员"),
    "goals": _("产业创新链任务、创新目标和联盟类别已填写"),
    "charter": _("全体成员法定代表人已签署协议（章程）并明确任务分工"),
    "bodies": _("决策机构、执行机构、对外责任主体、办公室及专职人员已填写"),
    "funding_rules": _("经费管理制度已说明"),
    "ip_mechanism": _("利益保障机制已说明"),
    "openness": _("开放发展机制已说明，成员跨行业或跨地区"),
    DECLARATION: _("无法自动核查：由牵头单位声明、审核部门确认"),
}


class Condition(VersionPart):
    """Art. 9: a filing condition, and how the portal checks it."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="conditions")
    key = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("简称"), max_length=100)
    article_text = models.TextField(_("条文"))
    evidence = models.TextField(_("牵头单位须说明或提供"), blank=True)
    check_key = models.CharField(
        _("核查方式"), max_length=40, choices=[(k, v) for k, v in CHECKS.items()]
    )

    class Meta(VersionPart.Meta):
        verbose_name = _("备案条件")
        verbose_name_plural = _("备案条件")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="condition_key_once"),
            models.UniqueConstraint(fields=["version", "number"], name="condition_number_once"),
            models.CheckConstraint(
                name="condition_has_text",
                condition=~Q(article_text="") & ~Q(title=""),
                violation_error_message=_("备案条件须有简称和条文。"),
            ),
        ]

    def __str__(self):
        return f"{self.item}{self.title}"

    @property
    def is_declaration(self) -> bool:
        return self.check_key == DECLARATION


#: Accepted upload types by short name → content type (``core.downloads.SIGNATURES``).
FILE_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


class Material(VersionPart):
    """Art. 10: a material the lead unit uploads. The 2018 kinds are
    ``filings.FilingMaterial.Kind``'s values. Art. 10(1), the county's recommendation
    letter, is issued by the portal when the county recommends and is not listed."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("代码"), max_length=30)
    title = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必须提交"), default=True)
    accepted_types = models.JSONField(_("接受的文件类型"), default=list)
    max_bytes = models.PositiveIntegerField(_("单个文件大小上限（字节）"))

    class Meta(VersionPart.Meta):
        verbose_name = _("备案材料")
        verbose_name_plural = _("备案材料")
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="material_kind_once"),
            models.CheckConstraint(
                name="material_size_positive", condition=Q(max_bytes__gt=0) & ~Q(title="")
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def content_types(self) -> set[str]:
        return {FILE_TYPES[t] for t in self.accepted_types if t in FILE_TYPES}


class Ground(VersionPart):
    """Art. 13: a ground for cancelling a filing. The 2018 keys are "1"–"5"
    (``supervision.RevocationGround``), as stored in ``RevocationCase.grounds``."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="grounds")
    key = models.CharField(_("代码"), max_length=20)
    text = models.CharField(_("条文"), max_length=300)

    class Meta(VersionPart.Meta):
        verbose_name = _("取消备案情形")
        verbose_name_plural = _("取消备案情形")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="ground_key_once"),
            models.CheckConstraint(name="ground_has_text", condition=~Q(text="")),
        ]

    def __str__(self):
        return self.text


class EventKind(VersionPart):
    """Art. 12(2): a kind of major event to report (``supervision.EventReport.Kind``'s
    values for 2018; the three change kinds update the alliance record when accepted)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="event_kinds")
    key = models.CharField(_("代码"), max_length=30)
    title = models.CharField(_("名称"), max_length=100)

    class Meta(VersionPart.Meta):
        verbose_name = _("重大事项类型")
        verbose_name_plural = _("重大事项类型")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="event_kind_key_once"),
            models.CheckConstraint(name="event_kind_has_title", condition=~Q(title="")),
        ]

    def __str__(self):
        return self.title


class Criterion(VersionPart):
    """Art. 15 "经评审": a default criterion of a new subsidy round, with its weight (%).
    The weights of a published version sum to 100 (checked when it is published)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("评审指标"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))

    class Meta(VersionPart.Meta):
        verbose_name = _("默认评审指标")
        verbose_name_plural = _("默认评审指标")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="policy_criterion_once"),
            models.CheckConstraint(
                name="policy_criterion_weight",
                condition=Q(weight__gte=1, weight__lte=100) & ~Q(name=""),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


#: The version's parameters with the article each implements: the editing page lists
#: them in this order with their units (verbose names).
PARAMETERS = (
    ("summary_due_month", 12),
    ("summary_due_day", 12),
    ("reminder_days_before", 12),
    ("overdue_reminder_interval_days", 12),
    ("event_late_days", 12),
    ("statement_working_days", 13),
    ("subsidy_min_yuan", 15),
    ("subsidy_max_yuan", 15),
    ("trim_min_scores", 15),
    ("notice_working_days", 15),
    ("evaluators_per_application", 15),
)
#: The lists a version carries, as related names, in the order of the articles.
LISTS = ("categories", "conditions", "materials", "event_kinds", "grounds", "criteria")
