"""The lead unit's and the evaluator's to-do lists (issue 15): drafts, returned items with
the reason, summaries due with their date, cases waiting for a 陈述申辩 with the deadline;
declarations and scores due. Each count equals the rows of the list its button opens; another
unit's (another evaluator's) records count nowhere."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filings.models import Filing
from subsidies import services as subsidy_services
from supervision.models import AnnualSummary, EventReport, RevocationCase
from tests.factories import (
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    RevokedCaseHelper,
    filed_alliance,
    filing_in_state,
    submitted_application,
    subsidy_round,
)

from .todo_helpers import TODAY, assert_counts_equal_lists, listed

pytestmark = pytest.mark.django_db


def unit_records(lead):
    """A full set of the lead unit's records, each to-do state once or twice."""
    filing_in_state(Filing.State.DRAFT, lead_user=lead)
    returned = filing_in_state(Filing.State.RETURNED, lead_user=lead)
    filing_in_state(Filing.State.COUNTY_REVIEW, lead_user=lead)  # with the county: not due
    alliance = filed_alliance(lead_user=lead)  # filed 2024-06-01: owes 2024, 2025, 2026
    AnnualSummary.objects.create(alliance=alliance, year=2024, state=AnnualSummary.State.DRAFT)
    summary_returned = AnnualSummary.objects.create(
        alliance=alliance,
        year=2025,
        state=AnnualSummary.State.RETURNED,
        last_reason="请补充联合攻关项目清单",
        submitted_at=timezone.now(),
    )
    for state, reason in (
        (EventReport.State.DRAFT, ""),
        (EventReport.State.RETURNED, "请附会议纪要"),
        (EventReport.State.SUBMITTED, ""),
    ):
        EventReport.objects.create(
            alliance=alliance,
            created_by=lead,
            kind="seminar",
            title="学术研讨会",
            event_date=timezone.localdate(),
            description="说明",
            state=state,
            last_reason=reason,
        )
    case = RevokedCaseHelper.open_case(alliance)
    heard = RevokedCaseHelper.open_case(filed_alliance(lead_user=lead))
    RevocationCase.objects.filter(pk=heard.pk).update(state=RevocationCase.State.STATEMENT_RECEIVED)
    return {"returned": returned, "summary_returned": summary_returned, "case": case}


@time_machine.travel(TODAY, tick=False)
def test_lead_unit_to_do_counts_equal_the_lists_they_open(client):
    lead = LeadUnitUserFactory()
    mine = unit_records(lead)
    unit_records(LeadUnitUserFactory())  # another unit's: counted for nobody here

    items = assert_counts_equal_lists(
        client,
        lead,
        {
            "filing_drafts": 1,
            "filings_returned": 1,
            # The first alliance: 2024 as a draft, 2026 not started (2025 is returned: its
            # own item); the second (filed 2024 too): 2024, 2025 and 2026 not started.
            "summaries_due": 5,
            "summaries_returned": 1,
            "event_drafts": 1,
            "events_returned": 1,
            "cases_statement_due": 1,
        },
    )
    assert listed(client, items["filings_returned"].url) == [mine["returned"].pk]
    # The reasons travel with the returned items.
    assert [r.note for r in items["filings_returned"].rows] == ["请补充成员单位任务分工"]
    assert [r.note for r in items["summaries_returned"].rows] == ["请补充联合攻关项目清单"]
    assert [r.note for r in items["events_returned"].rows] == ["请附会议纪要"]
    # Summaries due with their date: 2024's is overdue, the earliest.
    due = items["summaries_due"]
    years = [r.text.rsplit(" ", 1)[1] for r in due.rows]
    assert years == ["2024年度", "2024年度", "2025年度", "2026年度", "2026年度"]
    assert due.deadline == AnnualSummary(year=2024).due_date and due.late
    assert items["cases_statement_due"].deadline == mine["case"].statement_deadline
    page = client.get(reverse("portal:home")).content.decode()
    for text in (
        "请补充成员单位任务分工",
        "请补充联合攻关项目清单",
        "请附会议纪要",
        "陈述申辩截止",
    ):
        assert text in page


def evaluation(staff, evaluator, others):
    """An evaluating round: three of ``evaluator``'s assignments (undeclared, declared,
    submitted) and one of another evaluator's."""
    round_ = subsidy_round(staff=staff)
    applications = [submitted_application(round_) for _ in range(3)]
    assignments = [
        subsidy_services.assign_evaluator(application=a, by=staff, evaluator=evaluator)
        for a in applications
    ]
    subsidy_services.assign_evaluator(application=applications[0], by=staff, evaluator=others)
    for assignment in assignments[1:]:
        subsidy_services.declare_no_conflict(assignment=assignment, by=evaluator)
    subsidy_services.round_start_evaluation(round_=round_, by=staff)
    criteria = list(round_.criteria.all())
    subsidy_services.score_save(
        assignment=assignments[2],
        by=evaluator,
        scores={c.pk: (80, "") for c in criteria},
        comment="运行规范",
        submit=True,
    )
    return assignments


@time_machine.travel(TODAY, tick=False)
def test_evaluator_to_do_counts_declarations_and_scores_due(client):
    staff = MunicipalStaffFactory()
    evaluator, other = EvaluatorFactory(), EvaluatorFactory()
    undeclared, declared, _submitted = evaluation(staff, evaluator, other)

    items = assert_counts_equal_lists(client, evaluator, {"declarations_due": 1, "scores_due": 1})
    assert listed(client, items["declarations_due"].url) == [undeclared.pk]
    assert listed(client, items["scores_due"].url) == [declared.pk]
    assert items["scores_due"].rows[0].url == reverse("subsidies:score_sheet", args=[declared.pk])
    assert_counts_equal_lists(client, other, {"declarations_due": 1})


def test_a_withdrawn_assignment_is_no_longer_due(client):
    """After 申请回避 (or a redraw) nothing waits for the evaluator on that application."""
    staff = MunicipalStaffFactory()
    evaluator, other = EvaluatorFactory(), EvaluatorFactory()
    undeclared, declared, _submitted = evaluation(staff, evaluator, other)
    for assignment in (undeclared, declared):
        subsidy_services.recuse(assignment=assignment, by=evaluator, reason="本人曾参与该联盟项目")
    assert_counts_equal_lists(client, evaluator, {})


# --- Query counts: the homes' to-do lists do not grow with the records ---------------------


def home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:home")).status_code == 200
    return len(queries)


@time_machine.travel(TODAY, tick=False)
def test_lead_unit_home_queries_do_not_grow_with_records(client, django_assert_max_num_queries):
    lead = LeadUnitUserFactory()
    unit_records(lead)
    few = home_queries(client, lead)
    for _ in range(3):
        unit_records(lead)
    with django_assert_max_num_queries(few):
        client.get(reverse("portal:home"))


@time_machine.travel(TODAY, tick=False)
def test_evaluator_home_queries_do_not_grow_with_records(client, django_assert_max_num_queries):
    staff = MunicipalStaffFactory()
    evaluator, other = EvaluatorFactory(), EvaluatorFactory()
    evaluation(staff, evaluator, other)
    few = home_queries(client, evaluator)
    evaluation(staff, evaluator, other)
    evaluation(staff, evaluator, other)
    with django_assert_max_num_queries(few):
        client.get(reverse("portal:home"))


@time_machine.travel(TODAY, tick=False)
def test_a_summary_past_its_deadline_says_overdue_in_words(client):
    """Colour alone marked an overdue summary on the home (the walk): it says 逾期."""
    import re

    lead = LeadUnitUserFactory()
    filed_alliance(lead_user=lead, filed_on=datetime.date(2025, 5, 1))
    client.force_login(lead)
    page = client.get(reverse("portal:home")).content.decode()
    block = page.split('data-todo="summaries_due"')[1].split("</li>\n        </ul>")[0]
    # 2025 was due on 2026-03-31 (past on 2026-12-07); 2026 is due in 2027.
    rows = re.findall(r"<li.*?</li>", block, re.S)
    late = [r for r in rows if 'data-testid="todo-late">逾期<' in r]
    assert len(late) == 1 and "2025年度" in late[0]
    assert any("2026年度" in r and "逾期" not in r for r in rows)
