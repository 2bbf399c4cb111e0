"""Recusal (回避) when a conflict appears after assignment: an evaluator whose unit joins
the alliance while the round is evaluated loses access, their score leaves the ranking
(named there with the reason), and the bureau is told to assign a replacement."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.models import Notification, OutboxMessage
from subsidies.aggregation import ranking
from tests.factories import (
    EvaluatorFactory,
    MunicipalStaffFactory,
    scored_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    """Two evaluators who have scored one application in a round being evaluated."""
    staff = MunicipalStaffFactory()
    first = EvaluatorFactory(last_name="回", first_name="避")
    second = EvaluatorFactory(last_name="留", first_name="任")
    round_, application, assignments = scored_application(
        staff=staff, evaluators=(first, second), scores=(95, 60)
    )
    return {
        "staff": staff,
        "round": round_,
        "application": application,
        "first": first,
        "second": second,
        "assignments": assignments,
    }


def _join(panel):
    """The first evaluator's unit joins the alliance (an accepted member change)."""
    panel["application"].alliance.members.create(
        organisation=panel["first"].organisation, task_division="新成员", charter_signed=True
    )


def test_the_recused_evaluator_loses_access_to_the_application(client, panel):
    _join(panel)
    client.force_login(panel["first"])
    assignment = panel["assignments"][0]
    sheet = client.get(reverse("subsidies:score_sheet", args=[assignment.pk]))
    assert sheet.status_code == 403 and "须回避" in sheet.content.decode()
    assert panel["application"].summary not in sheet.content.decode()
    detail = reverse("subsidies:application_detail", args=[panel["application"].pk])
    assert client.get(detail).status_code == 404
    listing = client.get(reverse("subsidies:assignment_list")).content.decode()
    assert (
        "须回避" in listing
        and reverse("subsidies:score_sheet", args=[assignment.pk]) not in listing
    )


def test_the_other_evaluator_keeps_access(client, panel):
    _join(panel)
    client.force_login(panel["second"])
    other = panel["assignments"][1]
    assert client.get(reverse("subsidies:score_sheet", args=[other.pk])).status_code == 200


def test_the_recused_score_leaves_the_ranking_and_is_named(client, panel):
    before = ranking(panel["round"])[0]
    assert before.count == 2 and before.recused == []
    _join(panel)
    after = ranking(panel["round"])[0]
    assert after.count == 1
    assert sorted(before.totals) == [Decimal("60.00"), Decimal("95.00")]
    assert after.totals == [Decimal("60.00")]  # the second evaluator's score alone
    assert after.recused == ["回避"]
    client.force_login(panel["staff"])
    page = client.get(reverse("subsidies:ranking", args=[panel["round"].pk])).content.decode()
    assert 'data-testid="recused"' in page and "须回避" in page


def test_the_bureau_is_told_in_the_same_transaction(panel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _join(panel)
        assert OutboxMessage.objects.filter(task="subsidies.tasks.send_recusal_notice").exists()
    entry = AuditEntry.objects.get(action="recusal_required")
    assert entry.subject == panel["application"] and "回避" in entry.reason


def test_staff_receive_the_notice(panel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _join(panel)
    notice = Notification.objects.get(user=panel["staff"])
    assert "须回避" in notice.subject and "另行指派" in notice.body


def test_a_member_joining_outside_an_evaluation_tells_nobody(panel):
    panel["application"].alliance.members.create(
        organisation=EvaluatorFactory().organisation, task_division="新成员"
    )
    assert not AuditEntry.objects.filter(action="recusal_required").exists()


# --- Penetration test (release after issue 11): the ranking workbook ------------------------
# After the recusal, GET /subsidies/rounds/<pk>/ranking.xlsx still listed the recused
# evaluator's total (95) in the expert columns of the 排名 sheet next to “有效评分数 0/1”,
# and their six scores on the 评分明细 sheet, with nothing saying they do not count: a
# reader of the file (not of the page) takes them for part of the result.


def test_the_ranking_workbook_marks_the_recused_score(client, panel):
    import io

    from openpyxl import load_workbook

    _join(panel)
    client.force_login(panel["staff"])
    response = client.get(reverse("subsidies:ranking_export", args=[panel["round"].pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ranking_rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    detail_rows = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    application_row = next(r for r in ranking_rows if panel["application"].alliance.name in r)
    assert 95 not in application_row or any("回避" in str(v) for v in application_row)
    recused_detail = [r for r in detail_rows if "回避" in "".join(str(v) for v in r)]
    assert recused_detail, "the recused evaluator's scores are not marked on the detail sheet"
