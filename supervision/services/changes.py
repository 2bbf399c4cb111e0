"""Applying an accepted change report to the alliance record (Art. 12(2)); the previous
value is kept as an AllianceChange row."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from filings.models import Alliance, AllianceMember

from ..models import AllianceChange, EventReport

LABEL_ADD = gettext_lazy("经重大事项报告新增成员单位")


def _add_member(report: EventReport, alliance: Alliance, organisation, by):
    """The newcomer's member row with what the report states (its role, task division and
    Art. 9(3) signature; its county is the unit's), audited on the alliance."""
    signed = report.member_charter_signed
    member = AllianceMember.objects.create(
        alliance=alliance,
        organisation=organisation,
        role=report.member_role or AllianceMember.Role.MEMBER,
        task_division=report.member_task_division,
        charter_signed=signed,
        signed_by=organisation.legal_representative if signed else "",
    )
    record(
        subject=alliance,
        action="member_add",
        action_label=LABEL_ADD,
        actor=by,
        reason=in_log_language(lambda: describe_member(member, report)),
    )
    return member


def describe_member(member: AllianceMember, report: EventReport) -> str:
    organisation = member.organisation
    county = organisation.jurisdiction.name if organisation.jurisdiction_id else _("市外单位")
    if member.charter_signed:
        signature = _("法定代表人%(name)s已签署联盟协议（章程）") % {"name": member.signed_by}
    else:
        signature = _("法定代表人未签署联盟协议（章程）")
    return _(
        "成员单位：%(name)s（%(uscc)s）；所在县（市、区）：%(county)s；联盟内角色：%(role)s；"
        "任务分工：%(task)s；%(signature)s；依据重大事项报告“%(title)s”"
    ) % {
        "name": organisation.name,
        "uscc": organisation.uscc,
        "county": county,
        "role": member.get_role_display(),
        "task": member.task_division or "—",
        "signature": signature,
        "title": report.title,
    }


def apply_change(report: EventReport, alliance: Alliance, by):
    """``alliance`` locked by the caller; ``report`` validated (validate_change)."""

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
            _add_member(report, alliance, organisation, by)
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
