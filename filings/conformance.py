"""The Art. 9 conformance check: the seven filing conditions, each passed, failed or a
warning, with the article quoted and what to fix. The lead unit sees it before it may
submit; both reviewers see it as their checklist."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.uscc import is_valid_uscc

# Organisation-type codes (USCC character 2 after the authority) that are not independent
# legal persons: 92 个体工商户. Everything else registered with a USCC is treated as one.
NOT_LEGAL_PERSON_TYPES = {"92"}
MIN_TEXT = 20  # characters below which a described mechanism is only a placeholder


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"


STATUS_LABELS = {
    Status.PASSED: gettext_lazy("符合"),
    Status.FAILED: gettext_lazy("不符合"),
    Status.WARNING: gettext_lazy("请注意"),
}

ARTICLE_9 = {
    1: gettext_lazy(
        "（一）联盟构建牵头单位是在保定市内注册的独立法人单位，联合市内外企业、高等学校和科研机构等多个独立法人组成；"
    ),
    2: gettext_lazy("（二）产业创新链构建任务明确、目标清晰；"),
    3: gettext_lazy(
        "（三）签署了具有法律约束力的创新联盟协议（章程）。协议（章程）须由成员单位法定代表人共同签署生效，其中有明确的创新目标、成员单位之间的任务分工；"
    ),
    4: gettext_lazy(
        "（四）设立决策、执行等组织机构，明确创新联盟对外承担责任的主体。创新联盟执行机构应设立联盟工作办公室，配备专职人员，负责有关日常事务；"
    ),
    5: gettext_lazy(
        "（五）有健全的经费管理制度。创新联盟发展以成员单位自主投入为主。对政府资助经费，创新联盟可委托常设执行机构的依托单位进行管理，需制定了内部管理办法和监督机制；"
    ),
    6: gettext_lazy(
        "（六）建立了利益保障机制。创新联盟研发项目产生的成果和知识产权应事先通过协议明确权利归属、许可使用和转化收益分配的办法，保护创新联盟成员的合法权益；"
    ),
    7: gettext_lazy(
        "（七）建立了开放发展机制。应为跨行业、跨行政区域的开放型创新联盟，建立成果扩散机制，对承担政府资助项目形成的成果有向创新联盟外扩散的义务。"
    ),
}

TITLES = {
    1: gettext_lazy("牵头单位与成员构成"),
    2: gettext_lazy("任务与目标"),
    3: gettext_lazy("联盟协议（章程）签署"),
    4: gettext_lazy("组织机构与工作办公室"),
    5: gettext_lazy("经费管理制度"),
    6: gettext_lazy("利益保障机制"),
    7: gettext_lazy("开放发展机制"),
}


@dataclass
class ConditionResult:
    number: int
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if self.failures:
            return Status.FAILED
        if self.warnings:
            return Status.WARNING
        return Status.PASSED

    @property
    def failed(self) -> bool:
        return self.status == Status.FAILED

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def article(self):
        return ARTICLE_9[self.number]

    @property
    def title(self):
        return TITLES[self.number]

    @property
    def messages(self) -> list[str]:
        return self.failures + self.warnings


def _region(organisation) -> str:
    """Prefecture-level region from the registering authority's division (e.g. 1306 保定)."""
    return organisation.division[:4]


def _filled(text: str) -> bool:
    return len((text or "").strip()) >= MIN_TEXT


def _check_lead_and_members(alliance, members) -> ConditionResult:
    result = ConditionResult(1)
    lead = alliance.lead_unit
    if not is_valid_uscc(lead.uscc):
        result.failures.append(
            _("牵头单位的统一社会信用代码 %(code)s 无效，请在单位信息中更正。")
            % {"code": lead.uscc}
        )
    elif not lead.registered_in_baoding:
        result.warnings.append(
            _(
                "牵头单位信用代码第3–8位为 %(division)s，不是保定市（1306xx）的登记机关代码。"
                "由省级机关登记的单位也可能如此，请初审部门核对营业执照登记机关。"
            )
            % {"division": lead.division}
        )
    if lead.uscc[:2] in NOT_LEGAL_PERSON_TYPES:
        result.failures.append(_("个体工商户不是独立法人，不能作为牵头单位。"))
    if lead.jurisdiction_id is None:
        result.failures.append(
            _(
                "请在单位信息中选择牵头单位所在的县（市、区）或开发区，申请将提交该地科技主管部门初审。"
            )
        )
    elif not lead.jurisdiction.enabled:
        result.failures.append(
            _("%(name)s目前未参与本市联盟备案，请联系保定市科学技术局。")
            % {"name": lead.jurisdiction.name}
        )
    others = [
        m
        for m in members
        if m.organisation_id != lead.pk and m.organisation.uscc[:2] not in NOT_LEGAL_PERSON_TYPES
    ]
    if len(others) < 2:
        result.failures.append(
            _("除牵头单位外，至少还需要2家独立法人成员单位，目前有%(n)d家。") % {"n": len(others)}
        )
    elif all(m.organisation.registered_in_baoding for m in others):
        result.warnings.append(
            _("成员单位均在保定市内；第九条要求联合市内外单位，建议吸收京津等市外单位。")
        )
    return result


def _check_goals(alliance) -> ConditionResult:
    result = ConditionResult(2)
    if not _filled(alliance.industry_chain):
        result.failures.append(_("请填写产业创新链及构建任务（至少%(n)d字）。") % {"n": MIN_TEXT})
    if not _filled(alliance.innovation_goals):
        result.failures.append(_("请填写创新目标（至少%(n)d字）。") % {"n": MIN_TEXT})
    if not alliance.category:
        result.failures.append(_("请选择联盟类别（第八条：一类、二类或三类）。"))
    return result


def _check_charter(members) -> ConditionResult:
    result = ConditionResult(3)
    unsigned = [m.organisation.name for m in members if not m.charter_signed]
    if unsigned:
        result.failures.append(
            _("以下成员单位的法定代表人尚未确认签署联盟协议（章程）：%(names)s。")
            % {"names": "、".join(unsigned)}
        )
    no_task = [m.organisation.name for m in members if not (m.task_division or "").strip()]
    if no_task:
        result.failures.append(
            _("以下成员单位尚未填写任务分工：%(names)s。") % {"names": "、".join(no_task)}
        )
    return result


def _check_bodies(alliance) -> ConditionResult:
    result = ConditionResult(4)
    missing = [
        label
        for value, label in [
            (alliance.decision_body, _("决策机构")),
            (alliance.executive_body, _("执行机构")),
            (alliance.liable_entity, _("对外承担责任的主体")),
            (alliance.office_address, _("联盟工作办公室地址")),
        ]
        if not (value or "").strip()
    ]
    if missing:
        result.failures.append(_("请填写：%(fields)s。") % {"fields": "、".join(missing)})
    if not alliance.office_fulltime_staff:
        result.failures.append(_("联盟工作办公室须配备专职人员，请填写专职人员数（至少1人）。"))
    return result


def _check_text(number: int, value: str, what) -> ConditionResult:
    result = ConditionResult(number)
    if not _filled(value):
        result.failures.append(_("请说明%(what)s（至少%(n)d字）。") % {"what": what, "n": MIN_TEXT})
    return result


def _check_openness(alliance, members) -> ConditionResult:
    result = _check_text(7, alliance.openness_mechanism, _("开放发展与成果扩散机制"))
    organisations = [m.organisation for m in members]
    industries = {o.industry for o in organisations}
    regions = {_region(o) for o in organisations}
    if len(industries) < 2 and len(regions) < 2:
        result.failures.append(
            _(
                "成员单位须跨行业或跨行政区域：目前全部属于同一行业且同一地区。请吸收其他行业或地区的单位。"
            )
        )
    return result


def check_conformance(alliance) -> list[ConditionResult]:
    """Evaluate Art. 9 (1)–(7) for ``alliance``; the list is in the article's order."""
    members = list(alliance.members.select_related("organisation"))
    return [
        _check_lead_and_members(alliance, members),
        _check_goals(alliance),
        _check_charter(members),
        _check_bodies(alliance),
        _check_text(
            5, alliance.funding_rules, _("经费管理制度（成员自主投入、政府资助经费的管理和监督）")
        ),
        _check_text(
            6, alliance.ip_mechanism, _("成果和知识产权的权利归属、许可使用和收益分配办法")
        ),
        _check_openness(alliance, members),
    ]


def missing_materials(filing) -> list[str]:
    """Art. 10 (2)–(4): the kinds of material the lead unit has not uploaded yet."""
    from .models import FilingMaterial

    present = set(filing.materials.values_list("kind", flat=True))
    return [str(label) for kind, label in FilingMaterial.Kind.choices if kind not in present]
