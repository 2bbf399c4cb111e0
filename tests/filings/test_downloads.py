"""Materials and issued PDFs are served only to those who may see the filing (Art. 10)."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from filings.models import Filing, FilingDocument
from tests.factories import (
    PDF_BYTES,
    AdminFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
S = Filing.State


@pytest.fixture
def filed(cjk_font):
    """A filed filing (real PDFs) and the people around it."""
    return filing_in_state(S.FILED)


def material_url(filing, material):
    return reverse("filings:material_download", args=[filing.pk, material.pk])


def document_url(filing, document):
    return reverse("filings:document_download", args=[filing.pk, document.pk])


def own_county(filing):
    return CountyReviewerFactory(jurisdiction=filing.jurisdiction)


ALLOWED = {
    "lead": lambda f: f.created_by,
    "county": own_county,
    "staff": lambda f: MunicipalStaffFactory(),
}
REFUSED = {
    # The system administrator reads no business record (三员分立).
    "admin": lambda f: AdminFactory(),
    "other_lead": lambda f: LeadUnitUserFactory(),
    "other_county": lambda f: CountyReviewerFactory(jurisdiction=jurisdiction("130683")),
    "evaluator": lambda f: EvaluatorFactory(),
}


@pytest.mark.parametrize("who", ALLOWED)
def test_those_who_see_the_filing_download_materials_and_pdfs(client, filed, who):
    client.force_login(ALLOWED[who](filed))
    material = filed.materials.first()
    response = client.get(material_url(filed, material))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")

    for document in filed.documents.all():
        response = client.get(document_url(filed, document))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        # Chinese file names, RFC 5987-encoded: 推荐公函-<文号>.pdf / 备案通知书-<编号>.pdf
        label = FilingDocument.Kind(document.kind).label
        expected = quote(f"{label}-{document.reference_number}.pdf")
        assert f"filename*=utf-8''{expected}" in disposition


@pytest.mark.parametrize("who", REFUSED)
def test_others_get_404_for_materials_and_pdfs(client, filed, who):
    client.force_login(REFUSED[who](filed))
    assert client.get(material_url(filed, filed.materials.first())).status_code == 404
    for document in filed.documents.all():
        assert client.get(document_url(filed, document)).status_code == 404


def test_anonymous_is_sent_to_login(client, filed):
    response = client.get(material_url(filed, filed.materials.first()))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    response = client.get(document_url(filed, filed.documents.first()))
    assert response.status_code == 302


def test_county_reviewer_cannot_download_a_draft_material(client):
    draft = filing_in_state(S.DRAFT)
    client.force_login(own_county(draft))  # the lead unit's own county: still not yet
    assert client.get(material_url(draft, draft.materials.first())).status_code == 404
    client.force_login(draft.created_by)
    assert client.get(material_url(draft, draft.materials.first())).status_code == 200


def test_county_reviewer_downloads_once_submitted(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(own_county(filing))
    assert client.get(material_url(filing, filing.materials.first())).status_code == 200


def test_material_of_another_filing_under_this_filings_url_is_404(client):
    mine = filing_in_state(S.COUNTY_REVIEW)
    other = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(MunicipalStaffFactory())  # may see both filings
    assert client.get(material_url(mine, other.materials.first())).status_code == 404
    assert client.get(material_url(other, other.materials.first())).status_code == 200


def test_document_of_another_filing_under_this_filings_url_is_404(client, filed):
    other = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(MunicipalStaffFactory())
    assert client.get(document_url(other, filed.documents.first())).status_code == 404


def test_a_missing_file_is_404_not_500(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    material = filing.materials.first()
    material.file.storage.delete(material.file.name)
    client.force_login(filing.created_by)
    assert client.get(material_url(filing, material)).status_code == 404


def test_download_is_get_only(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(filing.created_by)
    assert client.post(material_url(filing, filing.materials.first())).status_code == 405


def test_a_material_missing_from_storage_says_so_in_chinese(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    material = filing.materials.first()
    material.file.storage.delete(material.file.name)
    client.force_login(filing.created_by)
    response = client.get(material_url(filing, material))
    assert response.status_code == 404
    assert "文件不存在或已被移除" in response.content.decode()


def test_an_issued_pdf_missing_from_storage_is_404_with_the_message(client, filed):
    document = filed.documents.first()
    document.file.storage.delete(document.file.name)
    client.force_login(MunicipalStaffFactory())
    response = client.get(document_url(filed, document))
    assert response.status_code == 404
    assert "文件不存在或已被移除" in response.content.decode()


def every_download(filing):
    yield material_url(filing, filing.materials.first())
    for document in filing.documents.all():
        yield document_url(filing, document)
    yield reverse("filings:application_form_pdf", args=[filing.pk])


def test_every_filings_download_is_a_private_attachment_named_by_its_type(client, filed):
    client.force_login(filed.created_by)
    urls = list(every_download(filed))
    assert len(urls) == 4  # a material, the two issued PDFs, the generated 申请书
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Content-Type"] == "application/pdf", url
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;"), url
        assert disposition.endswith(".pdf") or disposition.endswith('.pdf"'), disposition


def test_an_upload_named_like_a_program_is_offered_under_its_detected_type(client):
    filing = filing_in_state(S.DRAFT)
    lead = filing.created_by
    client.force_login(lead)
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {"material-kind": "charter", "material-file": SimpleUploadedFile("章程.hta", PDF_BYTES)},
    )
    assert response.status_code == 302
    material = filing.materials.get(original_name="章程.hta")

    response = client.get(material_url(filing, material))

    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert f"filename*=utf-8''{quote('章程.pdf')}" in disposition
    assert ".hta" not in disposition
