"""One pipeline for every document the portal issues (issue 18): a verification code,
the PDF rendered with the code and its QR code, the signature of the issuing body
(``core.signing``), the SHA-256 of the signed bytes, and the register row with the file,
all in the transaction of the action that issues it (a rolled-back decision issues
nothing: neither the row nor its number)."""

import hashlib
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from core import signing
from core.signing import MUNICIPAL
from core.verification import new_code, verification_context

from .issued import IssuedDocument


def issue_document(
    *,
    kind: str,
    number: str,
    issued_on: date,
    alliance,
    render: Callable[[dict], bytes],
    issuer: str = "",
    signer: str = MUNICIPAL,
) -> IssuedDocument:
    """``render(verification)`` returns the unsigned PDF with ``verification`` (from
    ``core.verification.verification_context``) in its template context; ``signer`` is
    the body whose certificate signs ("municipal" or a county's ``Jurisdiction.code``) and
    ``issuer`` its name as printed (the municipal bureau's by default).
    Returns the saved row, whose ``file`` the issuing record shares."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Documents are issued inside the transaction of their action.")
    code = new_code()
    while IssuedDocument.objects.filter(code=code).exists():  # 60 bits: practically never
        code = new_code()
    signed = signing.sign_pdf(render(verification_context(code)), body=signer)
    document = IssuedDocument(
        code=code,
        kind=kind,
        number=number,
        issued_on=issued_on,
        issuer=issuer or settings.PORTAL_BUREAU_NAME,
        signer=signer,
        alliance=alliance,
        alliance_name=alliance.name,
        lead_unit_name=alliance.lead_unit.name,
        sha256=hashlib.sha256(signed).hexdigest(),
    )
    document.file.save("document.pdf", ContentFile(signed), save=False)
    document.save()  # the unique code refuses a concurrent twin: the action rolls back
    return document


def share_file(field, document: IssuedDocument) -> None:
    """Point an issuing record's FileField at the register's file (one copy on disk)."""
    field.name = document.file.name
