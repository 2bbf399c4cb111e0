"""System checks for what the portal publishes in the bureau's name (docs/operations.md,
"Issued documents and the 公示")."""

from django.conf import settings
from django.core.checks import Warning, register


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
