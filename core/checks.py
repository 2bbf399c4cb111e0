"""System checks for what the portal publishes in the bureau's name (docs/operations.md,
"Issued documents and the 公示")."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.http.request import validate_host


@register("portal", deploy=True)
def objection_contact(app_configs, **kwargs):
    # A 公示 must say where objections go; the address and phone have no default because
    # only the bureau knows them.
    missing = [
        name
        for name in ("PORTAL_OBJECTION_ADDRESS", "PORTAL_OBJECTION_PHONE")
        if not getattr(settings, name, "").strip()
    ]
    if not missing:
        return []
    return [
        Warning(
            f"The public 公示 gives no {' or '.join(missing)} for objections.",
            hint="Set them to the address and phone where the bureau receives written objections.",
            id="core.W001",
        )
    ]


LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")  # noqa: S104 (names, not a bind)


@register("portal")
def base_url_printed_on_documents(app_configs, **kwargs):
    """PORTAL_BASE_URL is printed, and encoded in the QR code, on every issued document,
    which can never be reissued: in production it must be the portal's public https
    address, never the development default (the penetration test found every document
    of a deployment that forgot it pointing at http://127.0.0.1:8000)."""
    if not settings.PORTAL_HTTPS:  # development and the demo (plain http on 127.0.0.1)
        return []
    parsed = urlsplit(settings.PORTAL_BASE_URL)
    host = (parsed.hostname or "").lower()
    problems = []
    if parsed.scheme != "https":
        problems.append("does not start with https://")
    if not host or host in LOOPBACK or host.startswith("127."):
        problems.append("names no public host")
    elif not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append("names a host outside ALLOWED_HOSTS")
    if not problems:
        return []
    return [
        Error(
            f"PORTAL_BASE_URL ({settings.PORTAL_BASE_URL}) {' and '.join(problems)}: it is "
            "printed and encoded in the QR code of every issued document.",
            hint="Set PORTAL_BASE_URL to the portal's public address, e.g. "
            "https://kjj.baoding.gov.cn/alliances (docs/operations.md).",
            id="core.E020",
        )
    ]
