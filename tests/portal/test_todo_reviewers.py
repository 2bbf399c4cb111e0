"""The reviewers' to-do lists (issue 15): the county's 待初审 (oldest first, days waiting) and
registrations; the bureau's 待备案, summaries and event reports to accept, open cases with
their statement deadline, rounds whose 公示 has ended. Each count equals the rows of the list
its button opens; another county's records count nowhere."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filings.models import Filing
from subsidies.models import SubsidyRound
from supervision.models import AnnualSummary, EventReport, RevocationCase
from tests.accounts.conftest import request_change
from tests.accounts.registration_helpers import HOME, OTHER, code, pending
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    RevokedCaseHelper,
    filed_alliance,
    filing_in_state,
    jurisdiction,
    subsidy_round,
)

from .todo_helpers import TODAY, assert_counts_equal_lists, listed, todo_items

pytestmark = pytest.mark.django_db

S = Filing.State


def lead_in(code_: str):
    return LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=jurisdiction(code_)))


def queued(state, lead, days_ago):
    """A filing in ``state``, queued ``days_ago`` days before today."""
    filing = filing_in_state(state, lead_user=lead)
    Filing.objects.filter(pk=filing.pk).update(
        queued_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return filing


@time_machine.travel(TODAY, tick=False)
def test_county_to_do_counts_its_own_queue_oldest_first_and_its_registrations(client):
    county = CountyReviewerFactory(jurisdiction=jurisdiction(HOME))
    newer = queued(S.COUNTY_REVIEW, lead_in(HOME), days_ago=3)
    oldest = queued(S.COUNTY_REVIEW, lead_in(HOME), days_ago=20)
    queued(S.COUNTY_REVIEW, lead_in(OTHER), days_ago=30)  # another county's
    queued(S.MUNICIPAL_REVIEW, lead_in(HOME), days_ago=40)  # past 初审
    mine = pending(name="本县注册单位")
    pending(name="他县注册单位", uscc=code(OTHER))
    pending(name="市外注册单位", uscc=code("110105"))

    items = assert_counts_equal_lists(client, county, {"county_queue": 2, "registrations": 1})
    queue = items["county_queue"]
    assert listed(client, queue.url) == [oldest.pk, newer.pk]
    assert queue.oldest_days == 20 and queue.late  # over LATE_AFTER_DAYS (15)
    assert [r.days for r in queue.rows] == [20, 3]
    assert listed(client, items["registrations"].url) == [mine.pk]
    page = client.get(reverse("portal:home")).content.decode()
    assert "最早的一份已等待 20 天" in page and oldest.alliance.name in page
    # The list page shows the same two rows in its table.
    assert client.get(queue.url).content.decode().count("<tr data-filing=") == 2


@time_machine.travel(TODAY, tick=False)
def test_another_countys_reviewer_sees_only_its_own(client):
    queued(S.COUNTY_REVIEW, lead_in(HOME), days_ago=2)
    other = CountyReviewerFactory(jurisdiction=jurisdiction(OTHER))
    theirs = queued(S.COUNTY_REVIEW, lead_in(OTHER), days_ago=1)
    items = assert_counts_equal_lists(client, other, {"county_queue": 1})
    assert listed(client, items["county_queue"].url) == [theirs.pk]


@time_machine.travel(TODAY, tick=False)
def test_nothing_waiting_shows_the_empty_state(client):
    items = todo_items(client, CountyReviewerFactory())
    assert items == {}
    assert "暂无待办事项" in client.get(reverse("portal:home")).content.decode()


def summary(alliance, year, state):
    return AnnualSummary.objects.create(
        alliance=alliance, year=year, state=state, submitted_at=timezone.now()
    )


def event(alliance, state):
    return EventReport.objects.create(
        alliance=alliance,
        created_by=alliance.lead_unit.users.first(),
        kind="seminar",
        title="学术研讨会",
        event_date=timezone.localdate(),
        description="说明",
        state=state,
    )


def bureau_records(staff, n=0):
    """A set of the bureau's work, each to-do state once or twice, with what must not count."""
    queued(S.MUNICIPAL_REVIEW, lead_in(HOME), days_ago=5)
    queued(S.MUNICIPAL_REVIEW, lead_in(OTHER), days_ago=9)
    queued(S.COUNTY_REVIEW, lead_in(HOME), days_ago=30)  # the county's, not yet recommended
    a, b, c = (filed_alliance(lead_user=lead_in(HOME)) for _ in range(3))
    summary(a, 2025, AnnualSummary.State.SUBMITTED)
    summary(b, 2025, AnnualSummary.State.SUBMITTED)
    summary(c, 2025, AnnualSummary.State.ACCEPTED)
    summary(a, 2024, AnnualSummary.State.DRAFT)  # the lead unit's own until submitted
    event(a, EventReport.State.SUBMITTED)
    event(b, EventReport.State.DRAFT)
    event(c, EventReport.State.ACCEPTED)
    notified = RevokedCaseHelper.open_case(a, staff)
    heard = RevokedCaseHelper.open_case(b, staff)
    RevocationCase.objects.filter(pk=heard.pk).update(state=RevocationCase.State.STATEMENT_RECEIVED)
    closed = RevokedCaseHelper.open_case(c, staff)
    RevocationCase.objects.filter(pk=closed.pk).update(state=RevocationCase.State.DISMISSED)
    over = subsidy_round(state="evaluating", staff=staff, year=2026, title=f"公示已满{n}")
    running = subsidy_round(state="evaluating", staff=staff, year=2027, title=f"公示中{n}")
    yesterday = TODAY.date() - datetime.timedelta(days=1)
    SubsidyRound.objects.filter(pk=over.pk).update(
        state=SubsidyRound.State.NOTICE, notice_starts_on=yesterday, notice_ends_on=yesterday
    )
    SubsidyRound.objects.filter(pk=running.pk).update(
        state=SubsidyRound.State.NOTICE, notice_starts_on=yesterday, notice_ends_on=TODAY.date()
    )
    request_change(lead_in(HOME), name=f"保定改名{n}有限公司")
    pending(name=f"本县注册单位{n}")  # the county's to decide, not the bureau's
    outside = pending(name=f"市外注册单位{n}", uscc=code("110105"))
    return {"notified": notified, "heard": heard, "over": over, "outside": outside}


@time_machine.travel(TODAY, tick=False)
def test_municipal_to_do_counts_equal_the_lists_they_open(client):
    staff = MunicipalStaffFactory()
    w = bureau_records(staff)
    notified, heard, over, outside = w["notified"], w["heard"], w["over"], w["outside"]
    items = assert_counts_equal_lists(
        client,
        staff,
        {
            "municipal_queue": 2,
            "summaries_submitted": 2,
            "events_submitted": 1,
            "cases_open": 2,
            "rounds_notice_over": 1,
            "changes_pending": 1,
            "registrations": 1,
        },
    )
    assert items["municipal_queue"].oldest_days == 9
    assert set(listed(client, items["cases_open"].url)) == {notified.pk, heard.pk}
    # The nearest statement deadline still running, and each case's own.
    assert items["cases_open"].deadline == notified.statement_deadline
    assert {r.date for r in items["cases_open"].rows} == {
        notified.statement_deadline,
        heard.statement_deadline,
    }
    assert listed(client, items["rounds_notice_over"].url) == [over.pk]
    assert listed(client, items["registrations"].url) == [outside.pk]
    page = client.get(reverse("portal:home")).content.decode()
    assert "最近的陈述申辩截止日期：" + notified.statement_deadline.isoformat() in page


# --- Query counts: the homes' to-do lists do not grow with the records ---------------------


@time_machine.travel(TODAY, tick=False)
def test_municipal_home_queries_do_not_grow_with_records(client, django_assert_max_num_queries):
    staff = MunicipalStaffFactory()
    bureau_records(staff)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    bureau_records(staff, 1)
    bureau_records(staff, 2)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("portal:home"))


@time_machine.travel(TODAY, tick=False)
def test_county_home_queries_do_not_grow_with_records(client, django_assert_max_num_queries):
    county = CountyReviewerFactory(jurisdiction=jurisdiction(HOME))
    queued(S.COUNTY_REVIEW, lead_in(HOME), days_ago=3)
    pending(name="本县注册单位一")
    client.force_login(county)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    for n in range(3):
        queued(S.COUNTY_REVIEW, lead_in(HOME), days_ago=n)
        pending(name=f"本县注册单位之{n}")
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("portal:home"))


def test_the_supervision_cards_open_lists_of_what_they_count(client):
    """办理中的取消备案案件 and 评审中的补贴批次 opened the unfiltered lists (decided
    cases, finished rounds): the walk counted 0 and found 1 (issue 15)."""
    from html import unescape

    from subsidies.models import SubsidyRound
    from supervision.models import RevocationCase
    from tests.factories import (
        MunicipalStaffFactory,
        filed_alliance,
        policy_v1,
        subsidy_round,
    )

    from .todo_helpers import listed

    staff = MunicipalStaffFactory()
    for state in ("notified", "revoked", "dismissed"):
        RevocationCase.objects.create(
            alliance=filed_alliance(),
            grounds=["2"],
            facts="经查",
            state=state,
            opened_by=staff,
            statement_deadline=datetime.date(2026, 12, 20),
            policy_version=policy_v1(),
        )
    subsidy_round(state="evaluating", year=2026, staff=staff)
    decided = subsidy_round(state="evaluating", year=2025, staff=staff)
    SubsidyRound.objects.filter(pk=decided.pk).update(state=SubsidyRound.State.FINAL)
    client.force_login(staff)
    response = client.get(reverse("portal:home"))
    supervision = response.context["supervision"]
    cards = response.content.decode().split('data-testid="home-supervision"')[1]
    links = [unescape(h) for h in re.findall(r'href="([^"]+)"', cards)]
    case_url = next(h for h in links if "/supervision/cases/" in h)
    round_url = next(h for h in links if "/subsidies/rounds/" in h)
    assert len(listed(client, case_url)) == supervision["open_cases"] == 1
    assert len(listed(client, round_url)) == supervision["rounds_evaluating"] == 1
    assert SubsidyRound.objects.count() == 2
