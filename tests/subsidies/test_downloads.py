"""Every subsidy download (evidence, award notice, ranking workbook) goes through
``core.downloads.attachment_response``: an attachment that no cache keeps, never sniffed,
its name ending in the type of its bytes, and a 404 that says so when the file is gone."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.downloads import XLSX
from subsidies import services
from subsidies.models import Award, EvidenceFile
from tests.factories import (
    PDF_BYTES,
    MunicipalStaffFactory,
    eligible_alliance,
    pdf_upload,
    submitted_application,
    subsidy_round,
)
from tests.subsidies.test_round_views import evaluate

pytestmark = pytest.mark.django_db
MISSING = "文件不存在或已被移除"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_private_attachment(response, content_type, name):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(name)}" in disposition


@pytest.fixture
def draft_with_evidence():
    round_ = subsidy_round()
    alliance = eligible_alliance(round_.year)
    lead = alliance.lead_unit.users.get()
    application = services.application_create(round_=round_, alliance=alliance, by=lead)
    evidence = services.application_attach(
        application=application, by=lead, uploaded=pdf_upload("成效.pdf")
    )
    return lead, application, evidence


def evidence_url(application, evidence):
    return reverse("subsidies:evidence_download", args=[application.pk, evidence.pk])


def test_evidence_is_a_private_attachment_named_by_its_type(client, draft_with_evidence):
    lead, application, evidence = draft_with_evidence
    # A name that claims another type: the bytes decide the extension.
    EvidenceFile.objects.filter(pk=evidence.pk).update(original_name="成效.html")
    client.force_login(lead)
    response = client.get(evidence_url(application, evidence))
    assert_private_attachment(response, "application/pdf", "成效.pdf")
    assert body(response) == PDF_BYTES


def test_evidence_missing_from_storage_is_a_404_that_says_so(client, draft_with_evidence):
    lead, application, evidence = draft_with_evidence
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(lead)
    response = client.get(evidence_url(application, evidence))
    assert response.status_code == 404
    assert MISSING in response.content.decode()


@pytest.fixture
def notice():
    """A round in its notice period with one award whose notice PDF is stored."""
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    services.round_start_evaluation(round_=round_, by=staff)
    award = services.award_set(application=application, by=staff, amount_yuan=200_000)
    services.round_publish(round_=round_, by=staff)
    award.notice_number = "保科联补〔2027〕001号"
    award.notice_file.save("notice.pdf", ContentFile(PDF_BYTES))
    return staff, application, award


@pytest.mark.parametrize("who", ["staff", "lead"])
def test_award_notice_is_a_private_pdf_attachment(client, notice, who):
    staff, application, award = notice
    client.force_login(staff if who == "staff" else application.alliance.lead_unit.users.get())
    response = client.get(reverse("subsidies:award_notice", args=[award.pk]))
    assert_private_attachment(response, "application/pdf", "补贴通知书-保科联补〔2027〕001号.pdf")
    assert body(response) == PDF_BYTES


def test_award_notice_missing_from_storage_is_a_404_that_says_so(client, notice):
    staff, _application, award = notice
    award.notice_file.storage.delete(award.notice_file.name)
    client.force_login(staff)
    response = client.get(reverse("subsidies:award_notice", args=[award.pk]))
    assert response.status_code == 404
    assert MISSING in response.content.decode()


def test_award_notice_not_issued_yet_is_a_404_that_says_so(client, notice):
    staff, _application, award = notice
    Award.objects.filter(pk=award.pk).update(notice_file="")
    client.force_login(staff)
    response = client.get(reverse("subsidies:award_notice", args=[award.pk]))
    assert response.status_code == 404
    assert MISSING in response.content.decode()


def test_ranking_export_is_a_private_xlsx_attachment(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, title="导出批次")
    evaluate(round_, staff, {submitted_application(round_): [80]})
    client.force_login(staff)
    response = client.get(reverse("subsidies:ranking_export", args=[round_.pk]))
    assert_private_attachment(response, XLSX, "导出批次-评审排名.xlsx")
    assert body(response).startswith(b"PK\x03\x04")
