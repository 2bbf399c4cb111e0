import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import Organisation
from subsidies import services
from subsidies.models import Award, SubsidyRound
from subsidies.selectors import applications_visible_to, scores_visible_to
from tests.factories import (
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    RevokedCaseHelper,
    eligible_alliance,
    filed_alliance,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db


def to_evaluating(round_, staff):
    services.round_start_evaluation(round_=round_, by=staff)
    round_.refresh_from_db()
    return round_


def test_evaluator_from_a_member_unit_cannot_be_assigned():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    member_org = (
        application.alliance.members.exclude(organisation=application.alliance.lead_unit)
        .first()
        .organisation
    )
    conflicted = EvaluatorFactory(organisation=member_org)
    with pytest.raises(ValidationError) as refused:
        services.assign_evaluator(application=application, by=staff, evaluator=conflicted)
    assert "须回避" in refused.value.messages[0]
    assert not application.assignments.exists()


def test_two_experts_of_one_organisation_cannot_sit_on_one_panel():
    """The draw's rule holds for a manual assignment too; a withdrawn colleague does not
    count, and another application may have the colleague."""
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    other_application = submitted_application(round_)
    first = EvaluatorFactory()
    colleague = EvaluatorFactory(organisation=first.organisation)
    assignment = services.assign_evaluator(application=application, by=staff, evaluator=first)
    with pytest.raises(ValidationError) as refused:
        services.assign_evaluator(application=application, by=staff, evaluator=colleague)
    assert refused.value.messages[0] == (
        f"{colleague.get_full_name()}与已分配的专家{first.get_full_name()}"
        f"同属{first.organisation.name}，不能评审同一份申请。"
    )
    assert services.assign_evaluator(application=other_application, by=staff, evaluator=colleague)
    services.unassign_evaluator(assignment=assignment, by=staff)
    assert services.assign_evaluator(application=application, by=staff, evaluator=colleague)


def test_score_is_refused_when_the_evaluator_became_conflicted():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluator = EvaluatorFactory()
    assignment = services.assign_evaluator(application=application, by=staff, evaluator=evaluator)
    services.declare_no_conflict(assignment=assignment, by=evaluator)
    to_evaluating(round_, staff)
    # The evaluator's organisation joins the alliance after the assignment.
    application.alliance.members.create(
        organisation=evaluator.organisation, task_division="新成员", charter_signed=True
    )
    criterion = round_.criteria.first()
    with pytest.raises(ValidationError) as refused:
        services.score_save(
            assignment=assignment,
            by=evaluator,
            scores={criterion.pk: (80, "")},
            comment="",
            submit=False,
        )
    assert "须回避" in refused.value.messages[0]
    assert not assignment.scores.exists()


def test_evaluator_sees_only_declared_assignments_and_own_scores():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    first = submitted_application(round_)
    second = submitted_application(round_)
    alice, bob = EvaluatorFactory(), EvaluatorFactory()
    a1 = services.assign_evaluator(application=first, by=staff, evaluator=alice)
    b1 = services.assign_evaluator(application=first, by=staff, evaluator=bob)
    services.assign_evaluator(application=second, by=staff, evaluator=bob)
    assert list(applications_visible_to(alice)) == []  # not declared yet
    services.declare_no_conflict(assignment=a1, by=alice)
    services.declare_no_conflict(assignment=b1, by=bob)
    assert list(applications_visible_to(alice)) == [first]
    to_evaluating(round_, staff)
    criterion = round_.criteria.first()
    services.score_save(
        assignment=b1, by=bob, scores={criterion.pk: (90, "好")}, comment="", submit=False
    )
    services.score_save(
        assignment=a1, by=alice, scores={criterion.pk: (70, "")}, comment="", submit=False
    )
    assert {s.score for s in scores_visible_to(alice)} == {70}
    assert {s.score for s in scores_visible_to(staff)} == {70, 90}


def test_scores_out_of_range_are_refused():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluator = EvaluatorFactory()
    assignment = services.assign_evaluator(application=application, by=staff, evaluator=evaluator)
    services.declare_no_conflict(assignment=assignment, by=evaluator)
    to_evaluating(round_, staff)
    criterion = round_.criteria.first()
    with pytest.raises(ValidationError) as refused:
        services.score_save(
            assignment=assignment,
            by=evaluator,
            scores={criterion.pk: (101, "")},
            comment="",
            submit=False,
        )
    assert "须在0到100之间" in refused.value.messages[0]


@pytest.mark.parametrize("amount", [99_999, 500_001, "150000.5", "十万"])
def test_award_out_of_bounds_is_refused_with_a_message(amount):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    to_evaluating(round_, staff)
    with pytest.raises(ValidationError):
        services.award_set(application=application, by=staff, amount_yuan=amount)
    assert not Award.objects.exists()


@pytest.mark.parametrize("amount", [0, -1])
def test_database_rejects_a_non_positive_award_even_bypassing_validation(amount):
    # The bounds are the round's policy version's (enforced by award_set under the round's
    # lock, tests/policy/test_subsidy_bounds.py); the database keeps amount > 0.
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(application=application, amount_yuan=amount, decided_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.bulk_create(
            [Award(application=application, amount_yuan=amount, decided_by=staff)]
        )


def test_awards_cannot_exceed_the_budget():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, budget_yuan=600_000)
    first, second = submitted_application(round_), submitted_application(round_)
    to_evaluating(round_, staff)
    services.award_set(application=first, by=staff, amount_yuan=400_000)
    with pytest.raises(ValidationError) as refused:
        services.award_set(application=second, by=staff, amount_yuan=300_000)
    assert "最多还能安排200,000元" in refused.value.messages[0]
    services.award_set(application=second, by=staff, amount_yuan=200_000)
    assert round_.awarded_total() == 600_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_awarding_at_once_cannot_exceed_the_budget_together():
    staff_a, staff_b = MunicipalStaffFactory(), MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff_a, budget_yuan=700_000)
    first, second = submitted_application(round_), submitted_application(round_)
    to_evaluating(round_, staff_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(application, staff):
        try:
            barrier.wait()
            services.award_set(application=application, by=staff, amount_yuan=400_000)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(first, staff_a)),
        threading.Thread(target=decide, args=(second, staff_b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert SubsidyRound.objects.get(pk=round_.pk).awarded_total() == 400_000


def test_revoked_alliance_cannot_apply():
    from filings.models import Alliance

    round_ = subsidy_round()
    alliance = eligible_alliance()
    Alliance.objects.filter(pk=alliance.pk).update(status="revoked")
    alliance.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.application_create(
            round_=round_, alliance=alliance, by=alliance.lead_unit.users.get()
        )
    assert any("已被取消备案" in m for m in refused.value.messages)


def test_alliance_with_an_open_revocation_case_cannot_apply():
    round_ = subsidy_round()
    alliance = eligible_alliance()
    RevokedCaseHelper.open_case(alliance)
    with pytest.raises(ValidationError) as refused:
        services.application_create(
            round_=round_, alliance=alliance, by=alliance.lead_unit.users.get()
        )
    assert any("正在办理的取消备案案件" in m for m in refused.value.messages)


def test_last_years_summary_must_be_accepted():
    round_ = subsidy_round(year=2027)
    alliance = filed_alliance()  # filed 2024, no 2026 summary
    with pytest.raises(ValidationError) as refused:
        services.application_create(
            round_=round_, alliance=alliance, by=alliance.lead_unit.users.get()
        )
    assert any("2026年度工作总结尚未被市科技局受理" in m for m in refused.value.messages)


def test_one_application_per_alliance_per_round():
    round_ = subsidy_round()
    alliance = eligible_alliance()
    lead = alliance.lead_unit.users.get()
    services.application_create(round_=round_, alliance=alliance, by=lead)
    with pytest.raises(ValidationError):
        services.application_create(round_=round_, alliance=alliance, by=lead)


def test_application_after_the_window_is_refused():
    import datetime

    round_ = subsidy_round(opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 1, 31))
    alliance = eligible_alliance()
    with pytest.raises(ValidationError) as refused:
        services.application_create(
            round_=round_, alliance=alliance, by=alliance.lead_unit.users.get()
        )
    assert any("已于2026年1月31日截止" in m for m in refused.value.messages)


def test_weights_must_sum_to_100():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(state="draft", staff=staff)
    with pytest.raises(ValidationError) as refused:
        services.criteria_save(
            round_=round_, by=staff, criteria=[("创新活动", 50), ("创新绩效", 40)]
        )
    assert "目前为90" in refused.value.messages[0]
    assert round_.weights_total() == 100  # the defaults are untouched


def test_lead_unit_of_another_alliance_cannot_apply_for_it():
    from django.core.exceptions import PermissionDenied

    round_ = subsidy_round()
    alliance = eligible_alliance()
    with pytest.raises(PermissionDenied):
        services.application_create(round_=round_, alliance=alliance, by=LeadUnitUserFactory())
    assert Organisation.objects.exists()
