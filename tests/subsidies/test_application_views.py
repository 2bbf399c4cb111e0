"""A lead unit's subsidy application through HTTP (Art. 15): eligibility shown before
applying, the draft and self-evaluation, evidence, submission and withdrawal."""

import datetime

import pytest
from django.urls import reverse

from filings.models import Alliance
from subsidies import services
from subsidies.models import Application, Award, EvidenceFile
from tests.factories import (
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    RevokedCaseHelper,
    eligible_alliance,
    filed_alliance,
    pdf_upload,
    submitted_application,
    subsidy_round,
)
from tests.subsidies.test_round_views import evaluate, texts

pytestmark = pytest.mark.django_db


def draft_application(round_, alliance=None):
    alliance = alliance or eligible_alliance(round_.year)
    lead = alliance.lead_unit.users.get()
    return services.application_create(round_=round_, alliance=alliance, by=lead), lead


def edit_data(application, score="80", **overrides):
    data = {"summary": "联盟运行规范。", "funding_plan": "秘书处运行。"}
    for item in application.self_evaluations.all():
        data[f"score_{item.criterion_id}"] = score
        data[f"statement_{item.criterion_id}"] = "说明"
    return data | overrides


# --- Before applying ---------------------------------------------------------------------


def test_lead_unit_sees_why_each_alliance_cannot_apply_before_trying(client):
    round_ = subsidy_round()
    lead = LeadUnitUserFactory()
    good = eligible_alliance(lead_user=lead, name="甲联盟")
    no_summary = filed_alliance(lead_user=lead, name="乙联盟")
    under_case = eligible_alliance(lead_user=lead, name="丙联盟")
    RevokedCaseHelper.open_case(under_case)
    revoked = eligible_alliance(lead_user=lead, name="丁联盟")
    Alliance.objects.filter(pk=revoked.pk).update(status="revoked")
    client.force_login(lead)
    for url in (
        reverse("subsidies:round_list"),
        reverse("subsidies:round_detail", args=[round_.pk]),
    ):
        body = client.get(url).content.decode()
        assert reverse("subsidies:application_new", args=[round_.pk, good.pk]) in body
        for blocked in (no_summary, under_case, revoked):
            assert reverse("subsidies:application_new", args=[round_.pk, blocked.pk]) not in body
        assert "2026年度工作总结尚未被市科技局受理" in body
        assert "有正在办理的取消备案案件" in body
        assert "已被取消备案" in body


def test_lead_unit_does_not_see_rounds_in_preparation(client):
    draft = subsidy_round(state="draft", title="筹备中的批次")
    alliance = eligible_alliance()
    client.force_login(alliance.lead_unit.users.get())
    assert "筹备中的批次" not in client.get(reverse("subsidies:round_list")).content.decode()
    assert client.get(reverse("subsidies:round_detail", args=[draft.pk])).status_code == 404
    response = client.post(reverse("subsidies:application_new", args=[draft.pk, alliance.pk]))
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_application_after_the_window_closes_is_refused_and_nothing_is_created(client):
    round_ = subsidy_round(opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 1, 31))
    alliance = eligible_alliance()
    client.force_login(alliance.lead_unit.users.get())
    response = client.post(reverse("subsidies:application_new", args=[round_.pk, alliance.pk]))
    assert response.status_code == 302
    assert "本批次申请已于2026年1月31日截止，不能再申请或修改。" in texts(response)
    assert not Application.objects.exists()


def test_each_failed_condition_is_its_own_message(client):
    round_ = subsidy_round(opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 1, 31))
    alliance = filed_alliance()
    RevokedCaseHelper.open_case(alliance)
    client.force_login(alliance.lead_unit.users.get())
    response = client.post(reverse("subsidies:application_new", args=[round_.pk, alliance.pk]))
    shown = texts(response)
    assert len(shown) == 3
    assert any("截止" in m for m in shown)
    assert any("取消备案案件" in m for m in shown)
    assert any("工作总结" in m for m in shown)
    assert not Application.objects.exists()


def test_lead_unit_cannot_apply_for_another_units_alliance(client):
    round_ = subsidy_round()
    other = eligible_alliance()
    client.force_login(LeadUnitUserFactory())
    response = client.post(reverse("subsidies:application_new", args=[round_.pk, other.pk]))
    assert response.status_code == 404
    assert not Application.objects.exists()


# --- The draft ---------------------------------------------------------------------------


def test_self_evaluation_of_101_or_text_is_an_error_next_to_the_field(client):
    round_ = subsidy_round()
    application, lead = draft_application(round_)
    client.force_login(lead)
    first, second = list(application.self_evaluations.all())[:2]
    data = edit_data(application, summary="我们写了很长的概述。")
    data[f"score_{first.criterion_id}"] = "101"
    data[f"score_{second.criterion_id}"] = "八十"
    response = client.post(reverse("subsidies:application_edit", args=[application.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "自评分不能高于100分。" in body and "自评分须为0到100之间的整数。" in body
    assert 'value="101"' in body and 'value="八十"' in body and "我们写了很长的概述。" in body
    # The error sits in the row of the criterion it is about.
    row = body.split(f'name="score_{first.criterion_id}"')[1].split("</td>")[0]
    assert "自评分不能高于100分。" in row
    application.refresh_from_db()
    assert application.summary == ""
    assert not application.self_evaluations.filter(score__isnull=False).exists()


def test_draft_is_saved_and_submitted(client):
    round_ = subsidy_round()
    application, lead = draft_application(round_)
    client.force_login(lead)
    response = client.post(
        reverse("subsidies:application_edit", args=[application.pk]), edit_data(application, "75")
    )
    assert response.status_code == 302
    assert set(application.self_evaluations.values_list("score", flat=True)) == {75}
    response = client.post(
        reverse("subsidies:application_submit", args=[application.pk]), {"expected_state": "draft"}
    )
    application.refresh_from_db()
    assert application.state == "submitted"
    # Once submitted, the edit page sends the user back with a message.
    response = client.get(reverse("subsidies:application_edit", args=[application.pk]))
    assert response.status_code == 302 and "申请已提交或撤回，不能修改。" in texts(response)


def test_incomplete_draft_cannot_be_submitted(client):
    round_ = subsidy_round()
    application, lead = draft_application(round_)
    client.force_login(lead)
    response = client.post(
        reverse("subsidies:application_submit", args=[application.pk]), {"expected_state": "draft"}
    )
    assert any("请填写运行情况概述并完成全部指标的自评后再提交" in m for m in texts(response))
    assert Application.objects.get().state == "draft"


def test_stale_submit_and_withdraw(client):
    round_ = subsidy_round()
    application = submitted_application(round_)
    client.force_login(application.alliance.lead_unit.users.get())
    response = client.post(
        reverse("subsidies:application_submit", args=[application.pk]), {"expected_state": "draft"}
    )
    assert "该记录已被他人修改，请刷新页面后重试。" in texts(response)
    response = client.post(
        reverse("subsidies:application_withdraw", args=[application.pk]),
        {"expected_state": "submitted"},
    )
    assert Application.objects.get().state == "withdrawn"
    # One application per alliance and round: a withdrawn one is shown, not a new "apply".
    listing = client.get(reverse("subsidies:round_list")).content.decode()
    assert "已撤回" in listing
    assert (
        reverse("subsidies:application_new", args=[round_.pk, application.alliance_id])
        not in listing
    )


def test_withdraw_after_the_window_is_refused_with_the_reason(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    services.round_start_evaluation(round_=round_, by=staff)
    client.force_login(application.alliance.lead_unit.users.get())
    response = client.post(
        reverse("subsidies:application_withdraw", args=[application.pk]),
        {"expected_state": "submitted"},
    )
    assert response.status_code == 302 and texts(response)
    assert Application.objects.get().state == "submitted"


# --- Evidence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload("说明.pdf", b"MZ\x90\x00 not a pdf"), "不是PDF、JPEG或PNG文件"),
        (pdf_upload("空.pdf", b""), "所提交的是空文件。"),
        # Django strips directories from upload names; ".." inside a name is still refused.
        (pdf_upload("成效..pdf"), "文件名“成效..pdf”不合法"),
    ],
    ids=["type", "empty", "name"],
)
def test_bad_evidence_is_an_error_next_to_the_field_and_nothing_is_stored(client, upload, message):
    round_ = subsidy_round()
    application, lead = draft_application(round_)
    client.force_login(lead)
    response = client.post(
        reverse("subsidies:evidence_upload", args=[application.pk]), {"file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    field = body.split('name="file"')[1].split("</form>")[0]
    assert message in field  # next to the file field
    assert not EvidenceFile.objects.exists()


def test_evidence_download_is_scoped(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application, lead = draft_application(round_)
    client.force_login(lead)
    client.post(
        reverse("subsidies:evidence_upload", args=[application.pk]),
        {"file": pdf_upload("成效.pdf")},
    )
    evidence = EvidenceFile.objects.get()
    url = reverse("subsidies:evidence_download", args=[application.pk, evidence.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(staff)
    assert client.get(url).status_code == 404  # a draft is the lead unit's own work
    client.force_login(lead)
    client.post(
        reverse("subsidies:application_edit", args=[application.pk]), edit_data(application)
    )
    client.post(
        reverse("subsidies:application_submit", args=[application.pk]), {"expected_state": "draft"}
    )
    client.force_login(staff)
    assert client.get(url).status_code == 200
    declared, undeclared = EvaluatorFactory(), EvaluatorFactory()
    assignment = services.assign_evaluator(application=application, by=staff, evaluator=declared)
    services.assign_evaluator(application=application, by=staff, evaluator=undeclared)
    services.declare_no_conflict(assignment=assignment, by=declared)
    client.force_login(declared)
    assert client.get(url).status_code == 200
    client.force_login(undeclared)
    assert client.get(url).status_code == 404
    client.force_login(LeadUnitUserFactory())
    assert client.get(url).status_code == 404


# --- What the lead unit sees -------------------------------------------------------------


def test_lead_unit_never_sees_evaluators_or_scores(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    evaluators = evaluate(round_, staff, {application: [91, 73]})
    Award.objects.create(application=application, amount_yuan=234_000, decided_by=staff)
    client.force_login(application.alliance.lead_unit.users.get())
    for url in (
        reverse("subsidies:application_detail", args=[application.pk]),
        reverse("subsidies:round_detail", args=[round_.pk]),
        reverse("subsidies:application_list"),
    ):
        body = client.get(url).content.decode()
        for evaluator in evaluators:
            assert evaluator.get_full_name() not in body
        assert "82.00" not in body and "91.00" not in body and "73.00" not in body
        assert "234000" not in body  # not before the results are published
    # The staff's page shows both, so the check above is not vacuous.
    client.force_login(staff)
    body = client.get(
        reverse("subsidies:application_detail", args=[application.pk])
    ).content.decode()
    assert evaluators[0].get_full_name() in body and "234000" in body


def test_application_list_is_scoped_and_filtered(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    lead = LeadUnitUserFactory()
    mine = submitted_application(round_, eligible_alliance(lead_user=lead, name="甲创新联盟"))
    draft, _ = draft_application(round_, eligible_alliance(lead_user=lead, name="乙创新联盟"))
    theirs = submitted_application(round_, eligible_alliance(name="丙创新联盟"))
    client.force_login(lead)
    body = client.get(reverse("subsidies:application_list")).content.decode()
    assert "甲创新联盟" in body and "乙创新联盟" in body and "丙创新联盟" not in body
    assert client.get(reverse("subsidies:application_detail", args=[theirs.pk])).status_code == 404
    client.force_login(staff)
    body = client.get(reverse("subsidies:application_list")).content.decode()
    assert "甲创新联盟" in body and "丙创新联盟" in body and "乙创新联盟" not in body
    body = client.get(reverse("subsidies:application_list"), {"q": "丙"}).content.decode()
    assert f'data-application="{theirs.pk}"' in body and f'data-application="{mine.pk}"' not in body
    assert client.get(reverse("subsidies:application_detail", args=[draft.pk])).status_code == 404
