"""The municipal bureau's subsidy pages through HTTP (Art. 15): rounds, criteria, evaluator
assignment, ranking, awards, the public notice (公示), decision and disbursement."""

import datetime
import io
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from subsidies import services
from subsidies.models import Application, Assignment, Award, Criterion, Objection, SubsidyRound
from tests.factories import (
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    eligible_alliance,
    pdf_upload,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def evaluate(round_, staff, plan):
    """``plan``: application → a list of sheets, each an int (the same score on every
    criterion) or a list of scores in criterion order. Assigns one evaluator per sheet while
    the round is open, starts the evaluation and submits every sheet through the services.
    Returns the evaluators in the plan's order."""
    pending, evaluators = [], []
    for application, sheets in plan.items():
        for sheet in sheets:
            evaluator = EvaluatorFactory()
            assignment = services.assign_evaluator(
                application=application, by=staff, evaluator=evaluator
            )
            services.declare_no_conflict(assignment=assignment, by=evaluator)
            pending.append((assignment, evaluator, sheet))
            evaluators.append(evaluator)
    if SubsidyRound.objects.get(pk=round_.pk).state == SubsidyRound.State.OPEN:
        services.round_start_evaluation(round_=round_, by=staff)
    criteria = list(round_.criteria.all())
    for assignment, evaluator, sheet in pending:
        scores = [sheet] * len(criteria) if isinstance(sheet, int) else sheet
        services.score_save(
            assignment=assignment,
            by=evaluator,
            scores={c.pk: (s, f"{c.name}说明") for c, s in zip(criteria, scores, strict=True)},
            comment="运行规范，建议支持。",
            submit=True,
        )
    round_.refresh_from_db()
    return evaluators


def weighted(scores, weights) -> Decimal:
    return (sum(Decimal(s) * w for s, w in zip(scores, weights, strict=True)) / 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


# --- Creating and preparing a round -------------------------------------------------------


def test_staff_create_a_round_with_the_default_criteria(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    page = client.get(reverse("subsidies:round_new"))
    assert page.status_code == 200
    assert 'value="5"' in page.content.decode()  # evaluators and notice days default from settings
    response = client.post(
        reverse("subsidies:round_new"),
        {
            "year": 2027,
            "title": "2027年度联盟运行经费补贴",
            "budget_yuan": 2_000_000,
            "opens_on": "2027-03-01",
            "closes_on": "2027-04-30",
            "evaluators_per_application": 5,
            "notice_working_days": 7,
        },
    )
    round_ = SubsidyRound.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "subsidies:round_detail", args=[round_.pk]
    )
    assert (round_.state, round_.budget_yuan, round_.notice_working_days) == ("draft", 2_000_000, 7)
    assert round_.weights_total() == 100


def test_round_with_the_window_reversed_is_refused_with_a_message(client):
    client.force_login(MunicipalStaffFactory())
    response = client.post(
        reverse("subsidies:round_new"),
        {
            "year": 2027,
            "title": "批次",
            "budget_yuan": "一百万",
            "opens_on": "2027-05-01",
            "closes_on": "2027-04-30",
            "evaluators_per_application": 5,
            "notice_working_days": 5,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "申请截止日期不能早于开始日期" in body
    assert "补贴总预算须为整数" in body
    assert not SubsidyRound.objects.exists()


def test_absurd_numbers_are_form_errors_not_server_errors(client):
    client.force_login(MunicipalStaffFactory())
    response = client.post(
        reverse("subsidies:round_new"),
        {
            "year": 99999,
            "title": "批次",
            "budget_yuan": "9" * 30,
            "opens_on": "2027-02-30",
            "closes_on": "",
            "evaluators_per_application": 0,
            "notice_working_days": 1000,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "年度不能大于2100。" in body and "补贴总预算不能大于" in body
    assert (
        "请输入有效日期" in body
        and "评审专家人数不能小于1。" in body
        and "公示期不能大于30。" in body
    )
    assert not SubsidyRound.objects.exists()


def test_round_edit_only_while_in_preparation(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    draft = subsidy_round(state="draft", staff=staff)
    data = {
        "year": 2027,
        "title": "改名后的批次",
        "budget_yuan": 3_000_000,
        "opens_on": "2026-01-01",
        "closes_on": "2030-12-31",
        "evaluators_per_application": 3,
        "notice_working_days": 5,
    }
    response = client.post(reverse("subsidies:round_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.budget_yuan, draft.evaluators_per_application) == (
        "改名后的批次",
        3_000_000,
        3,
    )

    opened = subsidy_round(staff=staff)
    response = client.post(reverse("subsidies:round_edit", args=[opened.pk]), data)
    assert "批次已开始接受申请，不能再修改。" in texts(response)
    opened.refresh_from_db()
    assert opened.title != "改名后的批次"


def test_weights_not_summing_to_100_keep_every_typed_row(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    round_ = subsidy_round(state="draft", staff=staff)
    before = list(round_.criteria.values_list("name", "weight"))
    data = {
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "创新活动",
        "criteria-0-weight": "50",
        "criteria-1-name": "创新绩效",
        "criteria-1-weight": "30",
        "criteria-2-name": "自拟指标甲",
        "criteria-2-weight": "10",
    }
    response = client.post(reverse("subsidies:criteria_edit", args=[round_.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "各评审指标权重之和须为100，目前为90。" in body
    for value in (
        'value="创新活动"',
        'value="创新绩效"',
        'value="自拟指标甲"',
        'value="50"',
        'value="30"',
    ):
        assert value in body
    assert list(round_.criteria.values_list("name", "weight")) == before


def test_criteria_rows_can_be_added_removed_and_saved(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    round_ = subsidy_round(state="draft", staff=staff)
    url = reverse("subsidies:criteria_edit", args=[round_.pk])
    page = client.get(url).content.decode()
    assert 'name="criteria-6-name"' in page  # six default rows and one blank
    data = {"criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0", "add_row": "1"}
    data |= {
        "criteria-0-name": "创新活动",
        "criteria-0-weight": "60",
        "criteria-1-name": "创新绩效",
    }
    more = client.post(url, data).content.decode()
    assert 'name="criteria-2-name"' in more and 'value="创新活动"' in more
    data = {
        "criteria-TOTAL_FORMS": "4",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "创新活动",
        "criteria-0-weight": "60",
        "criteria-1-name": "创新绩效",
        "criteria-1-weight": "40",
        "criteria-2-name": "将删除",
        "criteria-2-weight": "30",
        "criteria-2-DELETE": "on",
        # row 3 left blank
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(round_.criteria.values_list("name", "weight")) == [
        ("创新活动", 60),
        ("创新绩效", 40),
    ]


def test_criteria_cannot_change_once_open(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    round_ = subsidy_round(staff=staff)
    response = client.get(reverse("subsidies:criteria_edit", args=[round_.pk]))
    assert response.status_code == 302
    assert "批次已开始接受申请，评审指标不能再修改。" in texts(response)


def test_open_is_refused_with_reasons_and_stale_pages_are_caught(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    round_ = subsidy_round(state="draft", staff=staff, opens_on=None, closes_on=None)
    response = client.post(
        reverse("subsidies:round_open", args=[round_.pk]), {"expected_state": "draft"}
    )
    assert "请先设置申请开始和截止日期。" in texts(response)
    assert SubsidyRound.objects.get(pk=round_.pk).state == "draft"
    response = client.post(
        reverse("subsidies:round_open", args=[round_.pk]), {"expected_state": "open"}
    )
    assert "该记录已被他人修改，请刷新页面后重试。" in texts(response)


# --- Evaluators ---------------------------------------------------------------------------


def test_assign_and_unassign_evaluators_on_the_round_page(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluator = EvaluatorFactory(last_name="李", first_name="评审")
    page = client.get(reverse("subsidies:round_detail", args=[round_.pk])).content.decode()
    assert f'<option value="{evaluator.pk}">' in page
    # The state action the round is ready for, posted with the state the page showed.
    assert f'action="{reverse("subsidies:round_start_evaluation", args=[round_.pk])}"' in page
    assert 'name="expected_state" value="open"' in page
    client.post(reverse("subsidies:assign", args=[application.pk]), {"evaluator": evaluator.pk})
    assignment = Assignment.objects.get()
    page = client.get(reverse("subsidies:round_detail", args=[round_.pk])).content.decode()
    assert "李评审" in page and "1/5" in page
    client.post(reverse("subsidies:unassign", args=[assignment.pk]))
    assert not Assignment.objects.exists()


def test_conflicted_evaluator_is_refused_with_the_services_message(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    member = application.alliance.members.exclude(
        organisation=application.alliance.lead_unit
    ).first()
    conflicted = EvaluatorFactory(organisation=member.organisation)
    response = client.post(
        reverse("subsidies:assign", args=[application.pk]), {"evaluator": conflicted.pk}
    )
    assert response.status_code == 302
    assert any("须回避" in m for m in texts(response))
    assert not Assignment.objects.exists()
    # A user who is not an evaluator is not a choice at all.
    response = client.post(
        reverse("subsidies:assign", args=[application.pk]), {"evaluator": staff.pk}
    )
    assert "所选用户不是评审专家。" in texts(response)
    assert not Assignment.objects.exists()


# --- Ranking and awards -------------------------------------------------------------------


def test_ranking_panel_is_the_trimmed_mean_and_the_spread_is_flagged(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    weights = list(round_.criteria.values_list("weight", flat=True))
    sheets = [
        [60, 70, 80, 90, 100, 50],
        [70, 75, 80, 85, 90, 95],
        [90, 90, 90, 90, 90, 90],
        [55, 60, 65, 70, 75, 80],
        [100, 95, 90, 85, 80, 75],
    ]
    evaluators = evaluate(round_, staff, {application: sheets})
    totals = sorted(weighted(s, weights) for s in sheets)
    expected = (sum(totals[1:-1]) / 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    spread = totals[-1] - totals[0]
    assert spread >= 15  # the plan is chosen so the page must flag it

    client.force_login(staff)
    response = client.get(reverse("subsidies:ranking", args=[round_.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="panel">{expected}<' in body
    assert f'data-testid="wide-spread" title="评分差异较大">{spread}<' in body
    for total in totals:
        assert f'data-testid="total">{total}<' in body
    assert evaluators[0].get_full_name() in body  # staff may see who gave which total


def test_award_amounts_out_of_bounds_are_refused_next_to_the_field(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluate(round_, staff, {application: [80]})
    client.force_login(staff)
    url = reverse("subsidies:award_set", args=[application.pk])
    field = f"a{application.pk}-amount"
    for typed, message in [
        ("99999", "补贴金额须在100,000元至500,000元之间（第十五条），您填写的是99,999元。"),
        ("500001", "您填写的是500,001元"),
        ("12.5", "补贴金额须为整数（元）。"),
        ("十万", "补贴金额须为整数（元）。"),
    ]:
        response = client.post(url, {field: typed})
        body = response.content.decode()
        assert response.status_code == 200, typed
        assert message in body
        assert f'value="{typed}"' in body  # what was typed stays in the field
        assert "补贴金额未保存" in " ".join(texts(response))
    assert not Award.objects.exists()


def test_an_award_amount_may_be_typed_with_thousands_separators(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluate(round_, staff, {application: [80]})
    client.force_login(staff)
    url = reverse("subsidies:award_set", args=[application.pk])
    response = client.post(url, {f"a{application.pk}-amount": "３００，０００"})
    assert response.status_code == 302
    assert Award.objects.get().amount_yuan == 300_000


def test_award_over_the_remaining_budget_is_refused(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, budget_yuan=600_000)
    first, second = submitted_application(round_), submitted_application(round_)
    evaluate(round_, staff, {first: [90], second: [80]})
    client.force_login(staff)
    client.post(reverse("subsidies:award_set", args=[first.pk]), {f"a{first.pk}-amount": "400000"})
    response = client.post(
        reverse("subsidies:award_set", args=[second.pk]), {f"a{second.pk}-amount": "300000"}
    )
    assert response.status_code == 200
    assert "本项最多还能安排200,000元" in response.content.decode()
    assert list(Award.objects.values_list("amount_yuan", flat=True)) == [400_000]
    page = client.get(reverse("subsidies:ranking", args=[round_.pk])).content.decode()
    assert 'data-testid="awarded">40万元<' in page and 'data-testid="remaining">20万元<' in page


def test_suggestions_are_shown_not_saved_and_can_fill_the_forms(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, budget_yuan=1_000_000)
    first, second = submitted_application(round_), submitted_application(round_)
    evaluate(round_, staff, {first: [95], second: [70]})
    client.force_login(staff)
    response = client.post(reverse("subsidies:awards_suggest", args=[round_.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="suggestion">500000<' in body and 'data-testid="suggestion">100000<' in body
    assert f'name="a{first.pk}-amount" id="id_a{first.pk}-amount" value=""' in body
    assert not Award.objects.exists()
    filled = client.post(
        reverse("subsidies:awards_suggest", args=[round_.pk]), {"fill": "1"}
    ).content.decode()
    assert f'name="a{first.pk}-amount" id="id_a{first.pk}-amount" value="500000"' in filled
    assert not Award.objects.exists()


def _round_with_applications(n, staff):
    round_ = subsidy_round(staff=staff, budget_yuan=10_000_000)
    applications = [submitted_application(round_) for _ in range(n)]
    evaluate(round_, staff, {a: [70 + i, 80] for i, a in enumerate(applications)})
    return round_


@pytest.mark.parametrize("url_name", ["subsidies:ranking", "subsidies:round_detail"])
def test_query_count_does_not_grow_with_applications(client, url_name):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    counts = []
    for n in (3, 10):
        round_ = _round_with_applications(n, staff)
        Award.objects.create(
            application=round_.applications.first(), amount_yuan=100_000, decided_by=staff
        )
        url = reverse(url_name, args=[round_.pk])
        client.get(url)  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('data-application="') == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- The whole round through HTTP ---------------------------------------------------------


@pytest.mark.postgres
def test_full_round_from_creation_to_disbursement(client, cjk_font):
    staff = MunicipalStaffFactory()
    alliance = eligible_alliance(2027)
    lead = alliance.lead_unit.users.get()
    with time_machine.travel(
        datetime.datetime(2026, 9, 21, 9, 0, tzinfo=BEIJING), tick=False
    ) as clock:
        client.force_login(staff)
        client.post(
            reverse("subsidies:round_new"),
            {
                "year": 2027,
                "title": "2027年度联盟运行经费补贴",
                "budget_yuan": 1_000_000,
                "opens_on": "2026-09-01",
                "closes_on": "2026-09-25",
                "evaluators_per_application": 5,
                "notice_working_days": 5,
            },
        )
        round_ = SubsidyRound.objects.get()
        client.post(reverse("subsidies:round_open", args=[round_.pk]), {"expected_state": "draft"})
        assert SubsidyRound.objects.get(pk=round_.pk).state == "open"

        # The lead unit applies, fills in the draft, attaches evidence and submits.
        client.force_login(lead)
        listing = client.get(reverse("subsidies:round_list")).content.decode()
        assert reverse("subsidies:application_new", args=[round_.pk, alliance.pk]) in listing
        response = client.post(reverse("subsidies:application_new", args=[round_.pk, alliance.pk]))
        application = Application.objects.get()
        assert response.url == reverse("subsidies:application_edit", args=[application.pk])
        data = {"summary": "联盟全年组织联合攻关三项。", "funding_plan": "用于秘书处运行。"}
        data |= {f"score_{c.pk}": "85" for c in round_.criteria.all()}
        data |= {f"statement_{c.pk}": "自评说明" for c in round_.criteria.all()}
        client.post(reverse("subsidies:application_edit", args=[application.pk]), data)
        client.post(
            reverse("subsidies:evidence_upload", args=[application.pk]),
            {"file": pdf_upload("成效.pdf")},
        )
        assert application.evidence.count() == 1
        client.post(
            reverse("subsidies:application_submit", args=[application.pk]),
            {"expected_state": "draft"},
        )
        application.refresh_from_db()
        assert application.state == "submitted"

        # Staff assign five evaluators; they declare and score (services), after the window.
        client.force_login(staff)
        evaluators = [EvaluatorFactory() for _ in range(5)]
        for evaluator in evaluators:
            client.post(
                reverse("subsidies:assign", args=[application.pk]), {"evaluator": evaluator.pk}
            )
        assert application.assignments.count() == 5
        clock.move_to(datetime.datetime(2026, 9, 28, 9, 0, tzinfo=BEIJING))
        client.force_login(staff)  # the session idled out
        client.post(
            reverse("subsidies:round_start_evaluation", args=[round_.pk]),
            {"expected_state": "open", "confirmed": "1"},
        )
        assert SubsidyRound.objects.get(pk=round_.pk).state == "evaluating"
        criteria = list(Criterion.objects.filter(round=round_))
        for evaluator, score in zip(evaluators, (70, 80, 85, 90, 95), strict=True):
            assignment = application.assignments.get(evaluator=evaluator)
            services.declare_no_conflict(assignment=assignment, by=evaluator)
            services.score_save(
                assignment=assignment,
                by=evaluator,
                scores={c.pk: (score, "") for c in criteria},
                comment="同意",
                submit=True,
            )
        ranking = client.get(reverse("subsidies:ranking", args=[round_.pk])).content.decode()
        assert 'data-testid="panel">85.00<' in ranking
        client.post(
            reverse("subsidies:award_set", args=[application.pk]),
            {f"a{application.pk}-amount": "300000"},
        )
        award = Award.objects.get()
        assert award.amount_yuan == 300_000

        # Publication on Tue 29 Sep 2026: the National Day holiday (1–7 Oct) does not count
        # and Sat 10 Oct is a working day (调休) — five working days end on Mon 12 Oct.
        clock.move_to(datetime.datetime(2026, 9, 29, 9, 0, tzinfo=BEIJING))
        client.force_login(staff)  # the session idled out
        client.post(
            reverse("subsidies:round_publish", args=[round_.pk]), {"expected_state": "evaluating"}
        )
        round_.refresh_from_db()
        assert round_.state == "notice"
        assert (round_.notice_starts_on, round_.notice_ends_on) == (
            datetime.date(2026, 9, 30),
            datetime.date(2026, 10, 12),
        )
        public = client.get(reverse("subsidies:round_results", args=[round_.pk])).content.decode()
        assert alliance.name in public and "300000" in public

        clock.move_to(datetime.datetime(2026, 10, 8, 9, 0, tzinfo=BEIJING))
        client.force_login(staff)  # the session idled out
        client.post(
            reverse("subsidies:objection_new", args=[award.pk]),
            {
                "objector_name": "赵六",
                "objector_contact": "13800000000",
                "content": "该联盟上年度未开展活动。",
                "received_on": "2026-10-08",
            },
        )
        objection = Objection.objects.get()
        response = client.post(
            reverse("subsidies:round_finalise", args=[round_.pk]), {"expected_state": "notice"}
        )
        assert "公示期至2026年10月12日，期满后方可办结。" in texts(response)
        assert SubsidyRound.objects.get(pk=round_.pk).state == "notice"

        client.post(
            reverse("subsidies:objection_resolve", args=[objection.pk]),
            {"resolution": "经核实，异议不成立。"},
        )
        clock.move_to(datetime.datetime(2026, 10, 13, 9, 0, tzinfo=BEIJING))
        client.force_login(staff)  # the session idled out
        client.post(
            reverse("subsidies:round_finalise", args=[round_.pk]), {"expected_state": "notice"}
        )
        assert SubsidyRound.objects.get(pk=round_.pk).state == "final"

        client.force_login(lead)
        detail = client.get(
            reverse("subsidies:application_detail", args=[application.pk])
        ).content.decode()
        assert reverse("subsidies:award_notice", args=[award.pk]) in detail
        pdf = client.get(reverse("subsidies:award_notice", args=[award.pk]))
        assert pdf.status_code == 200 and pdf["X-Content-Type-Options"] == "nosniff"
        text = "".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
        )
        assert alliance.name in text
        client.force_login(LeadUnitUserFactory())
        assert client.get(reverse("subsidies:award_notice", args=[award.pk])).status_code == 404

        # The money is paid a week later (a disbursement is never dated in the future).
        clock.move_to(datetime.datetime(2026, 10, 20, 9, 0, tzinfo=BEIJING))
        client.force_login(staff)
        client.post(
            reverse("subsidies:disbursement", args=[award.pk]),
            {"disbursed_on": "2026-10-20", "disbursed_yuan": "300000"},
        )
        award.refresh_from_db()
        assert (award.disbursed_on, award.disbursed_yuan) == (datetime.date(2026, 10, 20), 300_000)
