"""One way to hand out a file (core.downloads.attachment_response)."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory

from core.downloads import FileMissing, attachment_response, detect, safe_filename
from core.views import error_404
from filings.models import FilingMaterial

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "联盟名称"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.csv", "file,sha256\n")
    return out.getvalue()


def _stored(content: bytes) -> FieldFile:
    name = default_storage.save("downloads/test.bin", ContentFile(content))
    return FieldFile(None, FilingMaterial._meta.get_field("file"), name)


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (PDF, "application/pdf", ".pdf"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg", ".jpg"),
        (PNG, "image/png", ".png"),
        (_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
        (_zip(), "application/zip", ".zip"),
        (b"PK\x03\x04 not really a zip", "application/octet-stream", ".bin"),
        (b"<html><script>alert(1)</script>", "application/octet-stream", ".bin"),
    ],
)
def test_the_type_comes_from_the_bytes(content, content_type, extension):
    handle = io.BytesIO(content)
    assert detect(handle) == (content_type, extension)
    assert handle.tell() == 0  # left at the start for the response


@pytest.mark.parametrize(
    ("name", "extension", "offered"),
    [
        ("联盟章程.pdf", ".pdf", "联盟章程.pdf"),
        ("联盟章程.hta", ".pdf", "联盟章程.pdf"),
        ("联盟章程.PDF", ".pdf", "联盟章程.pdf"),
        ("scan.svg", ".png", "scan.png"),
        ("../../etc/passwd", ".pdf", "etc_passwd.pdf"),
        ("..\\..\\boot.ini", ".pdf", "boot.pdf"),
        ("2026/2027年度补贴评审排名.xlsx", ".xlsx", "2026_2027年度补贴评审排名.xlsx"),
        ("报告\r\nSet-Cookie: x=1.pdf", ".pdf", "报告_Set-Cookie_ x=1.pdf"),
        ("", ".xlsx", "file.xlsx"),
        ("...", ".pdf", "file.pdf"),
        ("成员名单", ".xlsx", "成员名单.xlsx"),
    ],
)
def test_the_offered_name_takes_the_detected_extension(name, extension, offered):
    assert safe_filename(name, extension) == offered


def test_a_stored_pdf_is_an_attachment_that_is_never_cached_or_sniffed(db):
    response = attachment_response(_stored(PDF), "联盟章程.hta")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".pdf" in disposition and ".hta" not in disposition
    assert b"".join(response.streaming_content) == PDF


def test_bytes_built_in_memory_are_served_the_same_way():
    response = attachment_response(_xlsx(), "评审排名.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]


def test_a_file_missing_from_storage_is_a_404_with_a_message(db):
    stored = _stored(PDF)
    default_storage.delete(stored.name)
    with pytest.raises(FileMissing) as missing:
        attachment_response(stored, "联盟章程.pdf")
    page = error_404(RequestFactory().get("/"), missing.value)
    assert page.status_code == 404
    assert "文件不存在或已被移除" in page.content.decode()


def test_an_empty_file_field_is_a_404():
    empty = FieldFile(None, FilingMaterial._meta.get_field("file"), "")
    with pytest.raises(FileMissing):
        attachment_response(empty, "x.pdf")


def test_other_404s_do_not_show_djangos_message():
    from django.http import Http404

    page = error_404(RequestFactory().get("/"), Http404("No Alliance matches the given query."))
    assert "No Alliance matches" not in page.content.decode()
