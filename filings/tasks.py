from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

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
        "submit": (_("备案申请已提交初审"), _("“%(name)s”的备案申请已提交%(bureau)s初审。")),
        "resubmit": (
            _("备案申请已重新提交"),
            _("“%(name)s”的备案申请已修改并重新提交%(bureau)s初审。"),
        ),
        "recommend": (
            _("备案申请已通过初审"),
            _("%(bureau)s已推荐“%(name)s”备案，申请已转市科技局审核。"),
        ),
        "return_for_revision": (
            _("备案申请被退回修改"),
            _("“%(name)s”的备案申请被退回修改。理由：%(reason)s\n请修改后重新提交。"),
        ),
        "reject": (_("备案申请不予备案"), _("“%(name)s”的备案申请不予备案。理由：%(reason)s")),
        "approve": (
            _("联盟已予以备案"),
            _("“%(name)s”已予以备案，备案编号%(number)s。备案通知书可在平台下载。"),
        ),
        "withdraw": (_("备案申请已撤回"), _("“%(name)s”的备案申请已撤回。")),
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
            users=_lead_unit_users(filing), subject=subject, body=f"{body % params}\n\n{link}"
        )
    if event in ("submit", "resubmit"):
        sent += send_notice(
            legal=False,
            users=_county_reviewers(filing),
            subject=_("有新的联盟备案申请待初审"),
            body=_("%(lead)s提交了“%(name)s”的备案申请，请在平台初审。")
            % {"lead": filing.alliance.lead_unit.name, "name": name}
            + f"\n\n{link}",
        )
    if event == "recommend":
        sent += send_notice(
            legal=False,
            users=_municipal_staff(),
            subject=_("有新的联盟备案申请待市级审核"),
            body=_("%(bureau)s推荐了“%(name)s”的备案申请，请在平台审核。") % params + f"\n\n{link}",
        )
    return sent
