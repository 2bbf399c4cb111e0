"""Art. 10 materials: PDF, JPEG or PNG by content, a size limit, generated private names."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.uploads import check_upload
from filings import services
from filings.models import FilingMaterial
from tests.factories import PDF_BYTES, LeadUnitUserFactory, image_bytes, pdf_upload

pytestmark = pytest.mark.django_db

JPEG_BYTES = image_bytes("JPEG")
PNG_BYTES = image_bytes("PNG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + bytes(200)
BAD_TYPE = "不是PDF、JPEG或PNG文件（按文件内容识别，与扩展名无关）"


@pytest.fixture
def storage_dir(tmp_path) -> Path:
    # conftest's _private_media points the default storage here.
    return tmp_path / "private"


@pytest.fixture
def lead(client):
    user = LeadUnitUserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def filing(lead):
    return services.alliance_create(by=lead, name="保定上传测试联盟")


def stored_files(storage_dir: Path) -> list[Path]:
    return [p for p in storage_dir.rglob("*") if p.is_file()] if storage_dir.exists() else []


def upload(client, filing, name, content, kind="charter"):
    return client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {"material-kind": kind, "material-file": SimpleUploadedFile(name, content)},
    )


# --- Through the view ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("联盟章程.pdf", PDF_BYTES, "application/pdf", ".pdf"),
        ("营业执照.jpeg", JPEG_BYTES, "image/jpeg", ".jpg"),
        ("营业执照扫描.PNG", PNG_BYTES, "image/png", ".png"),
    ],
)
def test_pdf_jpeg_png_are_stored_under_a_generated_name(
    client, filing, storage_dir, name, content, content_type, extension
):
    response = upload(client, filing, name, content, kind="licence")
    assert response.status_code == 302
    assert response["Location"] == reverse("filings:edit", args=[filing.pk])
    material = FilingMaterial.objects.get(filing=filing)
    assert material.kind == "licence"
    assert material.original_name == name
    assert material.content_type == content_type
    assert material.size == len(content)
    stored = material.file.name
    assert stored.startswith(f"filings/{filing.pk}/")
    assert stored.endswith(extension)
    assert Path(name).stem not in stored
    files = stored_files(storage_dir)
    assert files == [storage_dir / stored]
    assert files[0].read_bytes() == content


def test_upload_is_listed_with_a_download_link_on_the_edit_page(client, filing):
    upload(client, filing, "联盟章程.pdf", PDF_BYTES)
    material = FilingMaterial.objects.get(filing=filing)
    html = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert "联盟章程.pdf" in html
    assert reverse("filings:material_download", args=[filing.pk, material.pk]) in html


@pytest.mark.parametrize("content", [EXE_BYTES, ELF_BYTES, b"just text, not a scan"])
def test_other_content_renamed_pdf_is_rejected_and_nothing_stored(
    client, filing, storage_dir, content
):
    response = upload(client, filing, "章程.pdf", content)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"文件“章程.pdf”{BAD_TYPE}" in html
    assert 'data-kind="charter"' in html
    assert not FilingMaterial.objects.exists()
    assert stored_files(storage_dir) == []


def test_file_over_the_size_limit_is_rejected(client, filing, storage_dir, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big_pdf = PDF_BYTES + b"0" * (2048 - len(PDF_BYTES))
    response = upload(client, filing, "大文件.pdf", big_pdf)
    assert response.status_code == 200
    assert "文件“大文件.pdf”大小为2.0\xa0KB，超过了1.0\xa0KB的上限" in response.content.decode()
    assert not FilingMaterial.objects.exists()
    assert stored_files(storage_dir) == []


def test_empty_file_is_rejected(client, filing, storage_dir):
    response = upload(client, filing, "空.pdf", b"")
    assert response.status_code == 200
    assert "文件“空.pdf”是空文件，请重新选择。" in response.content.decode()
    assert not FilingMaterial.objects.exists()
    assert stored_files(storage_dir) == []


def test_dotted_file_name_is_rejected(client, filing, storage_dir):
    response = upload(client, filing, "..passwd.pdf", PDF_BYTES)
    assert response.status_code == 200
    assert "文件名“..passwd.pdf”不合法" in response.content.decode()
    assert not FilingMaterial.objects.exists()
    assert stored_files(storage_dir) == []


def test_path_in_a_raw_multipart_file_name_never_reaches_the_file_system(
    client, filing, storage_dir, tmp_path
):
    # The test client strips paths from names, so build the request body by hand.
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="material-kind"\r\n\r\n'
            "charter\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="material-file"; '
            'filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    # Django's multipart parser drops the path before the view sees it (check_upload
    # would refuse it otherwise: see test_check_upload_rejects_with_chinese_message).
    assert response.status_code == 302
    material = FilingMaterial.objects.get()
    assert material.original_name == "passwd.pdf"
    assert not (tmp_path / "etc").exists()
    files = stored_files(storage_dir)
    assert files == [storage_dir / material.file.name]
    assert files[0].parent == storage_dir / "filings" / str(filing.pk)
    assert "passwd" not in files[0].name


def test_missing_file_is_a_form_error(client, filing):
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]), {"material-kind": "charter"}
    )
    assert response.status_code == 200
    assert "请选择要上传的文件。" in response.content.decode()
    assert not FilingMaterial.objects.exists()


def test_newest_upload_of_a_kind_is_the_one_shown(client, filing):
    upload(client, filing, "第一版章程.pdf", PDF_BYTES)
    upload(client, filing, "第二版章程.pdf", PDF_BYTES)
    html = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    materials_section = html.split('id="materials"', 1)[1]
    assert FilingMaterial.objects.filter(filing=filing, kind="charter").count() == 2
    assert "第二版章程.pdf" in materials_section
    assert "第一版章程.pdf" not in materials_section


# --- At the check_upload level ---------------------------------------------------------------


def test_check_upload_accepts_by_content_not_by_name():
    checked = check_upload(SimpleUploadedFile("scan.dat", PNG_BYTES))
    assert (checked.content_type, checked.extension) == ("image/png", ".png")
    assert checked.size == len(PNG_BYTES)
    assert checked.original_name == "scan.dat"


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("setup.pdf", EXE_BYTES, "bad_type", BAD_TYPE),
        ("../../etc/passwd.pdf", PDF_BYTES, "bad_name", "文件名不能包含路径或“..”"),
        ("C:\\Windows\\evil.pdf", PDF_BYTES, "bad_name", "文件名不能包含路径或“..”"),
        ("空.pdf", b"", "empty", "文件“空.pdf”是空文件"),
    ],
)
def test_check_upload_rejects_with_chinese_message(name, content, code, message):
    uploaded = SimpleUploadedFile("placeholder.pdf", content)
    # UploadedFile's name setter strips paths; a hand-made request need not.
    uploaded._name = name
    with pytest.raises(ValidationError) as excinfo:
        check_upload(uploaded)
    assert excinfo.value.code == code
    assert message in excinfo.value.messages[0]


def test_check_upload_rejects_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        check_upload(pdf_upload("big.pdf", PDF_BYTES + bytes(2048)))
    assert excinfo.value.code == "too_large"
    assert "超过了1.0\xa0KB的上限" in excinfo.value.messages[0]


def test_service_stores_nothing_when_the_check_fails(filing, lead, storage_dir):
    with pytest.raises(ValidationError):
        services.material_upload(
            filing=filing, by=lead, kind="charter", uploaded=SimpleUploadedFile("a.pdf", ELF_BYTES)
        )
    assert not FilingMaterial.objects.exists()
    assert stored_files(storage_dir) == []
