"""Annual work summaries (Art. 12(1)): pages, forms, uploads, e-mails, query counts."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from filings.models import Alliance
from supervision import services
from supervision.models import AnnualSummary, SummaryAttachment
from supervision.models.summaries import annual_summary_due_date
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
    jurisdiction,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


@pytest.fixture
def lead():
    return LeadUnitUserFactory()


@pytest.fixture
def staff():
    return MunicipalStaffFactory()


@pytest.fixture
def alliance(lead):
    return filed_alliance(lead_user=lead, filed_on=datetime.date(2024, 6, 1))


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def _stored_files():
    location = settings.STORAGES["default"]["OPTIONS"]["location"]
    return [name for _root, _dirs, files in os.walk(location) for name in files]


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _summary(alliance, year=LAST_YEAR, **fields):
    fields.setdefault("work_done", "开展联合攻关三项，举办技术交流会两次。")
    return AnnualSummary.objects.create(alliance=alliance, year=year, **fields)


FILLED = {
    "work_done": "完成关键零部件联合攻关",
    "joint_projects": "3",
    "patents_applied": "5",
    "patents_granted": "2",
    "standards": "1",
    "people_trained": "12",
    "member_investment_yuan": "1500000",
    "government_investment_yuan": "200000",
    "problems": "资金不足",
    "next_year_plan": "扩大京津合作",
}


# --- Creating a summary -------------------------------------------------------------------


def test_lead_unit_creates_a_summary_and_goes_to_the_form(client, lead, alliance):
    response = _as(client, lead).post(
        reverse("supervision:summary_new", args=[alliance.pk]), {"year": LAST_YEAR}
    )
    summary = AnnualSummary.objects.get(alliance=alliance, year=LAST_YEAR)
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:summary_edit", args=[summary.pk])
    assert summary.state == AnnualSummary.State.DRAFT


@pytest.mark.parametrize("year", [2023, THIS_YEAR + 1])
def test_summary_for_a_year_the_alliance_was_not_filed_is_refused(client, lead, alliance, year):
    response = _as(client, lead).post(
        reverse("supervision:summary_new", args=[alliance.pk]), {"year": year}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "只能填报备案当年（2024年）至今年" in text
    assert f"不能填报{year}年" in text
    assert not AnnualSummary.objects.exists()


@pytest.mark.parametrize("year", ["", "二〇二五", "2025.5"])
def test_summary_year_that_is_not_a_number_is_explained(client, lead, alliance, year):
    response = _as(client, lead).post(
        reverse("supervision:summary_new", args=[alliance.pk]), {"year": year}, follow=True
    )
    assert "请填写有效的年度" in response.content.decode()
    assert not AnnualSummary.objects.exists()


def test_second_summary_for_the_same_year_is_refused(client, lead, alliance):
    _summary(alliance)
    response = _as(client, lead).post(
        reverse("supervision:summary_new", args=[alliance.pk]), {"year": LAST_YEAR}, follow=True
    )
    assert f"{LAST_YEAR}年度工作总结已经创建" in response.content.decode()
    assert AnnualSummary.objects.count() == 1


def test_revoked_alliance_cannot_start_a_summary(client, lead, alliance):
    Alliance.objects.filter(pk=alliance.pk).update(status="revoked")
    response = _as(client, lead).post(
        reverse("supervision:summary_new", args=[alliance.pk]), {"year": LAST_YEAR}, follow=True
    )
    assert "备案状态为“已取消备案”，不能提交新的材料" in response.content.decode()
    assert not AnnualSummary.objects.exists()


# --- Editing -------------------------------------------------------------------------------


def test_lead_unit_saves_the_draft(client, lead, alliance):
    summary = _summary(alliance, work_done="")
    response = _as(client, lead).post(
        reverse("supervision:summary_edit", args=[summary.pk]), FILLED
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.patents_applied == 5
    assert summary.member_investment_yuan == 1_500_000
    assert summary.next_year_plan == "扩大京津合作"
    assert summary.state == AnnualSummary.State.DRAFT


def test_edit_page_shows_sections_due_date_and_overdue_badge(client, lead, alliance):
    summary = _summary(alliance, year=2024)  # due 2025-03-31: overdue now
    response = _as(client, lead).get(reverse("supervision:summary_edit", args=[summary.pk]))
    text = response.content.decode()
    for heading in ["年度主要工作", "主要成果（数字）", "存在的问题", "下一年度工作计划"]:
        assert heading in text
    assert "2025年3月31日" in text
    assert 'data-testid="overdue"' in text
    assert reverse("supervision:summary_attach", args=[summary.pk]) in text
    assert reverse("supervision:summary_submit", args=[summary.pk]) in text


def test_negative_count_and_non_numeric_investment_are_explained_and_nothing_is_lost(
    client, lead, alliance
):
    summary = _summary(alliance, work_done="")
    data = {**FILLED, "patents_granted": "-3", "member_investment_yuan": "一百万"}
    response = _as(client, lead).post(reverse("supervision:summary_edit", args=[summary.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["patents_granted"] == ["不能为负数，请填写0或正整数。"]
    assert errors["member_investment_yuan"][0].startswith("请填写整数")
    text = response.content.decode()
    assert "不能为负数，请填写0或正整数。" in text
    assert 'id="error_1_id_patents_granted"' in text  # rendered under the field (crispy)
    for value in [
        "完成关键零部件联合攻关",
        "一百万",
        'value="-3"',
        "资金不足",
        "扩大京津合作",
        'value="12"',
    ]:
        assert value in text
    summary.refresh_from_db()
    assert summary.work_done == ""
    assert summary.patents_granted == 0


def test_submitted_summary_cannot_be_edited(client, lead, alliance):
    summary = _summary(alliance, state="submitted")
    response = _as(client, lead).post(
        reverse("supervision:summary_edit", args=[summary.pk]), FILLED, follow=True
    )
    assert "不能修改" in response.content.decode()
    summary.refresh_from_db()
    assert summary.patents_applied == 0


# --- Submitting, accepting, returning -------------------------------------------------------


def test_submit_without_work_done_is_explained_on_the_form(client, lead, alliance):
    summary = _summary(alliance, work_done="  ")
    response = _as(client, lead).post(
        reverse("supervision:summary_submit", args=[summary.pk]), {"expected_state": "draft"}
    )
    assert response.status_code == 200
    assert "请填写年度主要工作后再提交。" in response.content.decode()
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.DRAFT


def test_submitting_notifies_the_liaison_officer(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    liaison = MunicipalStaffFactory(is_liaison_officer=True)
    MunicipalStaffFactory()  # not this alliance's liaison: no mail
    lead = LeadUnitUserFactory()
    summary = _summary(filed_alliance(lead_user=lead, liaison=liaison))
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, lead).post(
            reverse("supervision:summary_submit", args=[summary.pk]), {"expected_state": "draft"}
        )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.SUBMITTED
    assert [m.to for m in mailoutbox] == [[liaison.email]]
    assert "收到年度工作总结" in mailoutbox[0].subject
    assert f"{LAST_YEAR}年度工作总结" in mailoutbox[0].body


def test_submitting_without_a_liaison_notifies_municipal_staff(
    client, lead, alliance, django_capture_on_commit_callbacks, mailoutbox
):
    staff = [MunicipalStaffFactory(), MunicipalStaffFactory()]
    summary = _summary(alliance)
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, lead).post(
            reverse("supervision:summary_submit", args=[summary.pk]), {"expected_state": "draft"}
        )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in staff)


def test_returning_needs_a_reason_and_keeps_the_state(client, staff, alliance):
    summary = _summary(alliance, state="submitted")
    client = _as(client, staff)
    before = AuditEntry.objects.for_object(summary).count()
    response = client.post(
        reverse("supervision:summary_return", args=[summary.pk]),
        {"expected_state": "submitted", "reason": "   "},
    )
    assert response.status_code == 200
    assert "退回修改必须写明理由。" in response.content.decode()
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.SUBMITTED
    assert AuditEntry.objects.for_object(summary).count() == before


def test_returning_notifies_the_lead_unit_with_the_reason(
    client, lead, staff, alliance, django_capture_on_commit_callbacks, mailoutbox
):
    summary = _summary(alliance, state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, staff).post(
            reverse("supervision:summary_return", args=[summary.pk]),
            {"expected_state": "submitted", "reason": "请补充专利明细"},
        )
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.RETURNED
    assert [m.to for m in mailoutbox] == [[lead.email]]
    assert "请补充专利明细" in mailoutbox[0].body
    page = _as(client, lead).get(reverse("supervision:summary_edit", args=[summary.pk]))
    assert "请补充专利明细" in page.content.decode()


def test_returned_summary_is_resubmitted_and_keeps_its_first_submission_date(
    client, lead, staff, alliance
):
    summary = _summary(alliance)
    services.summary_submit(summary=summary, by=lead)
    first = AnnualSummary.objects.get(pk=summary.pk).submitted_at
    services.summary_return(summary=summary, by=staff, reason="补充")
    response = _as(client, lead).post(
        reverse("supervision:summary_submit", args=[summary.pk]), {"expected_state": "returned"}
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.SUBMITTED
    assert summary.submitted_at == first


def test_staff_accepts_and_the_timeline_shows_it(client, lead, staff, alliance):
    summary = _summary(alliance)
    services.summary_submit(summary=summary, by=lead)
    response = _as(client, staff).post(
        reverse("supervision:summary_accept", args=[summary.pk]),
        {"expected_state": "submitted"},
        follow=True,
    )
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.ACCEPTED
    text = response.content.decode()
    assert "已受理该年度工作总结" in text
    assert "提交年度工作总结" in text and "受理年度工作总结" in text  # the timeline


def test_stale_page_is_refused_with_a_reload_message(client, lead, staff, alliance):
    summary = _summary(alliance, state="submitted")
    services.summary_accept(summary=summary, by=staff)
    response = _as(client, staff).post(
        reverse("supervision:summary_return", args=[summary.pk]),
        {"expected_state": "submitted", "reason": "晚了一步"},
        follow=True,
    )
    assert "该记录已被他人修改，请刷新页面后重试。" in _messages(response)
    assert AnnualSummary.objects.get(pk=summary.pk).state == AnnualSummary.State.ACCEPTED


def test_detail_shows_numbers_and_actions_for_staff(client, staff, alliance):
    summary = _summary(
        alliance, state="submitted", patents_applied=17, government_investment_yuan=345678
    )
    text = (
        _as(client, staff)
        .get(reverse("supervision:summary_detail", args=[summary.pk]))
        .content.decode()
    )
    assert ">17<" in text and ">345678<" in text
    assert 'data-testid="accept-button"' in text
    assert 'data-testid="return-form"' in text
    assert 'data-testid="submit-button"' not in text


def test_detail_offers_the_lead_unit_no_acceptance(client, lead, alliance):
    summary = _summary(alliance)
    text = (
        _as(client, lead)
        .get(reverse("supervision:summary_detail", args=[summary.pk]))
        .content.decode()
    )
    assert 'data-testid="submit-button"' in text
    assert 'data-testid="accept-button"' not in text
    assert 'data-testid="return-form"' not in text


# --- Attachments -----------------------------------------------------------------------------


def test_attachment_is_uploaded_and_downloaded(client, lead, staff, alliance):
    summary = _summary(alliance)
    response = _as(client, lead).post(
        reverse("supervision:summary_attach", args=[summary.pk]),
        {"file": pdf_upload("成果清单.pdf")},
    )
    assert response.status_code == 302
    attachment = SummaryAttachment.objects.get(summary=summary)
    services.summary_submit(summary=summary, by=lead)
    download = _as(client, staff).get(
        reverse("supervision:summary_attachment", args=[summary.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_executable_renamed_pdf_is_rejected_next_to_the_file_field(client, lead, alliance):
    summary = _summary(alliance)
    upload = SimpleUploadedFile("成果清单.pdf", EXECUTABLE, content_type="application/pdf")
    response = _as(client, lead).post(
        reverse("supervision:summary_attach", args=[summary.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "不是PDF、JPEG或PNG文件" in str(response.context["upload_form"].errors["file"])
    assert "不是PDF、JPEG或PNG文件" in response.content.decode()
    assert not SummaryAttachment.objects.exists()
    assert _stored_files() == []


def test_attachment_of_another_summary_is_not_served_through_this_one(client, lead, alliance):
    mine = _summary(alliance)
    other_lead = LeadUnitUserFactory()
    other = _summary(filed_alliance(lead_user=other_lead))
    services.summary_attach(summary=other, by=other_lead, uploaded=pdf_upload())
    attachment = SummaryAttachment.objects.get()
    client = _as(client, lead)
    assert (
        client.get(
            reverse("supervision:summary_attachment", args=[mine.pk, attachment.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("supervision:summary_attachment", args=[other.pk, attachment.pk])
        ).status_code
        == 404
    )


def test_download_by_county_of_another_jurisdiction_is_404(client, lead, alliance):
    summary = _summary(alliance)
    services.summary_attach(summary=summary, by=lead, uploaded=pdf_upload())
    services.summary_submit(summary=summary, by=lead)
    attachment = SummaryAttachment.objects.get()
    url = reverse("supervision:summary_attachment", args=[summary.pk, attachment.pk])
    assert (
        _as(client, CountyReviewerFactory(jurisdiction=jurisdiction("130607"))).get(url).status_code
        == 404
    )
    assert _as(client, CountyReviewerFactory()).get(url).status_code == 200


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_overdue_and_late_badges_and_filters(client, staff):
    overdue = _summary(filed_alliance(), year=2024, state="returned")
    late = _summary(
        filed_alliance(),
        year=2024,
        state="submitted",
        submitted_at=datetime.datetime(2025, 4, 20, 10, tzinfo=datetime.UTC),
    )
    on_time = _summary(
        filed_alliance(), year=THIS_YEAR, state="submitted", submitted_at=timezone.now()
    )
    client = _as(client, staff)
    page = client.get(reverse("supervision:summary_list"))
    rows = {s.pk: s for s in page.context["page_obj"]}
    assert set(rows) == {overdue.pk, late.pk, on_time.pk}
    text = page.content.decode()
    assert text.count('data-testid="overdue"') == 1
    assert text.count('data-testid="late"') == 1
    assert "逾期提交" in text

    only_overdue = client.get(reverse("supervision:summary_list"), {"overdue": "yes"})
    assert [s.pk for s in only_overdue.context["page_obj"]] == [overdue.pk]
    not_overdue = client.get(reverse("supervision:summary_list"), {"overdue": "no"})
    assert {s.pk for s in not_overdue.context["page_obj"]} == {late.pk, on_time.pk}
    by_year = client.get(reverse("supervision:summary_list"), {"year": THIS_YEAR})
    assert [s.pk for s in by_year.context["page_obj"]] == [on_time.pk]
    by_name = client.get(reverse("supervision:summary_list"), {"q": late.alliance.name[-3:]})
    assert late.pk in {s.pk for s in by_name.context["page_obj"]}
    by_state = client.get(reverse("supervision:summary_list"), {"state": "returned"})
    assert [s.pk for s in by_state.context["page_obj"]] == [overdue.pk]


def test_lead_unit_sees_the_years_it_still_owes_with_a_button(client, lead, alliance):
    _summary(alliance, year=2025)
    response = _as(client, lead).get(reverse("supervision:summary_list"))
    missing = [
        (row["alliance"].pk, row["year"], row["overdue"]) for row in response.context["missing"]
    ]
    expected = [
        (alliance.pk, y, timezone.localdate() > annual_summary_due_date(y))
        for y in range(THIS_YEAR, 2023, -1)
        if y != 2025
    ]
    assert missing == expected
    text = response.content.decode()
    assert reverse("supervision:summary_new", args=[alliance.pk]) in text
    assert "填报" in text


def test_drafts_are_the_lead_units_own(client, alliance, staff):
    _summary(alliance)
    assert (
        list(_as(client, staff).get(reverse("supervision:summary_list")).context["page_obj"]) == []
    )


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision:summary_list"))
    assert response.status_code == 200
    return len(queries)


def _alliances_with_summaries(lead, n):
    for i in range(n):
        state = ["submitted", "accepted", "returned"][i % 3]
        _summary(filed_alliance(lead_user=lead), state=state, submitted_at=timezone.now())


@pytest.mark.parametrize("role", ["lead", "staff"])
def test_list_queries_do_not_grow_with_rows(client, role):
    lead = LeadUnitUserFactory()
    viewer = lead if role == "lead" else MunicipalStaffFactory()
    client = _as(client, viewer)
    _alliances_with_summaries(lead, 5)
    few = _list_queries(client)
    _alliances_with_summaries(lead, 25)
    assert AnnualSummary.objects.count() == 30
    assert _list_queries(client) == few
