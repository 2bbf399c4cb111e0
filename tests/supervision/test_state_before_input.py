"""A service checks the state (and a stale page) before it reads any input: an action the
state no longer allows is refused for that reason, whatever was typed. The pages do the
same when their form is invalid, by asking the service's own check."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.transitions import StaleRecord, TransitionRefused
from filings.models import Alliance
from supervision import services
from supervision.models import AnnualSummary, EventReport, RevocationCase, Symposium
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, filed_alliance

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def w():
    lead = LeadUnitUserFactory()
    return {"lead": lead, "staff": MunicipalStaffFactory(), "a": filed_alliance(lead_user=lead)}


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _accepted_summary(w, **fields):
    summary = AnnualSummary.objects.create(alliance=w["a"], year=2025, work_done="工作")
    services.summary_submit(summary=summary, by=w["lead"])
    services.summary_accept(summary=summary, by=w["staff"])
    AnnualSummary.objects.filter(pk=summary.pk).update(**fields)
    return AnnualSummary.objects.get(pk=summary.pk)


def _report(w, state="submitted"):
    report = EventReport.objects.create(
        alliance=w["a"],
        created_by=w["lead"],
        kind="seminar",
        title="交流会",
        event_date=timezone.localdate(),
        description="说明",
    )
    if state != "draft":
        services.event_submit(report=report, by=w["lead"])
    if state == "accepted":
        services.event_accept(report=report, by=w["staff"])
    return EventReport.objects.get(pk=report.pk)


def _case(w):
    return services.case_open(alliance=w["a"], by=w["staff"], grounds=["2"], facts="事实")


def _symposium(w, *, cancelled=False):
    """A symposium inviting alliance A; cancelled when asked."""
    symposium = services.symposium_schedule(
        by=w["staff"],
        title="座谈会",
        starts_at=timezone.now(),
        location="市科技局",
        alliances=[w["a"]],
    )
    if cancelled:
        services.symposium_cancel(symposium=symposium, by=w["staff"])
    return symposium


def _after_deadline(case):
    day = case.statement_deadline + datetime.timedelta(days=1)
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ))


# --- Services ----------------------------------------------------------------------------


def test_submitting_an_accepted_summary_without_work_done_is_refused_for_its_state(w):
    summary = _accepted_summary(w, work_done="")
    with pytest.raises(TransitionRefused, match="当前状态为“已受理”"):
        services.summary_submit(summary=summary, by=w["lead"])


def test_returning_an_accepted_summary_without_a_reason_is_refused_for_its_state(w):
    summary = _accepted_summary(w)
    with pytest.raises(TransitionRefused, match="当前状态为“已受理”"):
        services.summary_return(summary=summary, by=w["staff"], reason="")


def test_saving_a_submitted_summary_with_bad_numbers_is_refused_for_its_state(w):
    summary = _accepted_summary(w)
    with pytest.raises(TransitionRefused, match="不能修改"):
        services.summary_save(summary=summary, by=w["lead"], data={"patents_applied": -3})


def test_a_stale_page_is_refused_before_the_missing_reason(w):
    summary = _accepted_summary(w)
    with pytest.raises(StaleRecord):
        services.summary_return(
            summary=summary, by=w["staff"], reason="", expected_state="submitted"
        )


def test_returning_an_accepted_report_without_a_reason_is_refused_for_its_state(w):
    report = _report(w, "accepted")
    with pytest.raises(TransitionRefused, match="当前状态为“已受理”"):
        services.event_return(report=report, by=w["staff"], reason="  ")


def test_saving_a_submitted_report_with_bad_input_is_refused_for_its_state(w):
    report = _report(w)
    with pytest.raises(TransitionRefused, match="报告当前状态为“已报告”，不能修改。"):
        services.event_save(report=report, by=w["lead"], data={"kind": "member_change"})


def test_reporting_on_a_revoked_alliance_with_bad_input_is_refused_for_the_alliance(w):
    Alliance.objects.filter(pk=w["a"].pk).update(status="revoked")
    alliance = Alliance.objects.get(pk=w["a"].pk)
    with pytest.raises(ValidationError) as refused:
        services.event_create(alliance=alliance, by=w["lead"], data={"kind": "member_change"})
    assert refused.value.messages == [
        f"“{alliance.name}”的备案状态为“已取消备案”，不能提交新的材料。"
    ]


def test_a_late_empty_statement_is_refused_for_the_closed_period(w):
    case = _case(w)
    with _after_deadline(case), pytest.raises(TransitionRefused, match="陈述申辩期已于"):
        services.case_submit_statement(case=case, by=w["lead"], statement="")


@pytest.mark.parametrize("decision", ["dismiss", "nonsense"])
def test_deciding_a_decided_case_again_is_refused_for_its_state(w, decision):
    case = services.case_decide(case=_case(w), by=w["staff"], decision="dismiss", reasons="整改")
    with pytest.raises(TransitionRefused, match="当前状态为“决定不予取消”"):
        services.case_decide(case=case, by=w["staff"], decision=decision, reasons="")


def test_revoking_early_without_reasons_is_refused_for_the_statement_period(w):
    with pytest.raises(TransitionRefused, match="期满或收到陈述申辩后方可作出取消备案决定"):
        services.case_decide(case=_case(w), by=w["staff"], decision="revoke", reasons="")


def test_opening_a_second_case_without_grounds_is_refused_for_the_open_case(w):
    _case(w)
    with pytest.raises(ValidationError) as refused:
        services.case_open(alliance=w["a"], by=w["staff"], grounds=[], facts="")
    assert refused.value.messages == ["该联盟已有一件正在办理的取消备案案件。"]


def test_dissolving_while_a_case_is_open_without_a_statement_is_refused_for_the_case(w):
    _case(w)
    with pytest.raises(ValidationError) as refused:
        services.dissolution_announce(alliance=w["a"], by=w["lead"], statement="")
    assert refused.value.messages == ["该联盟已有一件正在办理的取消备案案件。"]


def test_minutes_of_a_cancelled_symposium_without_a_summary_are_refused_for_its_state(w):
    symposium = _symposium(w, cancelled=True)
    with pytest.raises(TransitionRefused, match="当前状态为“已取消”"):
        services.symposium_record_minutes(symposium=symposium, by=w["staff"], summary="")


def test_attendance_of_a_cancelled_symposium_is_refused(w):
    symposium = _symposium(w, cancelled=True)
    invitation = symposium.invitations.get()
    with pytest.raises(TransitionRefused, match="座谈会已取消"):
        services.symposium_record_attendance(
            symposium=symposium, by=w["staff"], attendance={invitation.pk: ("nonsense", "")}
        )
    invitation.refresh_from_db()
    assert invitation.attendance == "unknown"


# --- Pages: an invalid form on a record whose state refuses the action -----------------------


def test_an_empty_late_statement_is_told_the_period_is_over(client, w):
    case = _case(w)
    with _after_deadline(case):
        client.force_login(w["lead"])
        response = client.post(
            reverse("supervision:case_statement", args=[case.pk]), {"statement": ""}, follow=True
        )
    d = case.statement_deadline
    assert _messages(response) == [
        f"陈述申辩期已于{d.year}年{d.month}月{d.day}日届满，不能再提交陈述申辩。"
    ]
    assert RevocationCase.objects.get(pk=case.pk).state == RevocationCase.State.NOTIFIED


def test_an_incomplete_decision_on_a_decided_case_is_told_the_case_is_closed(client, w):
    case = services.case_decide(case=_case(w), by=w["staff"], decision="dismiss", reasons="整改")
    before = AuditEntry.objects.for_object(case).count()
    client.force_login(w["staff"])
    response = client.post(
        reverse("supervision:case_decide", args=[case.pk]), {"reasons": ""}, follow=True
    )
    assert any(m.startswith("当前状态为“决定不予取消”") for m in _messages(response))
    assert AuditEntry.objects.for_object(case).count() == before


def test_empty_minutes_for_a_cancelled_symposium_are_told_it_is_cancelled(client, w):
    symposium = _symposium(w, cancelled=True)
    client.force_login(w["staff"])
    response = client.post(
        reverse("supervision:symposium_minutes", args=[symposium.pk]),
        {"summary": "", "expected_state": "scheduled"},
        follow=True,
    )
    assert _messages(response) == ["该记录已被他人修改，请刷新页面后重试。"]
    response = client.post(
        reverse("supervision:symposium_minutes", args=[symposium.pk]), {"summary": ""}, follow=True
    )
    assert any(m.startswith("当前状态为“已取消”") for m in _messages(response))
    assert Symposium.objects.get(pk=symposium.pk).state == Symposium.State.CANCELLED


def test_an_empty_invitation_to_a_held_symposium_is_told_it_is_over(client, w):
    symposium = _symposium(w)
    services.symposium_record_minutes(symposium=symposium, by=w["staff"], summary="纪要")
    client.force_login(w["staff"])
    response = client.post(
        reverse("supervision:symposium_invite", args=[symposium.pk]), {}, follow=True
    )
    assert _messages(response) == ["座谈会已召开或已取消，不能再邀请。"]


def test_attendance_for_a_cancelled_symposium_is_refused_and_changes_nothing(client, w):
    symposium = _symposium(w, cancelled=True)
    invitation = symposium.invitations.get()
    client.force_login(w["staff"])
    page = client.get(reverse("supervision:symposium_detail", args=[symposium.pk]))
    assert reverse("supervision:symposium_attendance", args=[symposium.pk]) not in (
        page.content.decode()
    )
    response = client.post(
        reverse("supervision:symposium_attendance", args=[symposium.pk]),
        {f"attendance-{invitation.pk}": "attended"},
        follow=True,
    )
    assert _messages(response) == ["座谈会已取消，不能登记出席情况。"]
    invitation.refresh_from_db()
    assert invitation.attendance == "unknown"


def test_an_invalid_report_on_a_revoked_alliance_is_told_the_alliance_is_revoked(client, w):
    Alliance.objects.filter(pk=w["a"].pk).update(status="revoked")
    client.force_login(w["lead"])
    response = client.post(
        reverse("supervision:event_new", args=[w["a"].pk]), {"kind": "project", "title": ""}
    )
    assert response.status_code == 200
    assert f"“{w['a'].name}”的备案状态为“已取消备案”，不能提交新的材料。" in (
        response.context["form"].non_field_errors()
    )
    assert "title" in response.context["form"].errors
    assert not EventReport.objects.exists()


def test_an_invalid_edit_of_a_submitted_summary_is_told_it_cannot_change(client, w):
    summary = AnnualSummary.objects.create(alliance=w["a"], year=2025, work_done="工作")
    services.summary_submit(summary=summary, by=w["lead"])
    client.force_login(w["lead"])
    response = client.post(
        reverse("supervision:summary_edit", args=[summary.pk]),
        {"work_done": "改", "patents_applied": "-1"},
        follow=True,
    )
    assert _messages(response) == ["总结当前状态为“已提交”，不能修改。"]
    assert AnnualSummary.objects.get(pk=summary.pk).work_done == "工作"
