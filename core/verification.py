"""Verification codes of issued documents (issue 18): what is printed on a document so that
anyone holding it can check it at ``{PORTAL_BASE_URL}/verify/<code>/``.

A code is 12 characters drawn by ``secrets`` from Crockford's base-32 alphabet (digits and
capitals without I, L, O, U): 60 bits, so with the lookup rate limit nobody finds a document
by trying codes, and read aloud or typed from paper it has no 0/O or 1/I/L to confuse.
Typing is forgiving the way Crockford's scheme is (lower case, spaces and hyphens, O for 0,
I and L for 1); anything else is simply not a code.

Pure functions: the record that keeps a code is ``filings.IssuedDocument``.
"""

import re
import secrets

import segno
from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_CODE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(typed: str) -> str | None:
    """The code a person meant, or None when what they typed cannot be one."""
    code = re.sub(r"[\s\-]", "", typed or "").upper().translate(_TYPED)
    return code if _CODE.fullmatch(code) else None


def grouped(code: str) -> str:
    """For the eye: ``ABCD-EFGH-JKMN`` (the hyphens are ignored when typed back)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_url(code: str) -> str:
    return f"{settings.PORTAL_BASE_URL}/verify/{code}/"


def qr_data_uri(url: str) -> str:
    """The URL as a QR code, an SVG data URI for WeasyPrint (vector, so it stays sharp at
    any print resolution). Error correction M: a fold or a stamp's edge over it still reads."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def verification_context(code: str) -> dict:
    """What templates/pdf/official.html prints at the foot of an issued document."""
    url = verification_url(code)
    return {
        "code": code,
        "grouped": grouped(code),
        "url": url,
        "verify_page": f"{settings.PORTAL_BASE_URL}/verify/",
        "qr": qr_data_uri(url),
    }
