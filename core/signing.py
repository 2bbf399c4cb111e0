"""The signer of issued documents (issue 18): one small interface, so a provincial seal
service can later replace the local key.

    sign_pdf(data, body=...) -> bytes

``body`` names the issuing body whose certificate signs: ``"municipal"`` for the municipal
bureau, or a county bureau's jurisdiction code (``Jurisdiction.code``, e.g. ``"130602"``).

IN PROGRESS (this session): the PAdES signature with pyHanko replaces this pass-through
before the issue is resolved; until then a document comes back unsigned."""


def sign_pdf(data: bytes, *, body: str = "municipal") -> bytes:
    return data
