"""#15 item 5: the actions that cannot be undone ask first, restating the consequence.

A POST without ``confirmed=1`` changes nothing (state, audit log) and shows the
consequence; 确定 (``confirmed=1``) acts; 返回 (``confirmed=0``) goes back as typed."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from filings.models import Filing
from subsidies.models import SubsidyRound
from supervision import services as supervision_services
from supervision.models import RevocationCase
from tests.factories import (
    CountyReviewerFactory,
    MunicipalStaffFactory,
    filed_alliance,
    filing_in_state,
    subsidy_round,
)
from tests.subsidies.test_evaluation_views import Panel, client_for, sheet_data, sheet_url

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
S = Filing.State


def asked(response, *consequence):
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="confirmation"' in body
    assert 'name="confirmed" value="1"' in body and 'name="confirmed" value="0"' in body
    for text in consequence:
        assert text in body, text
    return body


# --- Filings ---------------------------------------------------------------------------


def test_submit_asks_first_and_changes_nothing(client):
    filing = filing_in_state(S.DRAFT)
    client.force_login(filing.created_by)
    url = reverse("filings:submit", args=[filing.pk])
    log = AuditEntry.objects.count()

    body = asked(client.post(url, {"expected_state": S.DRAFT}), "初审期间草稿不能再修改")
    assert 'name="expected_state" value="draft"' in body  # carried to 确定
    assert Filing.objects.get(pk=filing.pk).state == S.DRAFT
    assert AuditEntry.objects.count() == log

    back = client.post(url, {"expected_state": S.DRAFT, "confirmed": "0"})
    assert back["Location"] == reverse("filings:edit", args=[filing.pk])
    assert Filing.objects.get(pk=filing.pk).state == S.DRAFT

    client.post(url, {"expected_state": S.DRAFT, "confirmed": "1"})
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW
    assert AuditEntry.objects.count() > log


def test_approve_names_the_alliance_and_the_public_registry(client):
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    client.force_login(MunicipalStaffFactory())
    url = reverse("filings:approve", args=[filing.pk])
    log = AuditEntry.objects.count()

    asked(
        client.post(url, {"expected_state": S.MUNICIPAL_REVIEW}),
        f"为“{filing.alliance.name}”编发备案编号",
        "已备案联盟名录",
    )
    filing.refresh_from_db()
    assert filing.state == S.MUNICIPAL_REVIEW and not filing.alliance.filing_number
    assert AuditEntry.objects.count() == log

    client.post(url, {"expected_state": S.MUNICIPAL_REVIEW, "confirmed": "1"})
    assert Filing.objects.get(pk=filing.pk).state == S.FILED


def test_a_stale_page_is_told_before_any_confirmation(client):
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    client.force_login(MunicipalStaffFactory())
    response = client.post(
        reverse("filings:approve", args=[filing.pk]), {"expected_state": S.COUNTY_REVIEW}
    )
    assert response.status_code == 302
    assert Filing.objects.get(pk=filing.pk).state == S.MUNICIPAL_REVIEW


def test_another_county_is_refused_before_any_confirmation(client):
    filing = filing_in_state(S.DRAFT)
    client.force_login(CountyReviewerFactory())
    response = client.post(reverse("filings:submit", args=[filing.pk]), {"expected_state": "draft"})
    assert response.status_code == 404


# --- Revocation (Art. 13) ------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = MunicipalStaffFactory()
    client.force_login(user)
    return user


def test_opening_a_case_needs_the_ticked_confirmation(client, staff):
    alliance = filed_alliance()
    url = reverse("supervision:case_new", args=[alliance.pk])
    data = {"grounds": ["2"], "facts": "连续两年未开展活动"}
    log = AuditEntry.objects.count()

    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert f"我确认对“{alliance.name}”立案" in body and "通知牵头单位" in body
    assert "请勾选确认后再立案" in body and "连续两年未开展活动" in body
    assert not RevocationCase.objects.exists() and AuditEntry.objects.count() == log

    client.post(url, {**data, "confirmed": "1"})
    assert RevocationCase.objects.filter(alliance=alliance).count() == 1


def test_the_decision_asks_first_and_back_keeps_the_reasons(client, staff):
    alliance = filed_alliance()
    case = supervision_services.case_open(
        alliance=alliance, by=staff, grounds=["2"], facts="事实", evidence=[]
    )
    url = reverse("supervision:case_decide", args=[case.pk])
    data = {
        "decision": "revoke",
        "reasons": "经查属实，决定取消备案。",
        "expected_state": case.state,
    }
    # Revocation waits for the end of the 陈述申辩 period.
    after = case.statement_deadline + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(9), BEIJING)):
        client.force_login(staff)  # the session idled out meanwhile
        log = AuditEntry.objects.count()

        body = asked(client.post(url, data), f"取消“{alliance.name}”备案", "不能撤回")
        assert "经查属实，决定取消备案。" in body  # carried as a hidden field
        assert RevocationCase.objects.get(pk=case.pk).state == case.state
        assert AuditEntry.objects.count() == log

        back = client.post(url, {**data, "confirmed": "0"})
        assert back.status_code == 200 and "经查属实，决定取消备案。" in back.content.decode()
        assert RevocationCase.objects.get(pk=case.pk).state == case.state

        client.post(url, {**data, "confirmed": "1"})
    assert RevocationCase.objects.get(pk=case.pk).state == RevocationCase.State.REVOKED


# --- Subsidies (Art. 15) ----------------------------------------------------------------


def test_closing_a_round_early_restates_its_published_deadline(client, staff):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BEIJING), tick=False):
        round_ = subsidy_round(staff=staff, closes_on=datetime.date(2026, 12, 31))
        url = reverse("subsidies:round_start_evaluation", args=[round_.pk])
        log = AuditEntry.objects.count()

        asked(
            client.post(url, {"expected_state": "open"}),
            "本轮申请截止日期为2026年12月31日，确定提前截止？",
        )
        assert SubsidyRound.objects.get(pk=round_.pk).state == "open"
        assert AuditEntry.objects.count() == log

        back = client.post(url, {"expected_state": "open", "confirmed": "0"})
        assert back["Location"] == reverse("subsidies:round_detail", args=[round_.pk])
        assert SubsidyRound.objects.get(pk=round_.pk).state == "open"

        client.post(url, {"expected_state": "open", "confirmed": "1"})
        assert SubsidyRound.objects.get(pk=round_.pk).state == "evaluating"


def test_submitting_scores_asks_first_and_a_draft_does_not(client):
    panel = Panel(1, declared=True)
    assignment, client = panel.assignments[0], client_for(panel.evaluators[0])
    scores = [80] * len(panel.criteria)
    data = sheet_data(panel.criteria, scores, comment="建议支持。", action="submit")
    del data["confirmed"]
    log = AuditEntry.objects.count()

    asked(client.post(sheet_url(assignment), data), "提交后评分不能再修改")
    assignment.refresh_from_db()
    assert not assignment.is_submitted and not assignment.scores.exists()
    assert AuditEntry.objects.count() == log

    back = client.post(sheet_url(assignment), {**data, "confirmed": "0"})
    assert back.status_code == 200 and "建议支持。" in back.content.decode()

    draft = sheet_data(panel.criteria, scores, comment="草稿")
    assert client.post(sheet_url(assignment), draft).status_code == 302  # no question

    client.post(sheet_url(assignment), {**data, "confirmed": "1"})
    assignment.refresh_from_db()
    assert assignment.is_submitted
