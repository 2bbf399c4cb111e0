"""Every subsidy service checks the state before the input: an action the state no longer
allows is refused for that reason, whatever else is wrong with what was typed; the page
shows the service's refusal, not a copy of the rule. Pages offer the state actions that
``core.transitions.available`` lists, with the reasons one is refused."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.transitions import StaleRecord, TransitionRefused
from subsidies import services
from subsidies.models import Application, Award, Objection, SubsidyRound
from tests.factories import (
    EvaluatorFactory,
    MunicipalStaffFactory,
    eligible_alliance,
    pdf_upload,
    publish_in_notice,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refused_for_state(call, reason):
    with pytest.raises(TransitionRefused) as refused:
        call()
    assert any(reason in r for r in refused.value.reasons), refused.value.reasons


class World:
    """A round being evaluated (one application, one submitted sheet, one award) and a
    round in its notice period (one award)."""

    def __init__(self):
        self.staff = MunicipalStaffFactory()
        self.open_round = subsidy_round(staff=self.staff, title="申请中")
        self.round = subsidy_round(staff=self.staff, title="评审中")
        self.application = submitted_application(self.round)
        self.lead = self.application.alliance.lead_unit.users.get()
        self.evaluator = EvaluatorFactory()
        self.assignment = services.assign_evaluator(
            application=self.application, by=self.staff, evaluator=self.evaluator
        )
        services.declare_no_conflict(assignment=self.assignment, by=self.evaluator)
        services.round_start_evaluation(round_=self.round, by=self.staff)
        self.criteria = list(self.round.criteria.all())
        services.score_save(
            assignment=self.assignment,
            by=self.evaluator,
            scores={c.pk: (80, "") for c in self.criteria},
            comment="同意",
            submit=True,
        )
        self.award = services.award_set(
            application=self.application, by=self.staff, amount_yuan=200_000
        )
        self.notice_round = subsidy_round(staff=self.staff, title="公示中")
        self.noticed = submitted_application(self.notice_round)
        services.round_start_evaluation(round_=self.notice_round, by=self.staff)
        self.notice_award = services.award_set(
            application=self.noticed, by=self.staff, amount_yuan=300_000
        )
        self.notice_round = publish_in_notice(self.notice_round, self.staff)


@pytest.fixture
def w():
    return World()


# --- The services -------------------------------------------------------------------------


def test_award_in_the_notice_period_is_refused_for_the_state_not_the_amount(w):
    refused_for_state(
        lambda: services.award_set(application=w.noticed, by=w.staff, amount_yuan="十万"),
        "只有评审阶段可以调整补贴金额",
    )
    assert Award.objects.get(pk=w.notice_award.pk).amount_yuan == 300_000


def test_assigning_after_the_evaluation_is_refused_for_the_state_not_the_user(w):
    refused_for_state(
        lambda: services.assign_evaluator(application=w.noticed, by=w.staff, evaluator=w.staff),
        "评审已结束",
    )


def test_disbursement_before_the_decision_is_refused_for_the_state_not_the_amount(w):
    refused_for_state(
        lambda: services.disbursement_record(
            award=w.notice_award, by=w.staff, disbursed_on="昨天", disbursed_yuan=0
        ),
        "公示期满办结后方可登记拨付",
    )


def test_objection_outside_the_notice_is_refused_for_the_state_not_the_blank_fields(w):
    refused_for_state(
        lambda: services.objection_record(
            award=w.award,
            by=w.staff,
            objector_name="",
            objector_contact="",
            content="",
            received_on=datetime.date(1999, 1, 1),
        ),
        "只能在公示期内登记异议",
    )
    assert not Objection.objects.exists()


def test_saving_a_submitted_application_is_refused_for_the_state_not_the_score(w):
    criterion = w.criteria[0]
    refused_for_state(
        lambda: services.application_save(
            application=w.application,
            by=w.lead,
            summary="改写",
            self_evaluations={criterion.pk: (101, "")},
        ),
        "申请已提交或撤回，不能修改",
    )
    refused_for_state(
        lambda: services.application_attach(
            application=w.application, by=w.lead, uploaded=pdf_upload("x.pdf", b"MZ")
        ),
        "申请已提交或撤回，不能修改",
    )
    assert Application.objects.get(pk=w.application.pk).summary != "改写"


def test_changing_an_open_round_is_refused_for_the_state_not_the_budget(w):
    refused_for_state(
        lambda: services.round_update(round_=w.open_round, by=w.staff, budget_yuan=1),
        "批次已开始接受申请，不能再修改",
    )
    refused_for_state(
        lambda: services.criteria_save(round_=w.open_round, by=w.staff, criteria=[]),
        "评审指标不能再修改",
    )


def test_changing_a_submitted_sheet_is_refused_for_the_state_not_the_score(w):
    refused_for_state(
        lambda: services.score_save(
            assignment=w.assignment,
            by=w.evaluator,
            scores={w.criteria[0].pk: (101, "")},
            comment="",
            submit=True,
        ),
        "评分已提交，不能修改",
    )


def test_unassigning_a_submitted_sheet_is_refused_for_the_state(w):
    refused_for_state(
        lambda: services.unassign_evaluator(assignment=w.assignment, by=w.staff),
        "已提交评分，不能撤销分配",
    )


def test_resolving_an_objection_resolved_meanwhile_is_a_stale_page(w):
    objection = services.objection_record(
        award=w.notice_award,
        by=w.staff,
        objector_name="赵六",
        objector_contact="13800000000",
        content="异议",
        received_on=w.notice_round.notice_starts_on,
    )
    services.objection_resolve(objection=objection, by=w.staff, resolution="不成立")
    with pytest.raises(StaleRecord):
        services.objection_resolve(objection=objection, by=MunicipalStaffFactory(), resolution="")
    assert Objection.objects.get().resolution == "不成立"


def test_a_draft_is_saved_from_plain_values_and_only_its_own_fields(w):
    alliance = eligible_alliance(w.open_round.year)
    lead = alliance.lead_unit.users.get()
    draft = services.application_create(round_=w.open_round, alliance=alliance, by=lead)
    first = draft.self_evaluations.first()
    services.application_save(
        application=draft,
        by=lead,
        summary=" 运行规范。 ",
        funding_plan="秘书处",
        self_evaluations={first.criterion_id: (90, "说明")},
    )
    draft.refresh_from_db()
    assert (draft.summary, draft.funding_plan) == ("运行规范。", "秘书处")
    assert draft.self_evaluations.get(pk=first.pk).score == 90
    with pytest.raises(TypeError):
        services.application_save(application=draft, by=lead, state="submitted")
    with pytest.raises(ValidationError):
        services.application_save(
            application=draft, by=lead, self_evaluations={w.criteria[0].pk: (50, "")}
        )  # another round's criterion
    assert Application.objects.get(pk=draft.pk).state == "draft"


# --- The pages show the service's refusal -------------------------------------------------


def test_award_page_shows_the_state_refusal_not_the_amount_error(client, w):
    client.force_login(w.staff)
    response = client.post(reverse("subsidies:award_set", args=[w.noticed.pk]), {"amount": "十万"})
    assert response.status_code == 302
    shown = " ".join(texts(response))
    assert "只有评审阶段可以调整补贴金额" in shown and "整数" not in shown


def test_assign_page_shows_the_state_refusal_not_the_choice_error(client, w):
    client.force_login(w.staff)
    response = client.post(
        reverse("subsidies:assign", args=[w.noticed.pk]), {"evaluator": w.staff.pk}
    )
    shown = " ".join(texts(response))
    assert "评审已结束" in shown and "所选用户不是评审专家" not in shown


def test_disbursement_page_shows_the_state_refusal_not_the_amount_error(client, w):
    client.force_login(w.staff)
    url = reverse("subsidies:disbursement", args=[w.notice_award.pk])
    assert "公示期满办结后方可登记拨付" in client.get(url).content.decode()
    response = client.post(url, {"disbursed_on": "2027-01-01", "disbursed_yuan": "0"})
    assert response.status_code == 302
    shown = " ".join(texts(response))
    assert "公示期满办结后方可登记拨付" in shown and "拨付金额" not in shown


def test_objection_page_shows_the_state_refusal_not_the_blank_fields(client, w):
    client.force_login(w.staff)
    response = client.post(reverse("subsidies:objection_new", args=[w.award.pk]), {})
    assert response.status_code == 302
    shown = " ".join(texts(response))
    assert "只能在公示期内登记异议" in shown and "必填" not in shown


def test_score_sheet_shows_the_state_refusal_not_the_score_error(client, w):
    client.force_login(w.evaluator)
    data = {"action": "submit", "comment": "改", f"score_{w.criteria[0].pk}": "abc"}
    response = client.post(reverse("subsidies:score_sheet", args=[w.assignment.pk]), data)
    assert response.status_code == 302
    shown = " ".join(texts(response))
    assert "评分已提交，不能修改" in shown and "整数" not in shown


def test_round_edit_shows_the_state_refusal_not_the_budget_error(client, w):
    client.force_login(w.staff)
    response = client.post(
        reverse("subsidies:round_edit", args=[w.open_round.pk]), {"budget_yuan": "一百万"}
    )
    assert response.status_code == 302
    shown = " ".join(texts(response))
    assert "批次已开始接受申请，不能再修改" in shown and "整数" not in shown


def test_application_edit_shows_the_state_refusal_not_the_score_error(client, w):
    client.force_login(w.lead)
    data = {"summary": "改写", f"score_{w.criteria[0].pk}": "101"}
    response = client.post(reverse("subsidies:application_edit", args=[w.application.pk]), data)
    assert response.status_code == 302
    shown = " ".join(texts(response))
    assert "申请已提交或撤回，不能修改" in shown and "100分" not in shown
    response = client.post(reverse("subsidies:evidence_upload", args=[w.application.pk]), {})
    assert response.status_code == 302
    assert "申请已提交或撤回，不能修改" in " ".join(texts(response))


# --- Buttons from core.transitions.available ----------------------------------------------


def test_round_page_offers_its_next_action_and_says_why_it_waits(client, w):
    client.force_login(w.staff)
    page = client.get(reverse("subsidies:round_detail", args=[w.notice_round.pk]))
    body = page.content.decode()
    # In the notice period: finalising waits for its end, and the page says so.
    assert 'data-testid="refused-action" data-action="finalise"' in body
    assert "期满后方可办结" in body
    assert reverse("subsidies:round_finalise", args=[w.notice_round.pk]) not in body
    page = client.get(reverse("subsidies:round_detail", args=[w.round.pk])).content.decode()
    assert f'action="{reverse("subsidies:round_publish", args=[w.round.pk])}"' in page
    assert 'name="expected_state" value="evaluating"' in page


def test_application_page_offers_the_lead_unit_what_the_state_allows(client, w):
    client.force_login(w.lead)
    url = reverse("subsidies:application_detail", args=[w.application.pk])
    body = client.get(url).content.decode()
    # Submitted, window closed (the round is being evaluated): withdrawing is refused, with why.
    assert 'data-testid="refused-action" data-action="withdraw"' in body
    # The round closed before its closing date: the reason names the stage, not a date ahead.
    assert "本批次已截止申请（专家评审中）" in body
    assert 'data-action="submit"' not in body
    assert reverse("subsidies:application_edit", args=[w.application.pk]) not in body
    client.force_login(w.staff)
    body = client.get(url).content.decode()
    assert 'data-testid="state-action"' not in body and "refused-action" not in body
    assert SubsidyRound.objects.get(pk=w.round.pk).state == "evaluating"
