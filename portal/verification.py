"""The public verification of issued documents (issue 18): what the page at
``/verify/<code>/`` may say about a document, and the comparison of an uploaded copy.

Nothing here reveals more than the document itself prints (its kind, number, date,
issuing body, alliance and lead unit, as printed, from ``filings.IssuedDocument``), with
one addition the issue asks for: a filing notice's alliance's status today, which the
public registry and its list of revocations publish anyway.
"""

import hashlib
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.verification import normalise_code
from filings.models import Alliance, IssuedDocument

from .selectors import public_revocations

#: An issued document is a few hundred kilobytes; an upload to compare needs no more.
MAX_BYTES = 10 * 1024 * 1024


def document_for_code(typed: str) -> IssuedDocument | None:
    """The document a code names, or None for a malformed or unknown one alike."""
    code = normalise_code(typed)
    if code is None:
        return None
    return IssuedDocument.objects.select_related("alliance").filter(code=code).first()


@dataclass(frozen=True)
class FilingStatus:
    """A filing notice's alliance today: ``state`` is "filed", "revoked" or "other"."""

    state: str
    decision_number: str = ""
    decided_on: object = None


def filing_status_today(document: IssuedDocument) -> FilingStatus | None:
    if document.kind != IssuedDocument.Kind.FILING_NOTICE:
        return None
    alliance = document.alliance
    if alliance.status == Alliance.Status.REVOKED:
        # The latest published decision (an alliance filed again and revoked again has two).
        case = public_revocations().filter(alliance=alliance).first()
        if case is not None:
            return FilingStatus(
                "revoked", case.decision_number, timezone.localdate(case.decided_at)
            )
        return FilingStatus("revoked")
    if alliance.status == Alliance.Status.FILED and alliance.filing_number == document.number:
        return FilingStatus("filed")
    return FilingStatus("other")


class CompareForm(forms.Form):
    """A copy to compare: any file up to MAX_BYTES is hashed and gets a verdict. It is not
    held to the upload rules of materials (a forged copy with a script in it is 不一致,
    not a file to repair), and it is read, never stored or parsed."""

    file = forms.FileField(label=_("选择要核验的PDF文件"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = min(MAX_BYTES, settings.UPLOAD_MAX_BYTES)
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("文件超过%(mb)d MB，不是本平台签发的文件。") % {"mb": limit // (1024 * 1024)}
            )
        digest = hashlib.sha256()
        for chunk in uploaded.chunks():
            digest.update(chunk)
        self.sha256 = digest.hexdigest()
        return uploaded


@dataclass(frozen=True)
class Comparison:
    same: bool
    sha256: str
    # When the upload is not this document but is another one the portal issued.
    other: IssuedDocument | None = None


def compare(document: IssuedDocument, sha256: str) -> Comparison:
    if sha256 == document.sha256:
        return Comparison(True, sha256)
    other = IssuedDocument.objects.filter(sha256=sha256).exclude(pk=document.pk).first()
    return Comparison(False, sha256, other)
