"""System checks: production needs its own audit chain key (docs/operations.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_KEY_LENGTH = 32


@register(Tags.security)
def audit_chain_key(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    key = settings.AUDIT_CHAIN_KEY
    hint = "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if not key:
        return [
            Error(
                "PORTAL_AUDIT_CHAIN_KEY is not set: audit entries would never be sealed.",
                hint=hint,
                id="audit.E001",
            )
        ]
    if key.startswith("dev-only"):
        return [Error("PORTAL_AUDIT_CHAIN_KEY is the development key.", hint=hint, id="audit.E002")]
    if len(key) < MIN_KEY_LENGTH:
        return [
            Warning(
                f"PORTAL_AUDIT_CHAIN_KEY is shorter than {MIN_KEY_LENGTH} characters.",
                hint=hint,
                id="audit.W001",
            )
        ]
    return []
