from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record
from core import outbox, transitions
from core.uploads import check_upload
from filings.models import Alliance

from ..models import Symposium, SymposiumInvitation
from .common import (
    all_or_errors,
    require_municipal_staff,
    require_reason,
    require_transition,
    upload_errors_on,
)

LABELS = {
    "record_minutes": gettext_lazy("上传会议纪要"),
    "cancel": gettext_lazy("取消座谈会"),
}
VALID = set(SymposiumInvitation.Attendance.values)


def _lock(symposium, expected_state=None):
    return transitions.lock(Symposium.objects.all(), symposium.pk, expected_state)


def _invite(symposium, alliances) -> list[SymposiumInvitation]:
    from ..tasks import send_symposium_invitations

    existing = set(symposium.invitations.values_list("alliance_id", flat=True))
    new = [a for a in alliances if a.pk not in existing]
    not_filed = [a.name for a in new if a.status != Alliance.Status.FILED]
    if not_filed:
        raise ValidationError(
            {
                "alliances": _("只能邀请已备案的联盟：%(names)s 不是已备案联盟。")
                % {"names": "、".join(not_filed)}
            }
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
    record(
        subject=symposium,
        action="schedule",
        action_label=gettext_lazy("安排座谈会"),
        actor=by,
        target=symposium.state,
    )
    _invite(symposium, list(alliances))
    return symposium


def symposium_check_open(symposium: Symposium, by) -> None:
    """May ``by`` invite more alliances now? Only to a symposium still to be held, and
    only the bureau."""
    if symposium.state != Symposium.State.SCHEDULED:
        raise transitions.TransitionRefused([_("座谈会已召开或已取消，不能再邀请。")])
    require_municipal_staff(by)


def _not_yet_held(symposium: Symposium, _name=None) -> list[str]:
    return [
        _("座谈会定于%(when)s召开，召开后才能登记出席情况和会议纪要。")
        % {"when": date_format(timezone.localtime(symposium.starts_at), "DATETIME_FORMAT")}
    ]


def symposium_check_attendance(symposium: Symposium, by) -> None:
    """May ``by`` record who attended? Not for a cancelled symposium, nor for one not yet
    held; only the bureau."""
    if symposium.state == Symposium.State.CANCELLED:
        raise transitions.TransitionRefused([_("座谈会已取消，不能登记出席情况。")])
    require_municipal_staff(by)
    if not symposium.is_past:
        raise transitions.TransitionRefused(_not_yet_held(symposium))


def symposium_check(symposium: Symposium, name: str, by, *, expected_state=None) -> None:
    """What ``symposium_record_minutes`` ("record_minutes") or ``symposium_cancel``
    ("cancel") refuses before it reads any input: a stale page, the state, the permission."""
    require_transition(
        symposium,
        name,
        by,
        expected_state=expected_state,
        label=LABELS[name],
        explain=_not_yet_held,
    )


@transaction.atomic
def symposium_invite(*, symposium: Symposium, by, alliances) -> list[SymposiumInvitation]:
    symposium = _lock(symposium)
    symposium_check_open(symposium, by)
    return _invite(symposium, list(alliances))


@transaction.atomic
def symposium_record_attendance(*, symposium: Symposium, by, attendance: dict) -> int:
    """``attendance``: {invitation id: (Attendance value, attendee names)}."""
    symposium = _lock(symposium)
    symposium_check_attendance(symposium, by)
    invalid = [status for status, _attendees in attendance.values() if status not in VALID]
    if invalid:
        raise ValidationError(_("出席情况的取值无效，请重新选择。"))
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
    symposium_check(symposium, "record_minutes", by)
    summary, checked = all_or_errors(
        lambda: require_reason(summary, _("请填写会议纪要摘要。"), field="summary"),
        lambda: _checked_minutes(uploaded),
    )
    if checked is not None:
        symposium.minutes_original_name = checked.original_name
        symposium.minutes_file.save(f"minutes{checked.extension}", uploaded, save=False)
    return transitions.perform(
        symposium, "record_minutes", by, label=LABELS["record_minutes"], summary=summary
    )


def _checked_minutes(uploaded):
    if uploaded is None:
        return None
    try:
        return check_upload(uploaded)
    except ValidationError as error:
        raise upload_errors_on("file", error) from None


@transaction.atomic
def symposium_cancel(*, symposium: Symposium, by, expected_state=None) -> Symposium:
    symposium = _lock(symposium, expected_state)
    return transitions.run(symposium, "cancel", by, label=LABELS["cancel"])
