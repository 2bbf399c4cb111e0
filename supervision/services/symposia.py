from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import outbox, transitions
from core.uploads import check_upload
from filings.models import Alliance

from ..models import Symposium, SymposiumInvitation
from .common import require_municipal_staff


def _lock(symposium, expected_state=None):
    return transitions.lock(Symposium.objects.all(), symposium.pk, expected_state)


def _invite(symposium, alliances) -> list[SymposiumInvitation]:
    from ..tasks import send_symposium_invitations

    existing = set(symposium.invitations.values_list("alliance_id", flat=True))
    new = [a for a in alliances if a.pk not in existing]
    not_filed = [a.name for a in new if a.status != Alliance.Status.FILED]
    if not_filed:
        raise ValidationError(
            _("只能邀请已备案的联盟：%(names)s 不是已备案联盟。") % {"names": "、".join(not_filed)}
        )
    invitations = SymposiumInvitation.objects.bulk_create(
        [SymposiumInvitation(symposium=symposium, alliance=a) for a in new]
    )
    if new:
        outbox.enqueue(send_symposium_invitations, symposium.pk, [a.pk for a in new])
    return invitations


@transaction.atomic
def symposium_schedule(*, by, title, starts_at, location, agenda="", alliances=()) -> Symposium:
    require_municipal_staff(by)
    symposium = Symposium.objects.create(
        title=title, starts_at=starts_at, location=location, agenda=agenda, created_by=by
    )
    from audit.models import record

    record(
        subject=symposium,
        action="schedule",
        action_label=gettext_lazy("安排座谈会"),
        actor=by,
        target=symposium.state,
    )
    _invite(symposium, list(alliances))
    return symposium


@transaction.atomic
def symposium_invite(*, symposium: Symposium, by, alliances) -> list[SymposiumInvitation]:
    require_municipal_staff(by)
    symposium = _lock(symposium)
    if symposium.state != Symposium.State.SCHEDULED:
        raise transitions.TransitionRefused([_("座谈会已召开或已取消，不能再邀请。")])
    return _invite(symposium, list(alliances))


@transaction.atomic
def symposium_record_attendance(*, symposium: Symposium, by, attendance: dict) -> int:
    """``attendance``: {invitation id: (Attendance value, attendee names)}."""
    require_municipal_staff(by)
    symposium = _lock(symposium)
    invitations = {i.pk: i for i in symposium.invitations.all()}
    updated = []
    for pk, (status, attendees) in attendance.items():
        invitation = invitations.get(int(pk))
        if invitation is None:
            continue  # not an invitation of this symposium
        invitation.attendance, invitation.attendees = status, attendees[:200]
        updated.append(invitation)
    SymposiumInvitation.objects.bulk_update(updated, ["attendance", "attendees"])
    return len(updated)


@transaction.atomic
def symposium_record_minutes(
    *, symposium: Symposium, by, summary: str, uploaded=None, expected_state=None
):
    symposium = _lock(symposium, expected_state)
    if not (summary or "").strip():
        raise ValidationError(_("请填写会议纪要摘要。"))
    transitions.check(symposium, "record_minutes", by)
    if uploaded is not None:
        checked = check_upload(uploaded)
        symposium.minutes_original_name = checked.original_name
        symposium.minutes_file.save(f"minutes{checked.extension}", uploaded, save=False)
    return transitions.perform(
        symposium, "record_minutes", by, label=gettext_lazy("上传会议纪要"), summary=summary.strip()
    )


@transaction.atomic
def symposium_cancel(*, symposium: Symposium, by, expected_state=None) -> Symposium:
    symposium = _lock(symposium, expected_state)
    return transitions.run(symposium, "cancel", by, label=gettext_lazy("取消座谈会"))
