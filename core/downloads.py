"""Every file the portal hands out goes through ``attachment_response``.

Whatever the file — an uploaded material, an issued PDF, an export built in memory — the
answer is the same: an attachment (never shown inline), ``Cache-Control: private,
no-store`` (private records must not stay in a shared or browser cache),
``X-Content-Type-Options: nosniff``, the content type detected from the bytes, and a file
name whose extension is that type's: a name a user typed can never make a browser or the
desktop treat a PDF as HTML or a program. A record whose file is missing from storage is
a 404 with a message, not a 500.
"""

import io
import re
import zipfile
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

OCTET_STREAM = "application/octet-stream"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (leading bytes, content type, extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
ZIP_MAGIC = b"PK\x03\x04"

# Characters no file name should carry: path separators, characters Windows refuses,
# control characters (a CR/LF would end a header line).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}")


class FileMissing(Http404):
    """The record exists but its file is gone from storage (a restore without media, a
    pruned bucket): the user is told so, with whom to contact."""

    def __init__(self, message=None):
        super().__init__(message or _("文件不存在或已被移除，请联系保定市科学技术局。"))


def detect(handle) -> tuple[str, str]:
    """(content type, extension) of a seekable binary file, from its bytes."""
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(handle).namelist())
        except zipfile.BadZipFile:
            names = set()
        finally:
            handle.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX, ".xlsx"
        if names:
            return "application/zip", ".zip"
    return OCTET_STREAM, ".bin"


def safe_filename(name: str, extension: str) -> str:
    """``name`` with no path separators or unsafe characters (each becomes ``_``: a title
    such as “2026/2027年度” keeps its words), ending in ``extension``."""
    stem = _UNSAFE.sub("_", str(name)).strip(" .")
    if stem.lower().endswith(extension):
        stem = stem[: -len(extension)]
    elif _EXTENSION.fullmatch(PurePath(stem).suffix):
        stem = PurePath(stem).stem  # the uploader's extension gives way to the real one
    stem = stem.strip(" ._")[:150] or "file"
    return f"{stem}{extension}"


def _open(source):
    """A binary handle on ``source``: a stored file (FieldFile) or bytes built in memory."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if not source:
        raise FileMissing
    try:
        return source.open("rb")
    except (FileNotFoundError, OSError) as missing:
        raise FileMissing from missing


def attachment_response(source, filename: str, *, built_as=None) -> FileResponse:
    """Offer ``source`` (a FieldFile, or bytes) for download as ``filename``, its
    extension replaced by the detected type's. ``built_as``: (content type, extension) of
    bytes the portal wrote itself in a format no signature identifies (a CSV); never for
    an upload, whose type is only what its bytes show."""
    handle = _open(source)
    content_type, extension = built_as or detect(handle)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(filename, extension),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response.audit_filename = response.filename  # logged by DownloadAuditMiddleware
    return response


def attachment_disposition(filename: str, extension: str) -> str:
    """The Content-Disposition of a rendered answer that is not a file (the API's CSV):
    an attachment under the same name rule."""
    return content_disposition_header(True, safe_filename(filename, extension))
