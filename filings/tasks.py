from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from core.notify import send_notice

from .models import Filing


def _lead_unit_users(filing):
    return User.objects.filter(role=Role.LEAD_UNIT, organisation_id=filing.alliance.lead_unit_id)


def _county_reviewers(filing):
    return User.objects.filter(role=Role.COUNTY_REVIEWER, jurisdiction_id=filing.jurisdiction_id)


def _municipal_staff():
    return User.objects.filter(role=Role.MUNICIPAL_STAFF)


@shared_task(acks_late=True)
def send_filing_notification(filing_id: int, event: str) -> int:
    """E-mail the people a filing's transition concerns (Art. 11: every decision)."""
    filing = Filing.objects.select_related("alliance", "alliance__lead_unit", "jurisdiction").get(
        pk=filing_id
    )
    name = filing.alliance.name
    link = f"{settings.PORTAL_BASE_URL}{reverse('filings:detail', args=[filing.pk])}"
    reason = filing.last_reason
    sent = 0
    lead_messages = {
        "submit": (
            gettext_lazy("备案申请已提交初审"),
            gettext_lazy("“%(name)s”的备案申请已提交%(bureau)s初审。"),
        ),
        "resubmit": (
            gettext_lazy("备案申请已重新提交"),
            gettext_lazy("“%(name)s”的备案申请已修改并重新提交%(bureau)s初审。"),
        ),
        "recommend": (
            gettext_lazy("备案申请已通过初审"),
            gettext_lazy("%(bureau)s已推荐“%(name)s”备案，申请已转市科技局审核。"),
        ),
        "return_for_revision": (
            gettext_lazy("备案申请被退回修改"),
            gettext_lazy("“%(name)s”的备案申请被退回修改。理由：%(reason)s\n请修改后重新提交。"),
        ),
        "reject": (
            gettext_lazy("备案申请不予备案"),
            gettext_lazy("“%(name)s”的备案申请不予备案。理由：%(reason)s"),
        ),
        "approve": (
            gettext_lazy("联盟已予以备案"),
            gettext_lazy("“%(name)s”已予以备案，备案编号%(number)s。备案通知书可在平台下载。"),
        ),
        "withdraw": (gettext_lazy("备案申请已撤回"), gettext_lazy("“%(name)s”的备案申请已撤回。")),
    }
    params = {
        "name": name,
        "bureau": filing.jurisdiction.bureau_name if filing.jurisdiction else "",
        "reason": reason,
        "number": filing.alliance.filing_number or "",
    }
    if event in lead_messages:
        subject, body = lead_messages[event]
        sent += send_notice(
            users=_lead_unit_users(filing),
            subject=lambda: str(subject),
            body=lambda: f"{body % params}\n\n{link}",
        )
    if event in ("submit", "resubmit"):
        sent += send_notice(
            legal=False,
            users=_county_reviewers(filing),
            subject=lambda: _("有新的联盟备案申请待初审"),
            body=lambda: (
                _("%(lead)s提交了“%(name)s”的备案申请，请在平台初审。")
                % {"lead": filing.alliance.lead_unit.name, "name": name}
                + f"\n\n{link}"
            ),
        )
    if event == "recommend":
        sent += send_notice(
            legal=False,
            users=_municipal_staff(),
            subject=lambda: _("有新的联盟备案申请待市级审核"),
            body=lambda: (
                _("%(bureau)s推荐了“%(name)s”的备案申请，请在平台审核。") % params + f"\n\n{link}"
            ),
        )
    return sent


MEMBERSHIP_EVENTS = {
    # To the member unit's administrator: answer online.
    "request": (
        gettext_lazy("请确认贵单位的联盟成员身份"),
        gettext_lazy(
            "%(lead)s在“%(alliance)s”的备案申请中将贵单位登记为%(role)s，任务分工：%(task)s\n"
            "请贵单位的单位管理员登录平台，确认成员身份和法定代表人签署联盟协议（章程），或写明理由拒绝。"
        ),
    ),
    "changed": (
        gettext_lazy("联盟成员信息已变更，请重新确认"),
        gettext_lazy(
            "%(lead)s修改了贵单位在“%(alliance)s”中的角色或任务分工，现为：%(role)s，任务分工：%(task)s\n"
            "此前的确认或拒绝已失效，请贵单位的单位管理员登录平台重新确认或拒绝。"
        ),
    ),
    # To the lead unit: the member's answer.
    "confirm": (
        gettext_lazy("成员单位已在线确认"),
        gettext_lazy(
            "%(member)s已在线确认其在“%(alliance)s”中的成员身份和法定代表人签署联盟协议（章程）。"
        ),
    ),
    "decline": (
        gettext_lazy("成员单位拒绝确认"),
        gettext_lazy(
            "%(member)s拒绝确认其在“%(alliance)s”中的成员身份。理由：%(reason)s\n"
            "请与该单位协商后修改其角色或任务分工，或将其移出联盟；否则申请不能提交。"
        ),
    ),
}


@shared_task(acks_late=True)
def send_membership_notice(member_id: int, event: str) -> int:
    """A registered member unit is asked to confirm (its administrator), or has answered
    (the lead unit's users). Nothing when the row was removed meanwhile."""
    from .models import AllianceMember

    member = (
        AllianceMember.objects.select_related("alliance", "alliance__lead_unit", "organisation")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        return 0
    alliance = member.alliance
    params = {
        "lead": alliance.lead_unit.name,
        "alliance": alliance.name,
        "member": member.organisation.name,
        "role": AllianceMember.Role(member.role).label,  # lazy: each language
        "task": member.task_division or "—",
        "reason": member.decline_reason,
    }
    subject, body = MEMBERSHIP_EVENTS[event]
    if event in ("request", "changed"):
        users = User.objects.filter(
            organisation_id=member.organisation_id,
            role=Role.LEAD_UNIT,
            is_unit_admin=True,
            is_active=True,
        )
        path = reverse("filings:memberships")
    else:
        users = User.objects.filter(role=Role.LEAD_UNIT, organisation_id=alliance.lead_unit_id)
        filing = alliance.filings.order_by("-pk").first()
        path = reverse("filings:detail", args=[filing.pk]) if filing else "/"
    link = f"{settings.PORTAL_BASE_URL}{path}"
    return send_notice(
        users=list(users), subject=lambda: str(subject), body=lambda: f"{body % params}\n\n{link}"
    )
