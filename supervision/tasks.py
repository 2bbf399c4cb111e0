import dataclasses
import datetime

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from core.notify import send_notice
from filings.models import Alliance

from .models import AnnualSummary, EventReport, RevocationCase, Symposium
from .reminders import send_reminders


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=60, max_retries=5)
def send_annual_summary_reminders(today: str | None = None) -> dict:
    """The daily reminder job (CELERY_BEAT_SCHEDULE). Safe to run twice: see reminders.py."""
    day = datetime.date.fromisoformat(today) if today else None
    report = send_reminders(day)
    return dataclasses.asdict(report)


def _lead_unit_users(alliance):
    return User.objects.filter(role=Role.LEAD_UNIT, organisation_id=alliance.lead_unit_id)


def _bureau_recipients(alliance):
    """The alliance's liaison officer (Art. 16), or all municipal staff when none is assigned."""
    if alliance.liaison_officer_id:
        return [alliance.liaison_officer]
    return list(User.objects.filter(role=Role.MUNICIPAL_STAFF))


def _cc(alliance):
    return [alliance.liaison_officer] if alliance.liaison_officer_id else []


def _link(name, pk):
    return f"\n\n{settings.PORTAL_BASE_URL}{reverse(name, args=[pk])}"


RECORDS = {
    "summary": (AnnualSummary, "supervision:summary_detail"),
    "event": (EventReport, "supervision:event_detail"),
    "case": (RevocationCase, "supervision:case_detail"),
}

# (kind, event) → (to the bureau?, subject, body); bodies take %(name)s, %(title)s, %(reason)s…
MESSAGES = {
    ("summary", "submit"): (
        True,
        gettext_lazy("收到年度工作总结"),
        gettext_lazy("“%(name)s”提交了%(year)s年度工作总结，请审阅。"),
    ),
    ("summary", "resubmit"): (
        True,
        gettext_lazy("年度工作总结已重新提交"),
        gettext_lazy("“%(name)s”修改并重新提交了%(year)s年度工作总结。"),
    ),
    ("summary", "accept"): (
        False,
        gettext_lazy("年度工作总结已受理"),
        gettext_lazy("“%(name)s”的%(year)s年度工作总结已受理。"),
    ),
    ("summary", "return_for_revision"): (
        False,
        gettext_lazy("年度工作总结被退回修改"),
        gettext_lazy("“%(name)s”的%(year)s年度工作总结被退回修改。理由：%(reason)s"),
    ),
    ("event", "submit"): (
        True,
        gettext_lazy("收到重大事项报告"),
        gettext_lazy("“%(name)s”报告了重大事项：%(title)s。"),
    ),
    ("event", "accept"): (
        False,
        gettext_lazy("重大事项报告已受理"),
        gettext_lazy("“%(name)s”报告的“%(title)s”已受理。"),
    ),
    ("event", "return_for_revision"): (
        False,
        gettext_lazy("重大事项报告被退回修改"),
        gettext_lazy("“%(name)s”报告的“%(title)s”被退回修改。理由：%(reason)s"),
    ),
    ("case", "open"): (
        False,
        gettext_lazy("拟取消联盟备案告知书"),
        gettext_lazy(
            "保定市科学技术局拟取消“%(name)s”的备案（%(number)s）。你单位可于%(deadline)s前通过平台提交陈述申辩意见；告知书可在平台下载。"
        ),
    ),
    ("case", "submit_statement"): (
        True,
        gettext_lazy("收到陈述申辩意见"),
        gettext_lazy("“%(name)s”提交了陈述申辩意见。"),
    ),
    ("case", "dissolve"): (
        True,
        gettext_lazy("联盟宣布解散"),
        gettext_lazy("“%(name)s”的牵头单位宣布联盟解散，请作出取消备案决定。"),
    ),
    ("case", "revoke"): (
        False,
        gettext_lazy("取消联盟备案决定书"),
        gettext_lazy("保定市科学技术局决定取消“%(name)s”的备案。决定书可在平台下载。"),
    ),
    ("case", "dismiss"): (
        False,
        gettext_lazy("不予取消联盟备案决定书"),
        gettext_lazy("保定市科学技术局决定不予取消“%(name)s”的备案。"),
    ),
}


@shared_task(acks_late=True)
def send_record_notification(kind: str, pk: int, event: str) -> int:
    model, url_name = RECORDS[kind]
    obj = model.objects.select_related("alliance", "alliance__liaison_officer").get(pk=pk)
    alliance = obj.alliance
    to_bureau, subject, body = MESSAGES[(kind, event)]
    params = {
        "name": alliance.name,
        "year": getattr(obj, "year", ""),
        "title": getattr(obj, "title", ""),
        "reason": getattr(obj, "last_reason", ""),
        "number": getattr(obj, "notice_number", ""),
    }

    def text():  # in the active language, the deadline's date too
        deadline = date_format(obj.statement_deadline, "DATE_FORMAT") if kind == "case" else ""
        return body % {**params, "deadline": deadline} + _link(url_name, pk)

    if to_bureau:
        # Work for the bureau, not a decision about anyone: users may opt out of the e-mail.
        return send_notice(
            users=_bureau_recipients(alliance), subject=subject, body=text, legal=False
        )
    return send_notice(
        users=_lead_unit_users(alliance), subject=subject, body=text, cc_users=_cc(alliance)
    )


@shared_task(acks_late=True)
def send_symposium_invitations(symposium_id: int, alliance_ids: list[int]) -> int:
    symposium = Symposium.objects.get(pk=symposium_id)
    sent = 0
    for alliance in Alliance.objects.filter(pk__in=alliance_ids).select_related("liaison_officer"):

        def body(alliance=alliance):
            return _(
                "诚邀“%(name)s”参加%(title)s。\n时间：%(when)s\n地点：%(where)s\n\n%(agenda)s"
            ) % {
                "name": alliance.name,
                "title": symposium.title,
                "when": date_format(timezone.localtime(symposium.starts_at), "DATETIME_FORMAT"),
                "where": symposium.location,
                "agenda": symposium.agenda,
            } + _link("supervision:symposium_detail", symposium.pk)

        sent += send_notice(
            legal=False,
            users=_lead_unit_users(alliance),
            subject=lambda: _("座谈会邀请：%(title)s") % {"title": symposium.title},
            body=body,
            cc_users=_cc(alliance),
        )
    return sent


@shared_task(acks_late=True)
def send_liaison_assignment(alliance_id: int) -> int:
    alliance = Alliance.objects.select_related("liaison_officer").get(pk=alliance_id)
    officer = alliance.liaison_officer
    if officer is None:
        return 0
    link = _link("supervision:alliance_detail", alliance.pk)
    sent = send_notice(
        legal=False,
        users=[officer],
        subject=lambda: _("您被指定为联盟科技联络员"),
        body=lambda: (
            _("您已被指定为“%(name)s”的科技联络员（第十六条）。") % {"name": alliance.name} + link
        ),
    )
    sent += send_notice(
        legal=False,
        users=_lead_unit_users(alliance),
        subject=lambda: _("联盟科技联络员已指定"),
        body=lambda: (
            _("市科技局已指定%(officer)s为“%(name)s”的科技联络员，联系电话：%(phone)s。")
            % {
                "officer": officer.get_full_name(),
                "name": alliance.name,
                "phone": officer.phone or "—",
            }
            + link
        ),
    )
    return sent
