from . import selectors


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
        "policy_applied": selectors.shown,
        "policy_banner": selectors.banner if staff else "",
    }
