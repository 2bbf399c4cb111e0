"""Each role's day starts from its to-do list (issue 15): the home page's item opens the list
of exactly its records, the user does the work, comes home and finds the count one lower.

The clicks do not assume whether an action asks for confirmation first: when a page asks
(a button “确定…” or “确认…”), the journey confirms, as a user would.
"""

import re

import pytest

from filings.models import Filing
from subsidies import services as subsidy_services
from subsidies.models import Assignment
from tests.factories import (
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filing_in_state,
    jurisdiction,
    submitted_application,
    subsidy_round,
)

from .common import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM = re.compile(r"^\s*(确定|确认)")


def confirm_if_asked(page):
    """After an irreversible action's button: confirm on the page that asks, if one does."""
    page.wait_for_load_state()
    button = page.locator("main").get_by_role("button", name=CONFIRM)
    if button.count():
        button.first.click()
        page.wait_for_load_state()


def todo_count(page, key) -> int:
    """The count on the to-do item ``key`` of the home page (0 when it is not shown)."""
    item = page.locator(f"[data-todo='{key}']")
    if not item.count():
        return 0
    return int(item.get_by_test_id("todo-count").inner_text())


def go_home(page, base):
    page.goto(f"{base}/")
    page.wait_for_load_state()


def test_county_reviewer_recommends_the_oldest_filing_from_the_to_do_list(page, live_server):
    county = CountyReviewerFactory(jurisdiction=jurisdiction("130602"))
    filings = [filing_in_state(Filing.State.COUNTY_REVIEW, lead_user=LeadUnitUserFactory())]
    filings.append(filing_in_state(Filing.State.COUNTY_REVIEW, lead_user=LeadUnitUserFactory()))
    log_in(page, live_server.url, county)
    assert todo_count(page, "county_queue") == 2
    assert "最早的一份已等待" in page.get_by_test_id("todo").inner_text()

    page.locator("[data-todo='county_queue']").get_by_test_id("todo-link").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-filing]").count() == 2
    oldest = page.locator("tr[data-filing]").first
    assert oldest.get_attribute("data-filing") == str(filings[0].pk)
    oldest.get_by_role("link", name="审核").click()
    page.wait_for_load_state()
    form = page.locator("form[data-action='recommend']")
    form.get_by_label("初审意见").fill("符合第九条条件，同意推荐。")
    form.get_by_role("button").click()
    confirm_if_asked(page)
    assert Filing.objects.get(pk=filings[0].pk).state == Filing.State.MUNICIPAL_REVIEW

    go_home(page, live_server.url)
    assert todo_count(page, "county_queue") == 1


def test_municipal_staff_file_an_alliance_from_the_to_do_list(page, live_server):
    staff = MunicipalStaffFactory()
    filings = [
        filing_in_state(Filing.State.MUNICIPAL_REVIEW, lead_user=LeadUnitUserFactory())
        for _ in range(2)
    ]
    log_in(page, live_server.url, staff)
    assert todo_count(page, "municipal_queue") == 2

    page.locator("[data-todo='municipal_queue']").get_by_test_id("todo-link").click()
    page.wait_for_load_state()
    page.locator("tr[data-filing]").first.get_by_role("link", name="审核").click()
    page.wait_for_load_state()
    page.locator("form[data-action='approve']").get_by_role("button").click()
    confirm_if_asked(page)
    states = {f.pk: Filing.objects.get(pk=f.pk).state for f in filings}
    assert sorted(states.values()) == [Filing.State.FILED, Filing.State.MUNICIPAL_REVIEW]

    go_home(page, live_server.url)
    assert todo_count(page, "municipal_queue") == 1


def test_lead_unit_resubmits_a_returned_filing_from_the_to_do_list(page, live_server):
    lead = LeadUnitUserFactory()
    returned = [filing_in_state(Filing.State.RETURNED, lead_user=lead) for _ in range(2)]
    log_in(page, live_server.url, lead)
    assert todo_count(page, "filings_returned") == 2
    # The reason is on the home page, next to the item.
    assert "请补充成员单位任务分工" in page.locator("[data-todo='filings_returned']").inner_text()

    page.locator("[data-todo='filings_returned']").get_by_test_id("todo-link").click()
    page.wait_for_load_state()
    rows = page.locator("[data-testid='my-filings'] tr[data-filing]")
    assert rows.count() == 2
    rows.first.get_by_role("link", name="查看").click()
    page.wait_for_load_state()
    page.locator("form[data-action='resubmit']").get_by_role("button").click()
    confirm_if_asked(page)
    states = sorted(Filing.objects.get(pk=f.pk).state for f in returned)
    assert states == [Filing.State.COUNTY_REVIEW, Filing.State.RETURNED]

    go_home(page, live_server.url)
    assert todo_count(page, "filings_returned") == 1


def test_evaluator_submits_a_score_sheet_from_the_to_do_list(page, live_server):
    staff = MunicipalStaffFactory()
    evaluator = EvaluatorFactory()
    round_ = subsidy_round(staff=staff)
    applications = [submitted_application(round_) for _ in range(2)]
    for application in applications:
        assignment = subsidy_services.assign_evaluator(
            application=application, by=staff, evaluator=evaluator
        )
        subsidy_services.declare_no_conflict(assignment=assignment, by=evaluator)
    subsidy_services.round_start_evaluation(round_=round_, by=staff)
    log_in(page, live_server.url, evaluator)
    assert todo_count(page, "scores_due") == 2

    page.locator("[data-todo='scores_due']").get_by_test_id("todo-link").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-assignment]").count() == 2
    page.locator("tr[data-assignment]").first.get_by_role("link", name="评分").click()
    page.wait_for_load_state()
    form = page.get_by_test_id("score-form")
    for field in form.locator("input[name^='score_']").all():
        field.fill("85")
    form.get_by_label("评审意见").fill("联盟运行规范，成效显著。")
    page.get_by_test_id("submit-scores").click()
    confirm_if_asked(page)
    submitted = Assignment.objects.filter(evaluator=evaluator, submitted_at__isnull=False)
    assert submitted.count() == 1

    go_home(page, live_server.url)
    assert todo_count(page, "scores_due") == 1
