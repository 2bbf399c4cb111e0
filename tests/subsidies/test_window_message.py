"""What a lead unit reads when a round no longer takes applications: a closing date still
ahead (evaluation started early, or the round is finished) must not read as already passed."""

import datetime

import pytest
from django.urls import reverse

from subsidies.eligibility import window_problem
from tests.factories import submitted_application, subsidy_round

pytestmark = pytest.mark.django_db


def test_a_round_closed_before_its_closing_date_names_its_stage_not_a_future_date():
    round_ = subsidy_round(state="evaluating", closes_on=datetime.date(2030, 12, 31))
    problem = window_problem(round_)
    assert problem == "本批次已截止申请（专家评审中），不能再申请或修改。"
    assert "2030" not in problem


def test_a_round_past_its_closing_date_still_gives_the_date():
    round_ = subsidy_round(opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 1, 31))
    assert window_problem(round_) == "本批次申请已于2026年1月31日截止，不能再申请或修改。"


def test_the_disabled_withdraw_button_explains_the_early_closure(client):
    round_ = subsidy_round(closes_on=datetime.date(2030, 12, 31))
    application = submitted_application(round_)
    from subsidies import services

    services.round_start_evaluation(round_=round_, by=round_.created_by)
    client.force_login(application.alliance.lead_unit.users.get())
    page = client.get(reverse("subsidies:application_detail", args=[application.pk]))
    body = page.content.decode()
    assert "本批次已截止申请（专家评审中）" in body
    assert "2030年12月31日截止" not in body
