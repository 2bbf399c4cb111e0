"""Withdrawing a proposed amount during evaluation (Art. 15): the page, the rules, the log."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEntry
from subsidies import services
from subsidies.models import Award
from tests.factories import (
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    eligible_alliance,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluating():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, budget_yuan=500_000)
    lead = LeadUnitUserFactory()
    application = submitted_application(round_, eligible_alliance(round_.year, lead_user=lead))
    services.round_start_evaluation(round_=round_, by=staff)
    award = services.award_set(application=application, by=staff, amount_yuan=300_000)
    return {
        "staff": staff,
        "lead": lead,
        "round": round_,
        "application": application,
        "award": award,
    }


def _texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_staff_withdraw_an_amount_and_the_budget_is_free_again(client, evaluating):
    staff, award = evaluating["staff"], evaluating["award"]
    client.force_login(staff)
    ranking = reverse("subsidies:ranking", args=[evaluating["round"].pk])
    remove = reverse("subsidies:award_remove", args=[evaluating["round"].pk, award.pk])
    assert remove in client.get(ranking).content.decode()
    response = client.post(remove)
    assert response.status_code == 302 and response.url.startswith(ranking)
    assert not Award.objects.filter(pk=award.pk).exists()
    assert any("已取消" in t and "300,000" in t for t in _texts(response))
    entry = AuditEntry.objects.get(action="award_remove")
    assert entry.actor == staff and entry.reason == "300,000元"
    assert remove not in client.get(ranking).content.decode()
    # The whole budget can be given to another amount now.
    again = services.award_set(application=evaluating["application"], by=staff, amount_yuan=500_000)
    assert again.amount_yuan == 500_000


def test_a_second_withdrawal_from_a_stale_page_is_explained(client, evaluating):
    client.force_login(evaluating["staff"])
    round_, award = evaluating["round"], evaluating["award"]
    remove = reverse("subsidies:award_remove", args=[round_.pk, award.pk])
    client.post(remove)
    response = client.post(remove)  # the same button again, from the old page
    assert response.status_code == 302
    assert response.url == reverse("subsidies:ranking", args=[round_.pk])
    assert any("已被取消" in t for t in _texts(response))
    with pytest.raises(Exception, match="已被取消"):
        services.award_remove(award=award, by=evaluating["staff"])
    assert AuditEntry.objects.filter(action="award_remove").count() == 1


def test_the_amount_withdrawn_is_the_current_one_not_the_page_s(client, evaluating):
    """Another member of staff raised the amount after this page was shown: the message
    and the log name the amount actually withdrawn."""
    staff, application = evaluating["staff"], evaluating["application"]
    client.force_login(staff)
    services.award_set(application=application, by=MunicipalStaffFactory(), amount_yuan=450_000)
    response = client.post(
        reverse("subsidies:award_remove", args=[evaluating["round"].pk, evaluating["award"].pk])
    )
    assert any("450,000" in t for t in _texts(response))
    assert AuditEntry.objects.get(action="award_remove").reason == "450,000元"


def test_an_award_of_another_round_is_not_found_through_this_one(client, evaluating):
    staff = evaluating["staff"]
    other = subsidy_round(staff=staff, title="另一批次")
    client.force_login(staff)
    response = client.post(
        reverse("subsidies:award_remove", args=[other.pk, evaluating["award"].pk])
    )
    assert response.status_code == 302
    assert Award.objects.filter(pk=evaluating["award"].pk).exists()


def test_no_withdrawal_once_the_results_are_published(client, evaluating):
    staff, award = evaluating["staff"], evaluating["award"]
    services.round_publish(round_=evaluating["round"], by=staff)
    client.force_login(staff)
    response = client.post(
        reverse("subsidies:award_remove", args=[evaluating["round"].pk, award.pk])
    )
    assert response.status_code == 302
    assert Award.objects.filter(pk=award.pk).exists()
    assert any("只有评审阶段可以调整补贴" in t for t in _texts(response))


@pytest.mark.parametrize("who", ["lead", "evaluator", "anonymous"])
def test_only_staff_may_withdraw(client, evaluating, who):
    user = {"lead": evaluating["lead"], "evaluator": EvaluatorFactory(), "anonymous": None}[who]
    if user:
        client.force_login(user)
    response = client.post(
        reverse("subsidies:award_remove", args=[evaluating["round"].pk, evaluating["award"].pk])
    )
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/accounts/login/" in response.url
    assert Award.objects.filter(pk=evaluating["award"].pk).exists()


def test_withdrawing_is_post_only(client, evaluating):
    client.force_login(evaluating["staff"])
    url = reverse("subsidies:award_remove", args=[evaluating["round"].pk, evaluating["award"].pk])
    assert client.get(url).status_code == 405
    assert Award.objects.filter(pk=evaluating["award"].pk).exists()
