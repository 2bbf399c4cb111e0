"""One issuance pipeline for every document the portal issues (issue 18): each kind gets a
register row with an unguessable code, the SHA-256 of the stored (signed) file, the facts
as printed, and a QR code that, read back from the rendered page, is the verification URL."""

import hashlib
import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from core import signing
from core.verification import ALPHABET, LENGTH, grouped, verification_url
from filings import services as filing_services
from filings.models import Filing, FilingDocument, IssuedDocument
from subsidies.models import Award
from supervision.models import RevocationCase
from tests.conftest import require
from tests.factories import CountyReviewerFactory, filing_in_state
from tests.issued import K, one_of_each
from tests.pdf_text import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]


@pytest.fixture
def issued():
    return one_of_each()


def _bytes(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def _issuing_file(document: IssuedDocument):
    """The issuing record's own file field for the document (what users download)."""
    if document.kind in (K.RECOMMENDATION_LETTER, K.FILING_NOTICE):
        return FilingDocument.objects.get(reference_number=document.number).file
    if document.kind == K.REVOCATION_NOTICE:
        return RevocationCase.objects.get(notice_number=document.number).notice_file
    if document.kind in (K.REVOCATION_DECISION, K.DISMISSAL_DECISION):
        return RevocationCase.objects.get(decision_number=document.number).decision_file
    return Award.objects.get(notice_number=document.number).notice_file


def test_every_kind_is_registered_with_code_hash_and_facts_as_printed(issued):
    assert set(issued) == set(K.values)
    codes = set()
    for kind, document in issued.items():
        data = _bytes(document.file)
        assert len(document.code) == LENGTH and set(document.code) <= set(ALPHABET), kind
        assert document.code != str(document.pk)
        codes.add(document.code)
        assert document.sha256 == hashlib.sha256(data).hexdigest(), kind
        # One file: what the issuing record hands out is the registered file.
        assert _issuing_file(document).name == document.file.name, kind
        text = pdf_text(data)
        for fact in (document.number, document.issuer, document.alliance_name):
            assert "".join(fact.split()) in text, (kind, fact)
        assert document.lead_unit_name in text or kind == K.RECOMMENDATION_LETTER, kind
        assert grouped(document.code) in text, kind
        # The registered bytes are the signed ones: the signature validates (issue 18).
        validation = signing.validate_pdf(data)
        assert validation.ok and validation.intact, (kind, validation.problems)
        assert f"扫码或访问{settings.PORTAL_BASE_URL}/verify/输入核验码核验" in text, kind
    assert len(codes) == len(issued)
    letter = issued[K.RECOMMENDATION_LETTER]
    filing = Filing.objects.get(alliance=letter.alliance)
    assert letter.issuer == filing.jurisdiction.bureau_name
    assert letter.signer == filing.jurisdiction.code
    assert {d.signer for k, d in issued.items() if k != K.RECOMMENDATION_LETTER} == {"municipal"}
    assert {d.issuer for k, d in issued.items() if k != K.RECOMMENDATION_LETTER} == {
        settings.PORTAL_BUREAU_NAME
    }


def _qr_on_last_page(pdf: bytes, tmp_path) -> list[str]:
    """Render the last page as an image (poppler) and decode every QR code on it (zbar)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    last = len(PdfReader(str(path)).pages)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", "-f", str(last), "-l", str(last), "-singlefile",
         str(path), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.stdout.splitlines()


def test_the_qr_code_read_back_from_each_page_is_the_verification_url(issued, tmp_path):
    require(bool(shutil.which("pdftoppm")), "pdftoppm is not installed (poppler-utils)")
    require(bool(shutil.which("zbarimg")), "zbarimg is not installed (zbar-tools)")
    for kind, document in issued.items():
        found = _qr_on_last_page(_bytes(document.file), tmp_path)
        assert found == [verification_url(document.code)], kind
        assert found[0] == f"{settings.PORTAL_BASE_URL}/verify/{document.code}/"


def test_the_pdf_is_signed_after_rendering_and_hashed_after_signing(monkeypatch):
    """The register's hash is that of the final bytes: whatever the signer returns."""
    bodies = []

    def sign(data, *, body="municipal"):
        bodies.append(body)
        return data + b"%signed\n"

    monkeypatch.setattr(signing, "sign_pdf", sign)
    filing = filing_in_state("filed")
    letter, notice = IssuedDocument.objects.filter(alliance=filing.alliance).order_by("pk")
    assert bodies == [filing.jurisdiction.code, "municipal"]
    for document in (letter, notice):
        data = _bytes(document.file)
        assert data.endswith(b"%signed\n")
        assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_a_failed_signature_issues_nothing_and_changes_nothing(monkeypatch):
    filing = filing_in_state("county_review")

    def broken(data, *, body="municipal"):
        raise RuntimeError("signer down")

    monkeypatch.setattr(signing, "sign_pdf", broken)
    with pytest.raises(RuntimeError):
        filing_services.filing_recommend(
            filing=filing,
            by=CountyReviewerFactory(jurisdiction=filing.jurisdiction),
            opinion="同意推荐",
        )
    assert not IssuedDocument.objects.exists()
    assert Filing.objects.get(pk=filing.pk).state == Filing.State.COUNTY_REVIEW


def test_the_register_is_append_only():
    filing_in_state("filed")
    document = IssuedDocument.objects.first()
    document.number = "改过的文号"
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(ValueError):
        document.delete()
    if connection.vendor == "postgresql":  # the table refuses it too (migration trigger)
        for change in (
            lambda: IssuedDocument.objects.filter(pk=document.pk).update(number="改过的文号"),
            lambda: IssuedDocument.objects.filter(pk=document.pk).delete(),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                change()
    assert IssuedDocument.objects.get(pk=document.pk).number != "改过的文号"


@pytest.mark.django_db(transaction=True)
def test_issuing_outside_a_transaction_is_refused():
    from filings.issuance import issue_document

    with pytest.raises(RuntimeError):
        issue_document(
            kind=K.FILING_NOTICE, number="x", issued_on=None, alliance=None,
            render=lambda v: b"", issuer="x",
        )  # fmt: skip


def test_the_verification_page_works_for_every_kind(client, issued):
    """Each kind's page states its kind and number, its file uploaded back is 一致 and a
    copy with one byte changed is 不一致."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for kind, document in issued.items():
        url = f"/verify/{document.code}/"
        page = client.get(url).content.decode()  # 18 lookups: within the 30 a minute
        assert document.get_kind_display() in page and document.number in page, kind
        data = _bytes(document.file)
        same = client.post(url, {"file": SimpleUploadedFile("a.pdf", data)}).content.decode()
        assert "与本平台签发的文件一致" in same, kind
        changed = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
        other = client.post(url, {"file": SimpleUploadedFile("a.pdf", changed)})
        assert "与本平台签发的文件不一致" in other.content.decode(), kind
