"""Applying an accepted change report to the alliance record (Art. 12(2)); the previous
value is kept as an AllianceChange row."""

from django.utils.translation import gettext as _

from filings.models import Alliance, AllianceMember

from ..models import AllianceChange, EventReport


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
