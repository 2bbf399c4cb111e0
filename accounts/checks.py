"""System checks for two-factor login (docs/operations.md, "Two-factor login")."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIDDLEWARE_ORDER = (
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
)


@register(Tags.security)
def two_factor_roles(app_configs, **kwargs):
    from .models import Role

    # A misspelt role would silently exempt the role meant.
    unknown = [r for r in settings.PORTAL_2FA_REQUIRED_ROLES if r not in Role.values]
    if unknown:
        return [
            Error(
                f"PORTAL_2FA_REQUIRED_ROLES names roles that do not exist: {unknown}.",
                hint=f"Use some of: {', '.join(Role.values)}.",
                id="accounts.E001",
            )
        ]
    return []


@register(Tags.security)
def two_factor_middleware(app_configs, **kwargs):
    found = [settings.MIDDLEWARE.index(m) for m in MIDDLEWARE_ORDER if m in settings.MIDDLEWARE]
    if len(found) != len(MIDDLEWARE_ORDER) or found != sorted(found):
        return [
            Error(
                "Two-factor login needs these middleware, in this order: "
                + ", ".join(MIDDLEWARE_ORDER),
                id="accounts.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def two_factor_for_administrators(app_configs, **kwargs):
    # The system administrator, the security administrator and the security auditor
    # (三员分立) are all administrator roles.
    missing = [
        r
        for r in ("admin", "security_admin", "auditor")
        if r not in settings.PORTAL_2FA_REQUIRED_ROLES
    ]
    if not missing:
        return []
    return [
        Warning(
            f"Administrator roles may log in without a second factor: {', '.join(missing)} "
            "(PORTAL_2FA_REQUIRED_ROLES).",
            hint="等保2.0 三级 asks two kinds of authentication for administrators: keep "
            "'admin', 'security_admin' and 'auditor'.",
            id="accounts.W001",
        )
    ]


@register()
def signing_certificates(app_configs, **kwargs):
    """Every body that issues documents can sign them (core.signing). In production
    (PORTAL_SIGNING_REQUIRED) a missing, unreadable or expired certificate stops the
    portal at start-up (`check`, and `migrate` before gunicorn starts), not at the first
    document issued; a certificate that expires soon is a warning."""
    from core.signing_checks import certificate_problems

    from .issuing_bodies import issuing_bodies

    try:
        bodies = issuing_bodies(enabled_only=True)
    except RuntimeError:  # database access refused (a test that runs the checks)
        from core.signing import MUNICIPAL
        from core.signing_ca import Body

        bodies = [Body(MUNICIPAL, settings.PORTAL_BUREAU_NAME)]
    return certificate_problems([b.code for b in bodies])
