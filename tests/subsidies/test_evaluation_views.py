"""The evaluator's pages (Art. 15 "经评审"): own assignments only, declaration first, own
scores only, conflicts refused, drafts and submission, Chinese errors, the role matrix."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from subsidies import services
from subsidies.models import Assignment, Score, SubsidyRound
from subsidies.selectors import scores_visible_to
from tests.factories import (
    AdminFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db

LIST = reverse("subsidies:assignment_list")


def declare_url(assignment):
    return reverse("subsidies:declare", args=[assignment.pk])


def sheet_url(assignment):
    return reverse("subsidies:score_sheet", args=[assignment.pk])


def html(response) -> str:
    return response.content.decode()


class Panel:
    """One submitted application in an evaluating round with ``n`` assigned evaluators."""

    def __init__(self, n=1, *, evaluating=True, declared=False):
        self.staff = MunicipalStaffFactory()
        self.round = subsidy_round(staff=self.staff)
        self.application = submitted_application(self.round)
        self.evaluators = [EvaluatorFactory() for _ in range(n)]
        self.assignments = [
            services.assign_evaluator(application=self.application, by=self.staff, evaluator=e)
            for e in self.evaluators
        ]
        if declared:
            for assignment, evaluator in zip(self.assignments, self.evaluators, strict=True):
                services.declare_no_conflict(assignment=assignment, by=evaluator)
        if evaluating:
            services.round_start_evaluation(round_=self.round, by=self.staff)
        self.criteria = list(self.round.criteria.all())

    def join_alliance(self, evaluator):
        """The evaluator's organisation becomes a member after the assignment."""
        self.application.alliance.members.create(
            organisation=evaluator.organisation, task_division="新加入", charter_signed=True
        )


def sheet_data(criteria, scores, *, comment="", action="draft", criterion_comment="说明"):
    data = {"action": action, "comment": comment}
    if action == "submit":
        data["confirmed"] = "1"  # 提交评分 asks first (core.confirm)
    for criterion, score in zip(criteria, scores, strict=False):
        data[f"score_{criterion.pk}"] = "" if score is None else str(score)
        data[f"comment_{criterion.pk}"] = criterion_comment if score is not None else ""
    return data


def fieldset(body: str, criterion) -> str:
    match = re.search(rf'data-criterion="{criterion.pk}".*?</fieldset>', body, re.S)
    assert match, f"no fieldset for criterion {criterion.pk}"
    return match.group(0)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who sees what ------------------------------------------------------------------------


def test_evaluator_lists_only_own_assignments_and_gets_404_for_another():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    mine, theirs = submitted_application(round_), submitted_application(round_)
    alice, bob = EvaluatorFactory(), EvaluatorFactory(last_name="鲍", first_name="另一专家")
    a1 = services.assign_evaluator(application=mine, by=staff, evaluator=alice)
    b1 = services.assign_evaluator(application=theirs, by=staff, evaluator=bob)
    client = client_for(alice)
    body = html(client.get(LIST))
    assert f'data-assignment="{a1.pk}"' in body and mine.alliance.name in body
    assert mine.alliance.lead_unit.name in body
    assert theirs.alliance.name not in body and "鲍另一专家" not in body
    assert client.get(declare_url(b1)).status_code == 404
    assert client.get(sheet_url(b1)).status_code == 404
    assert client.post(declare_url(b1), {"confirm": "on"}).status_code == 404
    assert client.post(sheet_url(b1), sheet_data(round_.criteria.all(), [50])).status_code == 404
    b1.refresh_from_db()
    assert b1.declared_at is None and not b1.scores.exists()


def test_evaluator_cannot_open_staff_or_lead_unit_pages():
    panel = Panel(1, declared=True, evaluating=False)
    other = submitted_application(panel.round)
    services.round_start_evaluation(round_=panel.round, by=panel.staff)
    client = client_for(panel.evaluators[0])
    urls = [
        reverse("subsidies:round_list"),
        reverse("subsidies:round_detail", args=[panel.round.pk]),
        reverse("subsidies:round_edit", args=[panel.round.pk]),
        reverse("subsidies:criteria_edit", args=[panel.round.pk]),
        reverse("subsidies:ranking", args=[panel.round.pk]),
        reverse("subsidies:ranking_export", args=[panel.round.pk]),
        reverse("subsidies:application_list"),
        reverse("subsidies:application_edit", args=[panel.application.pk]),
        reverse("subsidies:application_detail", args=[other.pk]),
        reverse("subsidies:application_edit", args=[other.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url


# --- Declaration first --------------------------------------------------------------------


def test_score_sheet_before_declaring_redirects_to_declare():
    panel = Panel(1)
    client = client_for(panel.evaluators[0])
    response = client.get(sheet_url(panel.assignments[0]))
    assert response.status_code == 302 and response.url == declare_url(panel.assignments[0])


def test_declaration_page_shows_members_and_needs_the_checkbox():
    panel = Panel(1)
    assignment, client = panel.assignments[0], client_for(panel.evaluators[0])
    body = html(client.get(declare_url(assignment)))
    assert panel.application.alliance.lead_unit.name in body
    for member in panel.application.alliance.members.all():
        assert member.organisation.name in body
    assert (
        "本人与该联盟及其成员单位不存在利益冲突（同单位任职、近三年合作、亲属关系等），如有将主动回避。"
        in body
    )
    assert panel.application.summary not in body  # the application only after declaring
    response = client.post(declare_url(assignment), {})
    assert "请阅读并勾选无利益冲突声明" in html(response)
    assignment.refresh_from_db()
    assert assignment.declared_at is None


def test_after_declaring_the_score_sheet_shows_the_application():
    panel = Panel(1)
    assignment, client = panel.assignments[0], client_for(panel.evaluators[0])
    response = client.post(declare_url(assignment), {"confirm": "on"})
    assert response.status_code == 302 and response.url == sheet_url(assignment)
    assignment.refresh_from_db()
    assert assignment.declared_at is not None
    body = html(client.get(sheet_url(assignment)))
    assert panel.application.summary in body
    for criterion in panel.criteria:
        assert criterion.name in body and f"权重 {criterion.weight}%" in body


# --- Never another evaluator's scores -----------------------------------------------------


def test_alice_never_sees_bobs_scores_comment_name_or_total():
    panel = Panel(2, declared=True)
    alice, bob = panel.evaluators
    bob.last_name, bob.first_name = "鲍", "秘密专家"
    bob.save()
    a, b = panel.assignments
    services.score_save(
        assignment=b,
        by=bob,
        scores={c.pk: (37, "BOB-SECRET-COMMENT") for c in panel.criteria},
        comment="BOB-OVERALL-SECRET",
        submit=True,
    )
    client = client_for(alice)
    client.post(sheet_url(a), sheet_data(panel.criteria, [81] * len(panel.criteria)))

    def assert_nothing_of_bob():
        for body in (html(client.get(sheet_url(a))), html(client.get(LIST))):
            assert "BOB-SECRET-COMMENT" not in body and "BOB-OVERALL-SECRET" not in body
            assert "鲍秘密专家" not in body
            assert not re.search(r"(>|value=\")\s*37(\.00)?\s*(<|\")", body)

    assert_nothing_of_bob()
    assert "81.00" in html(client.get(sheet_url(a)))  # her own total, server-side
    visible = scores_visible_to(alice)
    assert set(visible.values_list("assignment_id", flat=True)) == {a.pk}
    assert not visible.filter(assignment=b).exists()
    # Not after the results are published either.
    services.round_publish(round_=panel.round, by=panel.staff)
    assert_nothing_of_bob()


# --- Conflicts of interest ----------------------------------------------------------------


def test_conflict_at_declaration_is_refused_with_the_message():
    panel = Panel(1)
    evaluator, assignment = panel.evaluators[0], panel.assignments[0]
    panel.join_alliance(evaluator)
    client = client_for(evaluator)
    assert 'data-testid="conflict-warning"' in html(client.get(declare_url(assignment)))
    response = client.post(declare_url(assignment), {"confirm": "on"}, follow=True)
    assert "须回避" in html(response)
    assignment.refresh_from_db()
    assert assignment.declared_at is None
    assert client.get(sheet_url(assignment)).status_code == 302


def test_conflict_at_scoring_time_is_refused_and_nothing_is_saved():
    panel = Panel(1, declared=True)
    evaluator, assignment = panel.evaluators[0], panel.assignments[0]
    panel.join_alliance(evaluator)
    response = client_for(evaluator).post(
        sheet_url(assignment),
        sheet_data(panel.criteria, [80] * len(panel.criteria), comment="意见", action="submit"),
    )
    assert "须回避" in html(response)
    assignment.refresh_from_db()
    assert (
        not assignment.scores.exists() and assignment.comment == "" and not assignment.is_submitted
    )


# --- Drafts, submission, read-only --------------------------------------------------------


def test_draft_then_submit_then_read_only():
    panel = Panel(1, declared=True)
    assignment, client = panel.assignments[0], client_for(panel.evaluators[0])
    url, criteria = sheet_url(assignment), panel.criteria
    first, rest = criteria[0], criteria[1:]

    response = client.post(url, sheet_data([first], [72], comment="初步意见"))
    assert response.status_code == 302
    body = html(client.get(url))
    assert 'value="72"' in fieldset(body, first) and "初步意见" in body
    assert Score.objects.filter(assignment=assignment).count() == 1

    # Submitting without every criterion: errors next to the missing ones, still a draft.
    response = client.post(url, sheet_data([first], [72], comment="初步意见", action="submit"))
    body = html(response)
    assert "提交评分前请为该指标打分" in fieldset(body, rest[0])
    assignment.refresh_from_db()
    assert not assignment.is_submitted

    # Every criterion but no overall comment: refused, and nothing of this POST is saved.
    scores = [90, 85, 80, 75, 70, 65][: len(criteria)]
    response = client.post(url, sheet_data(criteria, scores, comment="  ", action="submit"))
    assert "提交评分前请填写评审意见" in html(response)
    assert 'value="85"' in fieldset(html(response), criteria[1])  # typed values kept
    assignment.refresh_from_db()
    assert not assignment.is_submitted and assignment.scores.count() == 1

    response = client.post(
        url, sheet_data(criteria, scores, comment="运行规范，建议支持。", action="submit")
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_submitted and assignment.comment == "运行规范，建议支持。"
    body = html(client.get(url))
    assert 'data-testid="score-form"' not in body and 'data-testid="own-scores"' in body
    expected = sum(s * c.weight for s, c in zip(scores, criteria, strict=True)) / 100
    assert f"{expected:.2f}" in body

    response = client.post(
        url, sheet_data(criteria, [10] * len(criteria), comment="改", action="submit"), follow=True
    )
    assert "评分已提交，不能修改" in html(response)
    assert sorted(assignment.scores.values_list("score", flat=True)) == sorted(scores)
    assignment.refresh_from_db()
    assert assignment.comment == "运行规范，建议支持。"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("101", "得分不能高于100分"),
        ("-5", "得分不能低于0分"),
        ("abc", "得分须为0到100之间的整数"),
        ("7.5", "整数"),
    ],
)
def test_bad_scores_get_a_chinese_error_next_to_the_field(typed, message):
    panel = Panel(1, declared=True)
    assignment, client = panel.assignments[0], client_for(panel.evaluators[0])
    criteria = panel.criteria
    data = sheet_data(criteria, [60] * len(criteria), comment="意见")
    data[f"score_{criteria[1].pk}"] = typed
    response = client.post(sheet_url(assignment), data)
    body = html(response)
    assert response.status_code == 200
    assert message in fieldset(body, criteria[1]) and message not in fieldset(body, criteria[0])
    assert f'value="{typed}"' in fieldset(body, criteria[1])
    assert 'value="60"' in fieldset(body, criteria[0]) and "意见" in body
    assert not Score.objects.exists()
    assignment.refresh_from_db()
    assert assignment.comment == ""


def test_scoring_is_refused_before_the_round_is_in_evaluation():
    panel = Panel(1, evaluating=False, declared=True)
    assert panel.round.state == SubsidyRound.State.OPEN
    client = client_for(panel.evaluators[0])
    assert 'data-testid="score-form"' not in html(client.get(sheet_url(panel.assignments[0])))
    response = client.post(
        sheet_url(panel.assignments[0]), sheet_data(panel.criteria, [80]), follow=True
    )
    assert "不在评审阶段" in html(response)
    assert not Score.objects.exists()


# --- Role matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_user",
    [LeadUnitUserFactory, CountyReviewerFactory, MunicipalStaffFactory, AdminFactory],
    ids=["lead_unit", "county_reviewer", "municipal_staff", "admin"],
)
def test_other_roles_get_403_on_every_evaluator_page(make_user):
    panel = Panel(1, declared=True)
    assignment = panel.assignments[0]
    client = client_for(make_user())
    for url in (LIST, declare_url(assignment), sheet_url(assignment)):
        assert client.get(url).status_code == 403, url
    assert client.post(sheet_url(assignment), sheet_data(panel.criteria, [80])).status_code == 403
    assert client.post(declare_url(assignment), {"confirm": "on"}).status_code == 403
    assert not Score.objects.exists()


def test_anonymous_is_sent_to_login():
    panel = Panel(1)
    assignment = panel.assignments[0]
    for url in (LIST, declare_url(assignment), sheet_url(assignment)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = Client().post(declare_url(assignment), {"confirm": "on"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).declared_at is None


def test_score_post_needs_the_csrf_token():
    panel = Panel(1, declared=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(panel.evaluators[0])
    response = client.post(sheet_url(panel.assignments[0]), sheet_data(panel.criteria, [80]))
    assert response.status_code == 403
    assert not Score.objects.exists()
