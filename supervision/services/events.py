"""Major-event reports (Art. 12(2)).

What a report may say — above all what a member change may be — is decided here, once:
on the lead unit's input (``event_create``, ``event_save``) and again when the report is
submitted and accepted, since the membership may have changed meanwhile
(``validate_change``). Forms only parse.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Jurisdiction, Organisation
from accounts.registration import derive_jurisdiction
from accounts.services import organisation_register_named
from accounts.uscc import compact, is_baoding_division, uscc_division, uscc_problem
from core import outbox, transitions
from filings.models import Alliance, AllianceMember
from policy import selectors as policy_selectors

from ..models import EventAttachment, EventReport
from ..models.events import kind_version_on
from .changes import apply_change
from .common import (
    accepted_fields,
    require_editable,
    require_filed,
    require_lead_unit,
    require_reason,
    require_transition,
    save_attachment,
    upload_errors_on,
)

Kind = EventReport.Kind
Action = EventReport.MemberAction
LABELS = {
    "submit": gettext_lazy("报告重大事项"),
    "accept": gettext_lazy("受理重大事项报告"),
    "return_for_revision": gettext_lazy("退回修改"),
}
EDITABLE = (EventReport.State.DRAFT, EventReport.State.RETURNED)
NEW_MEMBER_ROLES = ("", AllianceMember.Role.MEMBER, AllianceMember.Role.COUNCIL)
MEMBER_FIELDS = ("member_action", "member_role", "member_task_division", "member_charter_signed")
#: What a field holds when the report does not say it (a text field, or the signature).
BLANK = {"member_charter_signed": False}
PERSONNEL_FIELDS = ("position", "new_person_name")
ADDRESS_FIELDS = ("new_office_address",)
REPORT_FIELDS = ("kind", "title", "event_date", "description")
# An organisation not yet registered, given with the credit code of a member change.
NEW_ORG_FIELDS = {
    "new_org_name": ("name", gettext_lazy("该代码尚未登记，请填写单位名称。")),
    "new_org_kind": ("kind", gettext_lazy("该代码尚未登记，请选择单位类型。")),
    "new_org_industry": ("industry", gettext_lazy("该代码尚未登记，请选择所属行业。")),
    "new_org_legal_representative": (
        "legal_representative",
        gettext_lazy("该代码尚未登记，请填写法定代表人。"),
    ),
}
# A report carries only the fields of its own kind.
KIND_FIELDS = (*MEMBER_FIELDS, *PERSONNEL_FIELDS, *ADDRESS_FIELDS)
#: What a lead unit may write: the report's own fields, and the member unit by its credit
#: code (with the unit's details when it is not registered yet). Never the state, the
#: alliance, the author or a timestamp.
INPUT_FIELDS = (
    *REPORT_FIELDS,
    *KIND_FIELDS,
    "member_uscc",
    *NEW_ORG_FIELDS,
    "new_org_jurisdiction",
)
NOT_SIGNED = gettext_lazy(
    "新成员单位的法定代表人须签署联盟协议（章程）后方可加入（第九条第三项）。"
    "请在签署后勾选“新成员单位法定代表人已签署联盟协议（章程）”，并上传签署页作为附件。"
)


def _lock(report, expected_state=None):
    return transitions.lock(
        EventReport.objects.select_related("alliance", "member_organisation"),
        report.pk,
        expected_state,
    )


def explain(report, name):
    """Why a report's legal condition fails (Art. 13: the alliance is no longer filed)."""
    return [
        _("“%(name)s”的备案状态为“%(status)s”，不能报告重大事项。")
        % {"name": report.alliance.name, "status": report.alliance.get_status_display()}
    ]


def event_check_edit(report: EventReport, by) -> None:
    """May ``by`` change ``report``'s content or attachments now? (state, then permission)"""
    require_editable(
        report, by, editable=EDITABLE, refusal=_("报告当前状态为“%(state)s”，不能修改。")
    )


def event_check(report: EventReport, name: str, by, *, expected_state=None) -> None:
    """What ``event_<name>`` refuses before it reads any input (stale page, state,
    permission, Art. 13)."""
    require_transition(
        report, name, by, expected_state=expected_state, explain=explain, label=LABELS[name]
    )


def _notify(report, event):
    from ..tasks import send_record_notification

    outbox.enqueue(send_record_notification, "event", report.pk, event)


# --- What a report may say ---------------------------------------------------------------


def member_change_problem(alliance: Alliance, action: str, organisation) -> str | None:
    """Art. 12(2): whether ``organisation`` may join (``add``) or leave (``remove``)
    ``alliance`` now; what is wrong, or None. The one place that decides it."""
    is_member = alliance.members.filter(organisation=organisation).exists()
    if action == Action.ADD and is_member:
        return _("“%(name)s”已是联盟成员，无需新增。") % {"name": organisation.name}
    if action == Action.REMOVE and not is_member:
        return _("“%(name)s”不是联盟成员，无法退出。") % {"name": organisation.name}
    if action == Action.REMOVE and organisation.pk == alliance.lead_unit_id:
        return _("牵头单位不能通过成员变更退出联盟。")
    return None


def kind_problem(kind: str, event_date) -> str | None:
    """Why ``kind`` may not be reported for an event on ``event_date``: it must be a kind
    of the version applied that day (``EventReport.kind_version``), or None."""
    if not kind:
        return None  # "请选择事项类型" comes from the field itself
    day = event_date if isinstance(event_date, datetime.date) else None
    version = kind_version_on(day)
    if version is None or kind in policy_selectors.keys(version, "event_kinds"):
        return None
    titles = "、".join(k.title for k in policy_selectors.event_kinds(version))
    kind = dict(policy_selectors.choices_across_versions("event_kinds")).get(kind, kind)
    if day is None:
        return _(
            "“%(kind)s”不是%(version)s第十二条第二项所列的重大事项类型，请从%(titles)s中选择。"
        ) % {
            "kind": kind,
            "version": version,
            "titles": titles,
        }
    return _(
        "“%(kind)s”不是事项发生之日（%(date)s）施行的%(version)s第十二条第二项所列的"
        "重大事项类型，请从%(titles)s中选择。"
    ) % {"kind": kind, "date": day.strftime("%Y-%m-%d"), "version": version, "titles": titles}


class _Errors(dict):
    """Field → messages, raised at once so the form shows every problem together."""

    def add(self, name, message):
        self.setdefault(name, []).append(message)

    def require(self, data, name, message) -> bool:
        value = data.get(name)
        if value.strip() if isinstance(value, str) else value:
            return True
        self.add(name, message)
        return False


def _member_change(alliance, data, errors: _Errors):
    """The member organisation of a change (an unsaved one when the code is not registered
    yet), or None with ``errors`` saying what to fix."""
    action_ok = errors.require(data, "member_action", _("请选择成员变更类型（新增或退出）。"))
    if not errors.require(data, "member_uscc", _("请填写变更成员单位的统一社会信用代码。")):
        return None
    code = compact(data["member_uscc"])
    problem = uscc_problem(code)
    if problem:
        errors.add("member_uscc", problem)
        return None
    if not action_ok:
        return None
    action = data["member_action"]
    if action == Action.ADD:
        errors.require(
            data, "member_task_division", _("请写明新成员单位在联盟中的任务分工（第九条第三项）。")
        )
        if (data.get("member_role") or "") not in NEW_MEMBER_ROLES:
            # One lead unit per alliance (Art. 9): a newcomer joins as member or council.
            errors.add("member_role", _("新成员单位只能作为成员单位或理事单位加入。"))
    organisation = Organisation.objects.filter(uscc=code).first()
    if organisation is not None:
        problem = member_change_problem(alliance, action, organisation)
        if problem:
            errors.add("member_uscc", problem)
        return organisation
    if action == Action.REMOVE:
        errors.add(
            "member_uscc",
            _("统一社会信用代码为%(code)s的单位未登记，不是联盟成员。") % {"code": code},
        )
        return None
    return _new_organisation(code, data, errors)


def _new_jurisdiction(code, chosen, errors: _Errors):
    """The county (县（市、区）/开发区) of a unit to register: the one its credit code gives
    (as a unit's registration derives it), else the one the lead unit chose, else none (a
    unit outside Baoding). A choice that contradicts the code is refused."""
    if chosen is not None and not isinstance(chosen, Jurisdiction):
        errors.add("new_org_jurisdiction", _("请从列表中选择县（市、区）或开发区。"))
        return None
    if chosen is not None and not is_baoding_division(uscc_division(code)):
        # Registered outside Baoding: no county of the city is its own (penetration test).
        errors.add(
            "new_org_jurisdiction",
            _(
                "统一社会信用代码%(code)s的登记机关不在保定市，该单位不属于任何县（市、区），请留空。"
            )
            % {"code": code},
        )
        return None
    derived = derive_jurisdiction(code)
    if derived is not None and chosen is not None and chosen != derived:
        errors.add(
            "new_org_jurisdiction",
            _(
                "统一社会信用代码%(code)s的登记机关属于%(derived)s，所在县（市、区）应为"
                "%(derived)s，请改选或留空（按信用代码识别）。"
            )
            % {"code": code, "derived": derived.name},
        )
        return None
    return derived or chosen


def _new_organisation(code, data, errors: _Errors):
    """The unit to register with the report (unsaved), or None with ``errors``."""
    given = [errors.require(data, name, message) for name, (_f, message) in NEW_ORG_FIELDS.items()]
    values = {
        field: str(data[name]).strip()
        for name, (field, _message) in NEW_ORG_FIELDS.items()
        if data.get(name)
    }
    jurisdiction = _new_jurisdiction(code, data.get("new_org_jurisdiction"), errors)
    organisation = Organisation(uscc=code, jurisdiction=jurisdiction, **values)
    missing = {field for field, _message in NEW_ORG_FIELDS.values()} - set(values)
    try:
        organisation.clean_fields(exclude=["jurisdiction", *missing])
    except ValidationError as error:
        by_field = {field: name for name, (field, _message) in NEW_ORG_FIELDS.items()}
        for field, messages in error.message_dict.items():
            for message in messages:
                errors.add(by_field.get(field, "member_uscc"), message)
        return None
    return organisation if all(given) else None


def _put_input(report: EventReport, data: dict):
    """Write ``data`` onto ``report`` (unsaved) as the rules allow; return the member
    organisation, unsaved when it is to be registered; ValidationError keyed by field."""
    alliance = report.alliance
    data = accepted_fields(data, INPUT_FIELDS, "event_create/event_save")
    errors = _Errors()
    for name in REPORT_FIELDS + KIND_FIELDS:
        value = data.get(name, None if name == "event_date" else BLANK.get(name, ""))
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    try:
        # Types, choices and lengths, as the model declares them.
        report.clean_fields(
            exclude=[f.name for f in EventReport._meta.fields if f.name not in INPUT_FIELDS]
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                errors.add(name, message)
    problem = kind_problem(report.kind, report.event_date)
    if problem:
        errors.add("kind", problem)
    today = timezone.localdate()
    if isinstance(report.event_date, datetime.date) and report.event_date > today:
        errors.add(
            "event_date",
            _("事项发生日期不能晚于今天（%(today)s），请报告已经发生的事项。")
            % {"today": today.strftime("%Y-%m-%d")},
        )
    organisation = None
    if report.kind == Kind.MEMBER_CHANGE:
        organisation = _member_change(alliance, data, errors)
        if report.member_action != Action.ADD:
            report.member_role, report.member_task_division = "", ""
            report.member_charter_signed = False
    elif report.kind == Kind.PERSONNEL_CHANGE:
        errors.require(data, "position", _("请选择变更的职务。"))
        errors.require(data, "new_person_name", _("请填写新任人员姓名。"))
    elif report.kind == Kind.ADDRESS_CHANGE:
        if errors.require(data, "new_office_address", _("请填写新的办公室地址。")):
            if report.new_office_address == alliance.office_address.strip():
                errors.add("new_office_address", _("新地址与联盟现登记的办公室地址相同。"))
    if errors:
        raise ValidationError(dict(errors))
    # A report carries only the fields of its own kind.
    if report.kind != Kind.MEMBER_CHANGE:
        for name in MEMBER_FIELDS:
            setattr(report, name, BLANK.get(name, ""))
        organisation = None
    if report.kind != Kind.PERSONNEL_CHANGE:
        for name in PERSONNEL_FIELDS:
            setattr(report, name, "")
    if report.kind != Kind.ADDRESS_CHANGE:
        report.new_office_address = ""
    return organisation


def _save(report: EventReport, organisation, by):
    if organisation is not None and organisation.pk is None:
        # Registered with what the lead unit typed, audited as such (another report may
        # have registered the code meanwhile: then that unit, unchanged).
        organisation = organisation_register_named(
            by=by,
            values={
                "uscc": organisation.uscc,
                "name": organisation.name,
                "kind": organisation.kind,
                "industry": organisation.industry,
                "legal_representative": organisation.legal_representative,
                "jurisdiction": organisation.jurisdiction,
            },
            context=_("在“%(alliance)s”的重大事项报告（成员单位变更）中登记")
            % {"alliance": report.alliance.name},
        )
    report.member_organisation = organisation
    report.save()
    return report


def validate_change(report: EventReport):
    """A change report must say what changes, and the change must make sense now."""
    alliance = report.alliance
    if report.kind == Kind.MEMBER_CHANGE:
        if not report.member_action or report.member_organisation_id is None:
            raise ValidationError(_("成员单位变更须写明变更类型和变更的成员单位。"))
        problem = member_change_problem(alliance, report.member_action, report.member_organisation)
        if problem:
            raise ValidationError({"member_uscc": problem})
        if report.member_action == Action.ADD and not report.member_charter_signed:
            raise ValidationError({"member_charter_signed": str(NOT_SIGNED)})
    elif report.kind == Kind.PERSONNEL_CHANGE:
        if not report.position or not report.new_person_name.strip():
            raise ValidationError(_("重要人员变更须写明变更的职务和新任人员姓名。"))
    elif report.kind == Kind.ADDRESS_CHANGE:
        if not report.new_office_address.strip():
            raise ValidationError(_("办公室地址变迁须写明新地址。"))


# --- Services ----------------------------------------------------------------------------


def event_check_new(alliance: Alliance, by) -> None:
    """May ``by`` report on ``alliance`` now? Only on a filed alliance (Art. 13, a
    ValidationError), and only its lead unit (PermissionDenied)."""
    require_filed(alliance)
    require_lead_unit(alliance, by)


@transaction.atomic
def event_create(*, alliance: Alliance, by, data: dict) -> EventReport:
    """A draft report of ``alliance``; ``data`` maps INPUT_FIELDS to what was typed."""
    event_check_new(alliance, by)
    report = EventReport(alliance=alliance, created_by=by)
    organisation = _put_input(report, data)
    return _save(report, organisation, by)


@transaction.atomic
def event_save(*, report: EventReport, by, data: dict) -> EventReport:
    """Replace the draft's content with ``data`` (INPUT_FIELDS, as for event_create)."""
    report = _lock(report)
    event_check_edit(report, by)
    organisation = _put_input(report, data)
    return _save(report, organisation, by)


@transaction.atomic
def event_attach(*, report: EventReport, by, uploaded) -> EventAttachment:
    report = _lock(report)
    event_check_edit(report, by)
    require_filed(report.alliance)
    try:
        return save_attachment(EventAttachment, by=by, uploaded=uploaded, report=report)
    except ValidationError as error:
        raise upload_errors_on("file", error) from None


@transaction.atomic
def event_submit(*, report: EventReport, by, expected_state=None) -> EventReport:
    report = _lock(report, expected_state)
    event_check(report, "submit", by)
    problem = kind_problem(report.kind, report.event_date)
    if problem:
        raise ValidationError({"kind": problem})
    if report.is_change:
        validate_change(report)
    transitions.perform(report, "submit", by, label=LABELS["submit"])
    _notify(report, "submit")
    return report


@transaction.atomic
def event_return(*, report: EventReport, by, reason: str, expected_state=None) -> EventReport:
    report = _lock(report, expected_state)
    event_check(report, "return_for_revision", by)
    reason = require_reason(reason, _("退回修改必须写明理由。"), field="reason")
    transitions.perform(
        report,
        "return_for_revision",
        by,
        label=LABELS["return_for_revision"],
        log_reason=reason,
        reason=reason,
    )
    _notify(report, "return_for_revision")
    return report


@transaction.atomic
def event_accept(*, report: EventReport, by, expected_state=None) -> EventReport:
    """Accept; a member, personnel or address change is applied to the alliance record,
    and the previous value is kept in AllianceChange (Art. 12(2))."""
    report = _lock(report, expected_state)
    event_check(report, "accept", by)
    if report.is_change:
        alliance = Alliance.objects.select_for_update().get(pk=report.alliance_id)
        report.alliance = alliance
        validate_change(report)
        apply_change(report, alliance, by)
    transitions.perform(report, "accept", by, label=LABELS["accept"])
    _notify(report, "accept")
    return report
