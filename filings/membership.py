"""A registered member unit confirms its membership and its Art. 9(3) signature online.

A unit is *registered* when it has an active unit administrator (单位管理员,
``User.is_unit_admin``). When a lead unit adds a registered unit to its alliance, the
membership awaits that administrator's answer: the lead unit cannot tick the signature for
it; the administrator confirms (the signature of the unit's legal representative, who
the filing shows and when) or declines with a reason. Unregistered units are signed for by
the lead unit from the signed charter, as before.

Rules (docs/decisions.md, "A member unit confirms online"):

* The answer is given while the alliance's application may be changed (draft, returned):
  that is when the lead unit may still change the member row, and when the submission
  checks it. Confirmation and submission are serialised by the filing's row lock.
* What the member confirms is the row as the lead unit recorded it: its role and its task
  division. If the lead unit changes either, the earlier answer (confirmation or decline)
  no longer stands: it is cleared and the member is asked again. The page the member
  answers on carries a digest of those terms; an answer to terms changed meanwhile is
  refused as stale.
* A registered member that has not confirmed blocks submission (``conformance``); once
  the application is submitted, a unit that registers later is not asked (the rows keep
  the lead unit's record).
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rules as account_rules
from accounts.models import Role, User
from audit.models import in_log_language, record
from core import outbox
from core.transitions import StaleRecord, TransitionRefused

from .models import AllianceMember, Filing
from .tasks import send_membership_notice

LABELS = {
    "request": gettext_lazy("请成员单位在线确认"),
    "reset": gettext_lazy("成员单位确认因分工变更失效"),
    "confirm": gettext_lazy("成员单位在线确认"),
    "decline": gettext_lazy("成员单位拒绝确认"),
}


# --- Who is registered ---------------------------------------------------------------------


def _admins(organisation_ref):
    return User.objects.filter(
        organisation_id=organisation_ref,
        role=Role.LEAD_UNIT,
        is_unit_admin=True,
        is_active=True,
    )


def is_registered(organisation_id) -> bool:
    """The unit has an active unit administrator who can answer for it."""
    return _admins(organisation_id).exists()


def with_registration(queryset: QuerySet) -> QuerySet:
    """Member rows with ``organisation_registered``, in the same query."""
    return queryset.annotate(organisation_registered=Exists(_admins(OuterRef("organisation_id"))))


def _registered(member) -> bool:
    if "organisation_registered" in member.__dict__:
        return member.organisation_registered
    return is_registered(member.organisation_id)


def asks_member(member, lead_unit_id) -> bool:
    """Whether this row is the member's to confirm (a registered unit, not the lead)."""
    return member.organisation_id != lead_unit_id and _registered(member)


def terms_digest(member) -> str:
    """What the member answers to (its role and task division), as a short digest that a
    confirmation page carries: an answer to terms changed meanwhile is stale."""
    text = f"{member.role}\n{member.task_division}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- What a member row shows ---------------------------------------------------------------

LEAD, CONFIRMED, DECLINED, PENDING, LEAD_RECORDED, UNREGISTERED = (
    "lead",
    "confirmed",
    "declined",
    "pending",
    "lead_recorded",
    "unregistered",
)


def confirmation_status(member, lead_unit_id, *, editable: bool) -> tuple[str, str]:
    """(kind, text) of the row's Art. 9(3) signature. ``editable``: the alliance's
    application may still be changed (only then is a registered unit still asked)."""
    if member.organisation_id == lead_unit_id:
        return LEAD, _("牵头单位自行登记签署")
    if member.confirmed_at is not None:
        who = member.confirmed_by.get_full_name() or member.confirmed_by.username
        when = date_format(timezone.localtime(member.confirmed_at), "Y-m-d H:i")
        return CONFIRMED, _("已在线确认：%(name)s，%(time)s") % {"name": who, "time": when}
    if member.declined_at is not None:
        return DECLINED, _("已拒绝：%(reason)s") % {"reason": member.decline_reason}
    if _registered(member):
        if editable:
            return PENDING, _("待成员单位确认")
        return LEAD_RECORDED, _("由牵头单位登记签署（该单位未在线确认）")
    return UNREGISTERED, _("未注册单位，由牵头单位登记签署")


def annotate_statuses(members, lead_unit_id, *, editable: bool) -> list:
    """The rows, each with ``confirmation_kind`` and ``confirmation_text``."""
    members = list(members)
    for member in members:
        member.confirmation_kind, member.confirmation_text = confirmation_status(
            member, lead_unit_id, editable=editable
        )
    return members


def member_rows(alliance, *, editable: bool) -> list:
    """An alliance's member rows for a page or a PDF, with their confirmation status."""
    rows = with_registration(
        alliance.members.select_related(
            "organisation", "organisation__jurisdiction", "confirmed_by"
        ).order_by("pk")
    )
    return annotate_statuses(rows, alliance.lead_unit_id, editable=editable)


def unconfirmed_problems(members, lead_unit_id) -> tuple[list[str], set[int]]:
    """Art. 9(3) for registered members of an application that may still change: the
    reasons submission is refused, and the rows they concern (the generic "not signed"
    message leaves those out)."""
    problems, rows = [], set()
    for member in members:
        if not asks_member(member, lead_unit_id) or member.confirmed_at is not None:
            continue
        rows.add(member.pk)
        name = member.organisation.name
        if member.declined_at is not None:
            problems.append(
                _(
                    "成员单位“%(name)s”已拒绝确认（理由：%(reason)s），请与该单位协商后修改其"
                    "角色或任务分工（该单位将被再次请求确认），或将其移出联盟。"
                )
                % {"name": name, "reason": member.decline_reason}
            )
        else:
            problems.append(
                _(
                    "成员单位“%(name)s”尚未在线确认其成员身份和法定代表人签署联盟协议（章程），"
                    "请提醒该单位的单位管理员登录平台确认。"
                )
                % {"name": name}
            )
    return problems, rows


# --- Asked by the lead unit's services (filings.services, in their transaction) ------------


def refuse_lead_signature(organisation) -> None:
    raise ValidationError(
        {
            "charter_signed": _(
                "“%(name)s”已在平台注册，其法定代表人签署联盟协议（章程）须由该单位管理员"
                "在线确认，牵头单位不能代为勾选。请取消勾选后再保存。"
            )
            % {"name": organisation.name}
        }
    )


def _describe(member) -> str:
    return in_log_language(
        lambda: (
            _("成员单位：%(name)s；联盟内角色：%(role)s；任务分工：%(task)s")
            % {
                "name": member.organisation.name,
                "role": member.get_role_display(),
                "task": member.task_division or "—",
            }
        )
    )


def ask_member(filing: Filing, member: AllianceMember, by) -> None:
    """A registered member was added: ask its administrator (audited, notified)."""
    record(
        subject=filing,
        action="member_confirmation_request",
        action_label=LABELS["request"],
        actor=by,
        reason=_describe(member),
    )
    outbox.enqueue(send_membership_notice, member.pk, "request")


def terms_changed(filing: Filing, member: AllianceMember, by, *, old_terms: str) -> None:
    """The lead unit changed the role or task division of a registered member: an earlier
    answer no longer stands; the member is asked again. Call before saving the row (the
    caller saves ``ANSWER_FIELDS`` with its own)."""
    answered = member.confirmed_at is not None or member.declined_at is not None
    member.confirmed_by = None
    member.confirmed_at = None
    member.declined_at = None
    member.decline_reason = ""
    member.charter_signed = False
    record(
        subject=filing,
        action="member_confirmation_reset",
        action_label=LABELS["reset"] if answered else LABELS["request"],
        actor=by,
        reason=in_log_language(
            lambda: _("%(now)s（此前：%(old)s）") % {"now": _describe(member), "old": old_terms}
        ),
    )
    outbox.enqueue(send_membership_notice, member.pk, "changed")


ANSWER_FIELDS = ["confirmed_by", "confirmed_at", "declined_at", "decline_reason", "charter_signed"]


def describe_terms(member) -> str:
    return _describe(member)


# --- The member's answer ----------------------------------------------------------------------


def _open_filing(member, *, lock: bool) -> Filing | None:
    """The alliance's application that may still be changed; locked for an answer
    (submission takes the same lock: an answer and a submission never cross)."""
    filings = Filing.objects.filter(
        alliance_id=member.alliance_id, state__in=Filing.EDITABLE_STATES
    )
    if lock:
        filings = filings.select_for_update(of=("self",))
    return filings.first()


def membership_check(*, by, member: AllianceMember, lock: bool = False) -> Filing:
    """Raise unless ``by`` may answer for ``member`` now — PermissionDenied unless it is
    the member unit's administrator; TransitionRefused for the lead unit's own row or once
    the application is no longer open to changes — else return the open filing (``lock``:
    locked, inside the caller's transaction). Pages ask it without locking."""
    if not account_rules.is_unit_admin_of(member.organisation_id, by):
        raise PermissionDenied
    if member.organisation_id == member.alliance.lead_unit_id:
        raise TransitionRefused([_("牵头单位在备案申请中登记本单位的签署，无需在线确认。")])
    filing = _open_filing(member, lock=lock)
    if filing is None:
        raise TransitionRefused(
            [
                _(
                    "“%(alliance)s”目前没有可修改的备案申请（已提交审核或已办结），不能再确认或拒绝；"
                    "如有异议，请联系牵头单位。"
                )
                % {"alliance": member.alliance.name}
            ]
        )
    return filing


def _locked_member(member) -> AllianceMember:
    locked = (
        AllianceMember.objects.select_for_update(of=("self",))
        .select_related("organisation", "alliance", "alliance__lead_unit")
        .filter(pk=member.pk)
        .first()
    )
    if locked is None:
        raise StaleRecord  # removed by the lead unit meanwhile
    return locked


def _prepare(by, member, seen_terms):
    member = AllianceMember.objects.select_related("alliance").filter(pk=member.pk).first()
    if member is None:
        raise StaleRecord  # removed by the lead unit meanwhile
    filing = membership_check(by=by, member=member, lock=True)  # the filing first, as the lead
    member = _locked_member(member)
    if seen_terms and seen_terms != terms_digest(member):
        raise StaleRecord
    return filing, member


@transaction.atomic
def membership_confirm(*, by, member: AllianceMember, seen_terms: str = "") -> AllianceMember:
    """The member unit's administrator confirms the membership and the signature of its
    legal representative (Art. 9(3)). ``seen_terms``: ``terms_digest`` of the row shown."""
    filing, member = _prepare(by, member, seen_terms)
    if member.confirmed_at is not None:
        raise TransitionRefused([_("本单位已确认该联盟的成员身份，无需重复确认。")])
    member.confirmed_by = by
    member.confirmed_at = timezone.now()
    member.declined_at = None
    member.decline_reason = ""
    member.charter_signed = True
    member.signed_by = member.organisation.legal_representative
    member.save(update_fields=[*ANSWER_FIELDS, "signed_by"])
    record(
        subject=filing,
        action="member_confirm",
        action_label=LABELS["confirm"],
        actor=by,
        reason=in_log_language(
            lambda: (
                _("%(terms)s；法定代表人：%(rep)s")
                % {"terms": _describe(member), "rep": member.signed_by}
            )
        ),
    )
    outbox.enqueue(send_membership_notice, member.pk, "confirm")
    return member


@transaction.atomic
def membership_decline(
    *, by, member: AllianceMember, reason: str, seen_terms: str = ""
) -> AllianceMember:
    """The member unit's administrator declines (a reason the lead unit reads); an earlier
    confirmation is withdrawn with it."""
    filing, member = _prepare(by, member, seen_terms)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明拒绝的理由，牵头单位将看到该理由。")})
    member.confirmed_by = None
    member.confirmed_at = None
    member.declined_at = timezone.now()
    member.decline_reason = reason
    member.charter_signed = False
    member.signed_by = ""
    member.save(update_fields=[*ANSWER_FIELDS, "signed_by"])
    record(
        subject=filing,
        action="member_decline",
        action_label=LABELS["decline"],
        actor=by,
        reason=in_log_language(
            lambda: (
                _("%(terms)s；理由：%(reason)s") % {"terms": _describe(member), "reason": reason}
            )
        ),
    )
    outbox.enqueue(send_membership_notice, member.pk, "decline")
    return member
