"""Checks on uploaded materials: type by content (PDF, JPEG, PNG) and by parsing it (no
active content in a PDF, an image that decodes), size, and file name.

Shared by every upload in the portal (filings, summaries, evidence) so the rules and the
messages are the same everywhere.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .contentcheck import content_problem as _content_problem
from .downloads import SIGNATURES

TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def check_upload(uploaded, *, max_bytes=None, content_types=None) -> CheckedUpload:
    """Validate an UploadedFile; raise ValidationError with a message saying what to fix.

    ``max_bytes`` and ``content_types`` narrow what is accepted (an Art. 10 material's
    limit and types under the filing's policy version); the server's own ceiling,
    ``UPLOAD_MAX_BYTES``, and PDF/JPEG/PNG always apply."""
    name = uploaded.name or ""
    if "/" in name or "\\" in name or ".." in name or "\x00" in name or not name.strip():
        raise ValidationError(
            _("文件名“%(name)s”不合法：文件名不能包含路径或“..”，请重命名后再上传。")
            % {"name": name},
            code="bad_name",
        )
    limit = min(settings.UPLOAD_MAX_BYTES, max_bytes or settings.UPLOAD_MAX_BYTES)
    if uploaded.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为%(size)s，超过了%(limit)s的上限，请压缩或分拆后再上传。")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(
            _("文件“%(name)s”是空文件，请重新选择。") % {"name": name}, code="empty"
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    detected = next((sig for sig in SIGNATURES if head.startswith(sig[0])), None)
    if detected is None:
        raise ValidationError(
            _(
                "文件“%(name)s”不是PDF、JPEG或PNG文件（按文件内容识别，与扩展名无关）。请上传扫描件的PDF或图片。"
            )
            % {"name": name},
            code="bad_type",
        )
    _magic, content_type, extension = detected
    if content_types is not None and content_type not in content_types:
        raise ValidationError(
            _("文件“%(name)s”的类型（%(type)s）不在本项材料接受的类型之内：%(accepted)s。")
            % {
                "name": name,
                "type": TYPE_NAMES.get(content_type, content_type),
                "accepted": "、".join(TYPE_NAMES.get(t, t) for t in sorted(content_types)),
            },
            code="bad_type",
        )
    problem = _content_problem(uploaded, content_type)
    uploaded.seek(0)
    if problem:
        raise ValidationError(problem % {"name": name}, code="bad_content")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(content_type, extension, uploaded.size, digest.hexdigest(), name[:200])


def store_upload(model, *, by, uploaded, max_bytes=None, content_types=None, **owner):
    """Check ``uploaded`` (``check_upload``'s limits) and save it as a new ``model`` row
    (FilingMaterial or any attachment with the same file fields) under a generated name."""
    checked = check_upload(uploaded, max_bytes=max_bytes, content_types=content_types)
    row = model(
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
        **owner,
    )
    # The stored name is generated; only the detected type's extension is kept.
    row.file.save(f"upload{checked.extension}", uploaded, save=False)
    row.save()
    return row
