from django.db import DatabaseError

from . import selectors


def _quietly(read):
    """``read()``, or nothing when the database cannot answer: an error page (the database
    down) must still render."""

    def call():
        try:
            return read()
        except DatabaseError:
            return None

    return call


def policy(request):
    """The measures quoted in every page's footer, and the banner staff see while no
    version is in force (both lazy: read only by the templates that show them)."""
    user = getattr(request, "user", None)
    staff = bool(
        user is not None
        and user.is_authenticated
        and (user.is_municipal_staff or user.is_county_reviewer or user.is_administrator)
    )
    return {
        "policy_applied": _quietly(selectors.shown),
        "policy_banner": _quietly(selectors.banner) if staff else "",
    }
