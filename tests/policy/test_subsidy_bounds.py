"""Art. 15's bounds are the round's version's, checked by the award service under the
round's row lock; the database keeps amount > 0 (tests/subsidies), the service the budget."""

import datetime
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from subsidies import services
from subsidies.aggregation import RankedApplication, suggest_awards
from subsidies.models import Award, SubsidyRound
from tests.factories import (
    MunicipalStaffFactory,
    policy_successor,
    policy_v1,
    submitted_application,
    subsidy_round,
)

D = datetime.date


def _evaluating(round_, staff):
    services.round_start_evaluation(round_=round_, by=staff)
    round_.refresh_from_db()
    return round_


def _smaller_bounds():
    return policy_successor(
        effective_from=D(2025, 1, 1), subsidy_min_yuan=50_000, subsidy_max_yuan=300_000
    )


@pytest.mark.django_db
def test_each_round_is_held_to_its_own_versions_bounds():
    staff = MunicipalStaffFactory()
    old_round = subsidy_round(staff=staff, title="旧批次")
    old_app = submitted_application(old_round)
    v2 = _smaller_bounds()
    new_round = subsidy_round(staff=staff, title="新批次")
    new_app = submitted_application(new_round)
    assert (old_round.policy_version, new_round.policy_version) == (policy_v1(), v2)
    _evaluating(old_round, staff)
    _evaluating(new_round, staff)

    services.award_set(application=new_app, by=staff, amount_yuan=60_000)
    with pytest.raises(ValidationError) as refused:
        services.award_set(application=new_app, by=staff, amount_yuan=400_000)
    assert "补贴金额须在50,000元至300,000元之间" in refused.value.messages[0]

    with pytest.raises(ValidationError) as refused:
        services.award_set(application=old_app, by=staff, amount_yuan=60_000)
    assert "补贴金额须在100,000元至500,000元之间" in refused.value.messages[0]
    services.award_set(application=old_app, by=staff, amount_yuan=400_000)
    assert sorted(Award.objects.values_list("amount_yuan", flat=True)) == [60_000, 400_000]


@pytest.mark.django_db
def test_a_rounds_budget_and_notice_period_follow_its_version():
    _smaller_bounds()
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, state="draft", budget_yuan=60_000)
    assert round_.budget_yuan == 60_000  # above v2's lower bound, below v1's
    with pytest.raises(ValidationError) as refused:
        services.round_update(round_=round_, by=staff, notice_working_days=3)
    assert "公示期不能少于5个工作日" in refused.value.message_dict["notice_working_days"][0]


@pytest.mark.django_db
def test_suggested_amounts_stay_within_the_rounds_version():
    _smaller_bounds()
    round_ = subsidy_round(state="draft", budget_yuan=1_000_000)
    ranked = [
        RankedApplication(SimpleNamespace(pk=i), [Decimal(90 - i)], Decimal(90 - i))
        for i in range(3)
    ]
    proposals = suggest_awards(ranked, round_)
    assert proposals == {0: 300_000, 1: 175_000, 2: 50_000}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_awarding_at_once_stay_within_budget_and_the_versions_bounds():
    _smaller_bounds()
    staff_a, staff_b = MunicipalStaffFactory(), MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff_a, budget_yuan=500_000)
    first, second = submitted_application(round_), submitted_application(round_)
    _evaluating(round_, staff_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(application, staff):
        try:
            barrier.wait()
            services.award_set(application=application, by=staff, amount_yuan=300_000)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
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
    assert outcomes.count("ok") == 1
    assert any("超出本批次预算" in o for o in outcomes if o != "ok")
    assert SubsidyRound.objects.get(pk=round_.pk).awarded_total() == 300_000
