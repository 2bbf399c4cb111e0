"""What the start-up check says about the signing certificates (accounts.checks asks for
the bodies, which it knows). Opened with `cryptography` alone: pyHanko takes ~2 s to import
and every manage.py command runs the checks."""

import datetime as dt
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.checks import Error, Warning

from .signing import SigningError, credential_path


def certificate_problems(bodies: list[str], *, now: dt.datetime | None = None) -> list:
    now = now or dt.datetime.now(dt.UTC)
    required = settings.PORTAL_SIGNING_REQUIRED
    password = settings.PORTAL_SIGNING_PASSWORD.encode() or None
    soon = now + dt.timedelta(days=settings.PORTAL_SIGNING_EXPIRY_WARNING_DAYS)
    missing, messages = [], []
    for body in bodies:
        try:
            path = credential_path(body)
            data = path.read_bytes()
        except (SigningError, OSError):
            missing.append(body)
            continue
        try:
            _key, cert, _chain = pkcs12.load_key_and_certificates(data, password)
        except ValueError as error:
            messages.append(_problem(required, f"{path} cannot be opened: {error}", "E011"))
            continue
        if cert is None or _key is None:
            messages.append(_problem(required, f"{path} holds no key and certificate", "E011"))
        elif cert.not_valid_after_utc <= now:
            messages.append(
                _problem(
                    required,
                    f"The signing certificate {path} expired on "
                    f"{cert.not_valid_after_utc:%Y-%m-%d}",
                    "E012",
                )
            )
        elif cert.not_valid_after_utc <= soon:
            messages.append(
                Warning(
                    f"The signing certificate {path} expires on "
                    f"{cert.not_valid_after_utc:%Y-%m-%d}.",
                    hint="Renew it before then: after that day no document can be issued.",
                    id="core.W013",
                )
            )
        if not path.with_suffix(".png").exists():
            messages.append(
                Warning(
                    f"No seal image {path.with_suffix('.png')}: the signature shows no seal.",
                    id="core.W014",
                )
            )
    if missing:
        where = Path(settings.PORTAL_SIGNING_DIR)
        text = f"No signing certificate in {where} for: {', '.join(missing)}"
        hint = (
            "Put <body>.p12 there for each issuing body (docs/operations.md, 'Signing "
            "issued documents'); for a demo, run manage.py make_demo_signing_ca."
        )
        if required:
            messages.insert(0, Error(text + ".", hint=hint, id="core.E010"))
        else:
            messages.insert(
                0,
                Warning(text + ": their documents are issued unsigned.", hint=hint, id="core.W010"),
            )
    if not Path(settings.PORTAL_SIGNING_TRUST_ROOTS).exists() and len(missing) < len(bodies):
        messages.append(
            Warning(
                f"No trust roots at {settings.PORTAL_SIGNING_TRUST_ROOTS}: "
                "verify_document cannot tell a trusted signature.",
                id="core.W015",
            )
        )
    return messages


def _problem(required: bool, text: str, code: str):
    hint = "Documents cannot be issued until the certificate is replaced."
    if required:
        return Error(text + ".", hint=hint, id=f"core.{code}")
    return Warning(text + ".", hint=hint, id=f"core.W{code[1:]}")
