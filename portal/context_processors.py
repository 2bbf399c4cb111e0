from django.conf import settings


def navigation(request):
    """What base.html needs on every page: the site name and the user's role."""
    user = getattr(request, "user", None)
    role = user.effective_role if user is not None and user.is_authenticated else ""
    return {"site_name": settings.PORTAL_SITE_NAME, "nav_role": role}
