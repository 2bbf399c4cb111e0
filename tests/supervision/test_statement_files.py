"""Files attached to a 陈述申辩 (issue 15, item 12): the lead unit attaches them with its
statement, checked like every upload; staff, the county and the lead unit download them,
nobody else; the audit entry names each file with its SHA-256."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from supervision import services
from supervision.models import RevocationCase, StatementAttachment
from tests.factories import (
    PDF_BYTES,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
    image_bytes,
    jurisdiction,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

OTHER_COUNTY = "130607"
STATEMENT = "我单位已恢复开展活动，请求不予取消。"


@pytest.fixture
def world():
    lead_a = LeadUnitUserFactory()
    lead_b = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
    )
    staff = MunicipalStaffFactory()
    alliance = filed_alliance(lead_user=lead_a)
    filed_alliance(lead_user=lead_b)
    case = services.case_open(
        alliance=alliance, by=staff, grounds=["2"], facts="连续两年未按章程开展创新活动"
    )
    return {
        "case": case,
        "lead_a": lead_a,
        "lead_b": lead_b,
        "staff": staff,
        "county_a": CountyReviewerFactory(),
        "county_b": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
        "evaluator": EvaluatorFactory(),
        "anonymous": None,
    }


def _png(name="现场照片.png"):
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def _submit(client, world, files, statement=STATEMENT):
    client.force_login(world["lead_a"])
    return client.post(
        reverse("supervision:case_statement", args=[world["case"].pk]),
        {"statement": statement, "expected_state": "notified", "files": files},
    )


def test_the_lead_unit_attaches_several_files_audited_with_their_sha256(client, world):
    response = _submit(client, world, [pdf_upload("活动记录.pdf"), _png()])
    assert response.status_code == 302
    case = RevocationCase.objects.get()
    assert case.state == "statement_received" and case.statement == STATEMENT
    files = list(case.statement_files.order_by("pk"))
    assert [f.original_name for f in files] == ["活动记录.pdf", "现场照片.png"]
    assert files[0].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert {f.uploaded_by for f in files} == {world["lead_a"]}
    entry = AuditEntry.objects.for_object(case).get(action="submit_statement")
    assert entry.actor == world["lead_a"]
    assert STATEMENT in entry.reason
    for f in files:
        assert f"{f.original_name}（SHA-256：{f.sha256}）" in entry.reason


def test_a_statement_without_files_is_still_accepted(client, world):
    assert _submit(client, world, []).status_code == 302
    case = RevocationCase.objects.get()
    assert case.state == "statement_received" and not case.statement_files.exists()
    assert "附件" not in AuditEntry.objects.for_object(case).get(action="submit_statement").reason


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", 200),
        ("county_a", 200),
        ("lead_a", 200),
        ("county_b", 404),
        ("lead_b", 404),
        ("evaluator", 403),
        ("anonymous", 302),  # to the login page
    ],
)
def test_who_may_download_a_statement_file(client, world, who, expected):
    _submit(client, world, [pdf_upload("活动记录.pdf")])
    attachment = StatementAttachment.objects.get()
    client.logout()
    if world[who] is not None:
        client.force_login(world[who])
    url = reverse("supervision:case_statement_file", args=[world["case"].pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["X-Content-Type-Options"] == "nosniff"
    if who == "anonymous":
        assert reverse("accounts:login") in response["Location"]


def test_a_file_is_only_reachable_through_its_own_case(client, world):
    _submit(client, world, [pdf_upload()])
    attachment = StatementAttachment.objects.get()
    other = services.case_open(
        alliance=filed_alliance(), by=world["staff"], grounds=["2"], facts="未开展活动"
    )
    client.force_login(world["staff"])
    url = reverse("supervision:case_statement_file", args=[other.pk, attachment.pk])
    assert client.get(url).status_code == 404
    # nor as the case's evidence
    url = reverse("supervision:case_evidence", args=[world["case"].pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_staff_see_the_files_on_the_case_page(client, world):
    _submit(client, world, [pdf_upload("活动记录.pdf")])
    attachment = StatementAttachment.objects.get()
    client.force_login(world["staff"])
    body = client.get(reverse("supervision:case_detail", args=[world["case"].pk])).content
    body = body.decode()
    assert "活动记录.pdf" in body
    assert (
        reverse("supervision:case_statement_file", args=[world["case"].pk, attachment.pk]) in body
    )


def _refused(response, message):
    assert response.status_code == 200
    errors = " ".join(response.context["statement_form"].errors["files"])
    assert message in errors, errors
    assert STATEMENT in response.content.decode()  # the typed text is kept
    case = RevocationCase.objects.get()
    assert case.state == "notified" and case.statement == ""
    assert not StatementAttachment.objects.exists()
    assert not AuditEntry.objects.for_object(case).filter(action="submit_statement").exists()


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_the_text_kept(client, world):
    fake = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    _refused(_submit(client, world, [pdf_upload(), fake]), "不是PDF、JPEG或PNG文件")


def test_a_file_over_the_size_limit_is_refused_with_the_limit(client, world, settings):
    settings.UPLOAD_MAX_BYTES = 100
    _refused(_submit(client, world, [pdf_upload("大文件.pdf")]), "超过了100\xa0字节的上限")


def test_more_than_ten_files_are_refused(client, world):
    files = [pdf_upload(f"材料{i}.pdf") for i in range(11)]
    _refused(_submit(client, world, files), "一次最多上传10个附件，您选择了11个")


def test_another_unit_cannot_attach_files_to_the_statement(client, world):
    client.force_login(world["lead_b"])
    response = client.post(
        reverse("supervision:case_statement", args=[world["case"].pk]),
        {"statement": STATEMENT, "expected_state": "notified", "files": [pdf_upload()]},
    )
    assert response.status_code == 404
    assert not StatementAttachment.objects.exists()
