"""The Art. 9 conformance check: the filing conditions of the filing's policy version,
each passed, failed or a warning, with the version's article text quoted and what to fix.
The lead unit sees it before it may submit; both reviewers see it as their checklist.

A condition names the check that decides it (``CHECKS``, keyed like
``policy.models.CHECKS``; the 2018 measures' seven conditions each have one), or is a
declaration: the lead unit ticks it and the reviewers confirm it."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.uscc import is_valid_uscc
from policy import selectors as policy_selectors

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


@dataclass
class ConditionResult:
    number: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str = ""
    article: str = ""
    key: str = ""
    evidence: str = ""
    declaration: bool = False
    declared: bool = False

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
    def messages(self) -> list[str]:
        return self.failures + self.warnings


def _region(organisation) -> str:
    """Prefecture-level region from the registering authority's division (e.g. 1306 保定)."""
    return organisation.division[:4]


def _filled(text: str) -> bool:
    return len((text or "").strip()) >= MIN_TEXT


def _check_lead_and_members(alliance, members) -> ConditionResult:
    result = ConditionResult()
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


def category_problem(version, key: str) -> str | None:
    """Why ``key`` is not a category of ``version`` (Art. 8), or None."""
    titles = [c.title for c in policy_selectors.categories(version)]
    if not key:
        return _("请选择联盟类别（第八条：%(titles)s）。") % {"titles": "、".join(titles)}
    if key not in policy_selectors.keys(version, "categories"):
        return _("联盟类别“%(key)s”不是%(version)s第八条所列的类别，请重新选择（%(titles)s）。") % {
            "key": key,
            "version": version,
            "titles": "、".join(titles),
        }
    return None


def _check_goals(alliance, version) -> ConditionResult:
    result = ConditionResult()
    if not _filled(alliance.industry_chain):
        result.failures.append(_("请填写产业创新链及构建任务（至少%(n)d字）。") % {"n": MIN_TEXT})
    if not _filled(alliance.innovation_goals):
        result.failures.append(_("请填写创新目标（至少%(n)d字）。") % {"n": MIN_TEXT})
    problem = category_problem(version, alliance.category)
    if problem:
        result.failures.append(problem)
    return result


def _check_charter(alliance, members, filing) -> ConditionResult:
    result = ConditionResult()
    asked = set()
    if filing is not None and filing.is_editable:
        # Registered members answer for themselves (filings.membership): while the
        # application may change, each must have confirmed online.
        from .membership import unconfirmed_problems

        problems, asked = unconfirmed_problems(members, alliance.lead_unit_id)
        result.failures.extend(problems)
    unsigned = [m.organisation.name for m in members if not m.charter_signed and m.pk not in asked]
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
    result = ConditionResult()
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


def _check_text(value: str, what) -> ConditionResult:
    result = ConditionResult()
    if not _filled(value):
        result.failures.append(_("请说明%(what)s（至少%(n)d字）。") % {"what": what, "n": MIN_TEXT})
    return result


def _check_openness(alliance, members) -> ConditionResult:
    result = _check_text(alliance.openness_mechanism, _("开放发展与成果扩散机制"))
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


def _check_funding(alliance, members) -> ConditionResult:
    return _check_text(
        alliance.funding_rules, _("经费管理制度（成员自主投入、政府资助经费的管理和监督）")
    )


def _check_ip(alliance, members) -> ConditionResult:
    return _check_text(alliance.ip_mechanism, _("成果和知识产权的权利归属、许可使用和收益分配办法"))


#: The checks the code provides, by key (``policy.models.CHECKS`` lists the same keys).
#: Each is called with the alliance, its members and the version whose conditions apply.
CHECKS = {
    "lead_and_members": lambda alliance, members, version: _check_lead_and_members(
        alliance, members
    ),
    "goals": lambda alliance, members, version: _check_goals(alliance, version),
    "charter": lambda alliance, members, version, filing=None: _check_charter(
        alliance, members, filing
    ),
    "bodies": lambda alliance, members, version: _check_bodies(alliance),
    "funding_rules": lambda alliance, members, version: _check_funding(alliance, members),
    "ip_mechanism": lambda alliance, members, version: _check_ip(alliance, members),
    "openness": lambda alliance, members, version: _check_openness(alliance, members),
}


def _declaration(condition, declared: bool) -> ConditionResult:
    result = ConditionResult(declaration=True, declared=declared)
    if not declared:
        result.failures.append(
            _("请牵头单位确认并声明符合本项条件（%(what)s），审核部门将予以核实。")
            % {"what": condition.evidence or condition.title}
        )
    return result


def rules_version(alliance, filing=None):
    """The version whose conditions apply: the filing's own once submitted, else the
    version that would apply if it were submitted today."""
    if filing is not None and filing.policy_version_id:
        return filing.policy_version
    return policy_selectors.shown()


def check_conformance(alliance, filing=None, *, version=None) -> list[ConditionResult]:
    """Evaluate the Art. 9 conditions of ``filing``'s version (or today's, for an alliance
    without a filing; or ``version``'s, for the administrator's preview of a draft) for
    ``alliance``, in the article's order."""
    version = version or rules_version(alliance, filing)
    declared = set(filing.declarations) if filing is not None else set()
    from .membership import with_registration

    members = list(with_registration(alliance.members.select_related("organisation")))
    results = []
    for condition in version.conditions.all():
        if condition.is_declaration:
            result = _declaration(condition, condition.key in declared)
        elif condition.check_key == "charter":
            result = CHECKS["charter"](alliance, members, version, filing)
        else:
            result = CHECKS[condition.check_key](alliance, members, version)
        result.number, result.title, result.key = condition.number, condition.title, condition.key
        result.article, result.evidence = condition.article_text, condition.evidence
        results.append(result)
    return results


def materials_for(filing):
    """The Art. 10 materials the lead unit uploads under ``filing``'s version."""
    return list(policy_selectors.materials(rules_version(filing.alliance, filing)))


def missing_materials(filing) -> list[str]:
    """Art. 10: the required materials of the filing's version not uploaded yet."""
    present = set(filing.materials.values_list("kind", flat=True))
    return [m.title for m in materials_for(filing) if m.required and m.kind not in present]


def latest_uploads(filing) -> list:
    """Art. 10: the newest upload of each kind is the one that counts, in the order of the
    filing's version (kinds it does not list follow)."""
    latest = {}
    for material in filing.materials.order_by("kind", "-uploaded_at", "-pk"):
        latest.setdefault(material.kind, material)
    order = {m.kind: i for i, m in enumerate(materials_for(filing))}
    return sorted(latest.values(), key=lambda m: (order.get(m.kind, len(order)), m.kind))


def filing_category_problem(filing) -> str | None:
    """Art. 8: the alliance's category must be one of the filing's version, whatever Art. 9
    checks that version keeps. Where it checks "goals", that check already says so (on the
    checklist too), so this adds nothing; otherwise this is the refusal."""
    version = rules_version(filing.alliance, filing)
    if version is None or any(c.check_key == "goals" for c in version.conditions.all()):
        return None
    return category_problem(version, filing.alliance.category)
