"""Every supervision download goes through core.downloads.attachment_response: a file
missing from storage is a 404 that says so (not a 500), and every answer is a private,
uncached attachment whose name ends in the extension of what it really contains."""

import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from supervision import services
from supervision.models import AnnualSummary, EventReport
from tests.factories import (
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
    image_bytes,
)

pytestmark = pytest.mark.django_db

MISSING = "文件不存在或已被移除"
PNG = image_bytes("PNG")
TZ = datetime.timezone(datetime.timedelta(hours=8))


def png_upload(name):
    # A PNG under a name that says PDF: the download must say what it really is.
    return SimpleUploadedFile(name, PNG, content_type="application/pdf")


@pytest.fixture
def world():
    lead = LeadUnitUserFactory()
    staff = MunicipalStaffFactory()
    return {"lead": lead, "staff": staff, "alliance": filed_alliance(lead_user=lead)}


def _summary_attachment(w):
    summary = AnnualSummary.objects.create(alliance=w["alliance"], year=2025, work_done="工作")
    attachment = services.summary_attach(
        summary=summary, by=w["lead"], uploaded=png_upload("成果照片.pdf")
    )
    services.summary_submit(summary=summary, by=w["lead"])
    url = reverse("supervision:summary_attachment", args=[summary.pk, attachment.pk])
    return url, attachment.file, "成果照片.png", "image/png"


def _event_attachment(w):
    report = EventReport.objects.create(
        alliance=w["alliance"],
        created_by=w["lead"],
        kind="seminar",
        title="交流会",
        event_date=timezone.localdate(),
        description="说明",
    )
    attachment = services.event_attach(
        report=report, by=w["lead"], uploaded=png_upload("会场照片.pdf")
    )
    services.event_submit(report=report, by=w["lead"])
    url = reverse("supervision:event_attachment", args=[report.pk, attachment.pk])
    return url, attachment.file, "会场照片.png", "image/png"


def _case(w):
    return services.case_open(
        alliance=w["alliance"],
        by=w["staff"],
        grounds=["2"],
        facts="未按章程开展活动",
        evidence=[png_upload("现场照片.pdf")],
    )


def _case_notice(w):
    case = _case(w)
    url = reverse("supervision:case_notice", args=[case.pk])
    return url, case.notice_file, f"告知书-{case.notice_number}.pdf", "application/pdf"


def _case_evidence(w):
    case = _case(w)
    evidence = case.evidence.get()
    url = reverse("supervision:case_evidence", args=[case.pk, evidence.pk])
    return url, evidence.file, "现场照片.png", "image/png"


def _case_statement_file(w):
    case = services.case_submit_statement(
        case=_case(w), by=w["lead"], statement="申辩意见", files=[png_upload("申辩材料.pdf")]
    )
    attachment = case.statement_files.get()
    url = reverse("supervision:case_statement_file", args=[case.pk, attachment.pk])
    return url, attachment.file, "申辩材料.png", "image/png"


def _case_decision(w):
    case = _case(w)
    day = case.statement_deadline + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ)):
        case = services.case_decide(case=case, by=w["staff"], decision="revoke", reasons="属实")
    url = reverse("supervision:case_decision", args=[case.pk])
    return url, case.decision_file, f"决定书-{case.decision_number}.pdf", "application/pdf"


def _symposium_minutes(w):
    symposium = services.symposium_schedule(
        by=w["staff"],
        title="联盟座谈会",
        starts_at=timezone.now(),
        location="市科技局",
        alliances=[w["alliance"]],
    )
    symposium = services.symposium_record_minutes(
        symposium=symposium, by=w["staff"], summary="交流经验", uploaded=png_upload("纪要.pdf")
    )
    url = reverse("supervision:symposium_minutes_file", args=[symposium.pk])
    return url, symposium.minutes_file, "会议纪要-纪要.png", "image/png"


STORED = {
    "summary_attachment": _summary_attachment,
    "event_attachment": _event_attachment,
    "case_notice": _case_notice,
    "case_decision": _case_decision,
    "case_evidence": _case_evidence,
    "case_statement_file": _case_statement_file,
    "symposium_minutes": _symposium_minutes,
}


def _assert_private_attachment(response, filename, content_type):
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert disposition.endswith(quote(filename)), disposition


@pytest.mark.parametrize("download", STORED)
def test_download_is_a_private_attachment_named_by_its_content(client, world, download):
    url, _file, filename, content_type = STORED[download](world)
    client.force_login(world["staff"])
    response = client.get(url)
    _assert_private_attachment(response, filename, content_type)
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize("download", STORED)
def test_file_missing_from_storage_is_a_404_that_says_so(client, world, download):
    url, stored, _filename, _content_type = STORED[download](world)
    stored.storage.delete(stored.name)
    client.force_login(world["staff"])
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 404
    assert MISSING in response.content.decode()


def test_minutes_of_a_symposium_without_minutes_are_a_404(client, world):
    symposium = services.symposium_schedule(
        by=world["staff"], title="座谈会", starts_at=timezone.now(), location="市科技局"
    )
    client.force_login(world["staff"])
    response = client.get(reverse("supervision:symposium_minutes_file", args=[symposium.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url", "extension", "content_type"),
    [
        (
            "/supervision/recommendations/export.xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("/supervision/recommendations/export.pdf", ".pdf", "application/pdf"),
    ],
)
def test_recommendation_exports_are_private_attachments(
    client, world, url, extension, content_type, cjk_font
):
    services.recommendation_create(
        alliance=world["alliance"],
        by=world["staff"],
        kind="provincial_filing",
        note="运行规范",
        recommended_on=datetime.date(2026, 1, 5),
    )
    client.force_login(world["staff"])
    response = client.get(url)
    today = timezone.localdate()
    filename = f"保定市推荐省级产业技术创新联盟名单_{today:%Y%m%d}{extension}"
    _assert_private_attachment(response, filename, content_type)


def test_an_evidence_file_is_served_only_through_its_own_case(client, world):
    url, _file, _filename, _content_type = _case_evidence(world)
    client.force_login(LeadUnitUserFactory())
    assert client.get(url).status_code == 404
    client.force_login(world["lead"])
    assert client.get(url).status_code == 200
