"""Published results (公示) for everyone, and the ranking workbook for the bureau only."""

import datetime
import io
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from subsidies import services
from subsidies.aggregation import ranking
from subsidies.models import Award, SubsidyRound
from tests.factories import (
    EvaluatorFactory,
    MunicipalStaffFactory,
    publish_in_notice,
    submitted_application,
    subsidy_round,
)
from tests.subsidies.test_round_views import evaluate

pytestmark = pytest.mark.django_db


def round_with_awards(staff, *, title, amounts, scores=None, publish=True):
    """A round whose applications were scored and awarded ``amounts``; published if asked."""
    round_ = subsidy_round(staff=staff, title=title)
    applications = [submitted_application(round_) for _ in amounts]
    scores = scores or [[90 - 5 * i] for i in range(len(amounts))]  # one sheet each
    evaluators = evaluate(round_, staff, dict(zip(applications, scores, strict=True)))
    for application, amount in zip(applications, amounts, strict=True):
        if amount:
            services.award_set(application=application, by=staff, amount_yuan=amount)
    if publish:
        publish_in_notice(round_, staff)
    round_.refresh_from_db()
    return round_, applications, evaluators


# --- Public results ----------------------------------------------------------------------


def test_public_results_show_only_published_rounds_without_scores_or_evaluators(client):
    staff = MunicipalStaffFactory()
    published, applications, evaluators = round_with_awards(
        staff, title="公示中的批次", amounts=[450_000, 230_000]
    )
    evaluating, hidden, hidden_evaluators = round_with_awards(
        staff, title="评审中的批次", amounts=[350_000], publish=False
    )
    open_round = subsidy_round(title="申请中的批次")

    response = client.get(reverse("subsidies:results"))  # anonymous
    body = response.content.decode()
    assert response.status_code == 200
    assert "公示中的批次" in body and "评审中的批次" not in body and "申请中的批次" not in body
    for application in applications:
        assert application.alliance.name in body
        assert application.alliance.lead_unit.name in body
    assert "450000" in body and "230000" in body and "350000" not in body
    assert hidden[0].alliance.name not in body
    assert "公示中" in body and "书面形式实名" in body and "保定市科学技术局" in body

    detail = client.get(reverse("subsidies:round_results", args=[published.pk])).content.decode()
    assert "450000" in detail and applications[0].alliance.category_title in detail
    published_dates = published.notice_starts_on.strftime("%Y年%-m月%-d日")
    assert published_dates in detail
    for page in (body, detail):
        for evaluator in evaluators + hidden_evaluators:
            assert evaluator.get_full_name() not in page
        for row in ranking(published):
            assert str(row.panel) not in page
            for total in row.totals:
                assert str(total) not in page

    for hidden_round in (evaluating, open_round, subsidy_round(state="draft", title="筹备")):
        assert (
            client.get(reverse("subsidies:round_results", args=[hidden_round.pk])).status_code
            == 404
        )


def test_a_decided_round_is_marked_as_final(client, cjk_font):
    staff = MunicipalStaffFactory()
    round_, applications, _ = round_with_awards(staff, title="已办结的批次", amounts=[200_000])
    with time_machine.travel(round_.notice_ends_on + datetime.timedelta(days=1)):
        services.round_finalise(round_=round_, by=staff)
    body = client.get(reverse("subsidies:round_results", args=[round_.pk])).content.decode()
    assert "已办结" in body and "200000" in body
    assert 'data-testid="how-to-object"' not in body


# --- Ranking export ----------------------------------------------------------------------


def test_ranking_export_matches_the_database(client):
    staff = MunicipalStaffFactory()
    round_, applications, evaluators = round_with_awards(
        staff, title="导出批次", amounts=[400_000, 0, 150_000], publish=False
    )
    client.force_login(staff)
    response = client.get(reverse("subsidies:ranking_export", args=[round_.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert quote("导出批次-评审排名.xlsx") in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.sheetnames == ["排名", "评分明细"]

    rows = list(workbook["排名"].iter_rows(values_only=True))
    assert rows[0] == (
        "排名", "联盟名称", "牵头单位", "类别", "专家1", "专家1、2…依次为",
        "有效评分数", "评审得分", "极差", "补贴金额（元）", "须回避的专家（评分不计入）",
    )  # fmt: skip
    body = rows[1:]
    assert len(body) == len(applications) == round_.applications.filter(state="submitted").count()
    awards = dict(Award.objects.values_list("application__alliance__name", "amount_yuan"))
    expected = {row.application.alliance.name: row for row in ranking(round_)}
    names = {e.get_full_name() for e in evaluators}
    for rank, name, lead_unit, category, total, who, count, panel, spread, amount, recused in body:
        assert who in names  # which expert 专家1 is, for this row
        assert recused is None  # nobody had to recuse
        assert amount == awards.get(name)
        assert (rank, count) == (expected[name].rank, 1)
        assert panel == float(expected[name].panel) == total
        assert spread == 0
        assert lead_unit and category
    assert {r[1] for r in body} == {a.alliance.name for a in applications}

    detail = list(workbook["评分明细"].iter_rows(values_only=True))
    assert detail[0][:6] == ("联盟名称", "评审专家", "评审指标", "权重（%）", "得分", "评分说明")
    assert len(detail) - 1 == len(evaluators) * round_.criteria.count()
    assert {r[1] for r in detail[1:]} == {e.get_full_name() for e in evaluators}


def test_export_has_a_column_per_evaluator_when_panels_differ(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    first, second = submitted_application(round_), submitted_application(round_)
    evaluate(round_, staff, {first: [60, 70, 80], second: [90]})
    client.force_login(staff)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("subsidies:ranking_export", args=[round_.pk])).getvalue())
    )
    header, *rows = list(workbook["排名"].iter_rows(values_only=True))
    assert header[4:8] == ("专家1", "专家2", "专家3", "专家1、2…依次为")
    by_name = {r[1]: r for r in rows}
    assert by_name[first.alliance.name][4:7] == (60, 70, 80)
    assert by_name[first.alliance.name][8:11] == (3, 70, 20)
    assert len(by_name[first.alliance.name][7].split("、")) == 3
    assert by_name[second.alliance.name][4:7] == (90, None, None)
    assert len(by_name[second.alliance.name][7].split("、")) == 1


@pytest.mark.parametrize("who", ["lead", "evaluator", "county"])
def test_export_is_refused_to_everyone_but_the_bureau(client, who):
    from tests.factories import CountyReviewerFactory

    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluator = EvaluatorFactory()
    services.assign_evaluator(application=application, by=staff, evaluator=evaluator)
    user = {
        "lead": application.alliance.lead_unit.users.get(),
        "evaluator": evaluator,
        "county": CountyReviewerFactory(),
    }[who]
    client.force_login(user)
    response = client.get(reverse("subsidies:ranking_export", args=[round_.pk]))
    assert response.status_code in (403, 404)
    assert not response.get("Content-Disposition")


def test_export_requires_login(client):
    round_ = subsidy_round()
    response = client.get(reverse("subsidies:ranking_export", args=[round_.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert SubsidyRound.objects.count() == 1


def test_amounts_are_typed_with_separators_and_read_in_wan_and_in_words(client):
    """Issue 15 item 10: “500,000” is accepted; pages show 40万元; the notice states the
    figure and the amount in words (大写)."""
    from django.template.loader import render_to_string

    from subsidies.forms.rounds import RoundForm
    from tests.factories import policy_v1

    form = RoundForm(
        {
            "year": "2027",
            "title": "千分位批次",
            "budget_yuan": "1,000,000",
            "evaluators_per_application": "3",
            "notice_working_days": "7",
        },
        version=policy_v1(),
    )
    form.is_valid()
    assert "budget_yuan" not in form.errors and form.cleaned_data["budget_yuan"] == 1_000_000

    staff = MunicipalStaffFactory()
    round_, _applications, _evaluators = round_with_awards(
        staff, title="万元批次", amounts=[400_000, 0, 150_000], publish=True
    )
    page = client.get(reverse("subsidies:results")).content.decode()
    assert "40万元" in page and "15万元" in page
    award = Award.objects.get(amount_yuan=400_000)
    notice = render_to_string(
        "pdf/award_notice.html",
        {"award": award, "alliance": award.application.alliance, "round": round_},
    )
    assert "人民币肆拾万元整（￥400,000.00）" in notice
