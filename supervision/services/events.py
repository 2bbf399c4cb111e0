from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import outbox, transitions
from filings.models import Alliance, AllianceMember

from ..models import AllianceChange, EventAttachment, EventReport
from .common import (
    require_filed,
    require_lead_unit,
    require_reason,
    save_attachment,
)

LABELS = {
    "submit": gettext_lazy("报告重大事项"),
    "accept": gettext_lazy("受理重大事项报告"),
    "return_for_revision": gettext_lazy("退回修改"),
}
EDITABLE = (EventReport.State.DRAFT, EventReport.State.RETURNED)


def _lock(report, expected_state=None):
    return transitions.lock(
        EventReport.objects.select_related("alliance", "member_organisation"),
        report.pk,
        expected_state,
    )


def _explain(report, name):
    return [
        _("“%(name)s”的备案状态为“%(status)s”，不能报告重大事项。")
        % {"name": report.alliance.name, "status": report.alliance.get_status_display()}
    ]


def _notify(report, event):
    from ..tasks import send_record_notification

    outbox.enqueue(send_record_notification, "event", report.pk, event)


def validate_change(report: EventReport):
    """A change report must say what changes, and the change must make sense now."""
    alliance = report.alliance
    if report.kind == EventReport.Kind.MEMBER_CHANGE:
        if not report.member_action or report.member_organisation_id is None:
            raise ValidationError(_("成员单位变更须写明变更类型和变更的成员单位。"))
        is_member = alliance.members.filter(organisation_id=report.member_organisation_id).exists()
        if report.member_action == EventReport.MemberAction.ADD and is_member:
            raise ValidationError(_("该单位已是联盟成员，无需新增。"))
        if report.member_action == EventReport.MemberAction.REMOVE:
            if not is_member:
                raise ValidationError(_("该单位不是联盟成员，无法退出。"))
            if report.member_organisation_id == alliance.lead_unit_id:
                raise ValidationError(_("牵头单位不能通过成员变更退出联盟。"))
    elif report.kind == EventReport.Kind.PERSONNEL_CHANGE:
        if not report.position or not report.new_person_name.strip():
            raise ValidationError(_("重要人员变更须写明变更的职务和新任人员姓名。"))
    elif report.kind == EventReport.Kind.ADDRESS_CHANGE:
        if not report.new_office_address.strip():
            raise ValidationError(_("办公室地址变迁须写明新地址。"))


@transaction.atomic
def event_create(*, alliance: Alliance, by, form) -> EventReport:
    require_lead_unit(alliance, by)
    require_filed(alliance)
    report = form.save(commit=False)
    report.alliance = alliance
    report.created_by = by
    report.save()
    return report


@transaction.atomic
def event_save(*, report: EventReport, by, form) -> EventReport:
    report = _lock(report)
    require_lead_unit(report.alliance, by)
    if report.state not in EDITABLE:
        raise transitions.TransitionRefused([_("报告已提交，不能修改。")])
    return form.save()


@transaction.atomic
def event_attach(*, report: EventReport, by, uploaded) -> EventAttachment:
    report = _lock(report)
    require_lead_unit(report.alliance, by)
    require_filed(report.alliance)
    if report.state not in EDITABLE:
        raise transitions.TransitionRefused([_("报告已提交，不能再添加附件。")])
    return save_attachment(EventAttachment, by=by, uploaded=uploaded, report=report)


@transaction.atomic
def event_submit(*, report: EventReport, by, expected_state=None) -> EventReport:
    report = _lock(report, expected_state)
    transitions.check(report, "submit", by, explain=_explain)
    if report.is_change:
        validate_change(report)
    transitions.perform(report, "submit", by, label=LABELS["submit"])
    _notify(report, "submit")
    return report


@transaction.atomic
def event_return(*, report: EventReport, by, reason: str, expected_state=None) -> EventReport:
    reason = require_reason(reason, _("退回修改必须写明理由。"))
    report = _lock(report, expected_state)
    transitions.run(
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
    transitions.check(report, "accept", by)
    if report.is_change:
        alliance = Alliance.objects.select_for_update().get(pk=report.alliance_id)
        report.alliance = alliance
        validate_change(report)
        _apply_change(report, alliance, by)
    transitions.perform(report, "accept", by, label=LABELS["accept"])
    _notify(report, "accept")
    return report


def _apply_change(report: EventReport, alliance: Alliance, by):
    def change(label, old, new):
        AllianceChange.objects.create(
            alliance=alliance,
            field_label=label,
            old_value=old,
            new_value=new,
            event_report=report,
            changed_by=by,
        )

    if report.kind == EventReport.Kind.MEMBER_CHANGE:
        organisation = report.member_organisation
        before = "、".join(
            alliance.members.values_list("organisation__name", flat=True).order_by("pk")
        )
        if report.member_action == EventReport.MemberAction.ADD:
            AllianceMember.objects.create(
                alliance=alliance,
                organisation=organisation,
                role=report.member_role or AllianceMember.Role.MEMBER,
                task_division=report.member_task_division,
                # The report states the new member has acceded to the charter.
                charter_signed=True,
                signed_by=organisation.legal_representative,
            )
        else:
            alliance.members.filter(organisation=organisation).delete()
        after = "、".join(
            alliance.members.values_list("organisation__name", flat=True).order_by("pk")
        )
        change(str(_("成员单位")), before, after)
    elif report.kind == EventReport.Kind.PERSONNEL_CHANGE:
        field = report.position
        old = getattr(alliance, field)
        setattr(alliance, field, report.new_person_name.strip())
        alliance.save(update_fields=[field, "updated_at"])
        change(str(EventReport.Position(field).label), old, report.new_person_name.strip())
    elif report.kind == EventReport.Kind.ADDRESS_CHANGE:
        old = alliance.office_address
        alliance.office_address = report.new_office_address.strip()
        alliance.save(update_fields=["office_address", "updated_at"])
        change(str(_("联盟工作办公室地址")), old, alliance.office_address)
