from django.conf import settings


def navigation(request):
    """What base.html needs on every page: the site name, the user's role, unread notices."""
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        # Not ``site_name``: Django's auth views put the request's host under that name
        # (the login page read “127.0.0.1:8820”), and a view's context wins.
        "portal_name": settings.PORTAL_SITE_NAME,
        "portal_short_name": settings.PORTAL_SITE_SHORT_NAME,
        "nav_role": user.effective_role if authenticated else "",
        # Lazy: one COUNT query, only on pages that render the navigation.
        "unread_count": (lambda: user.notifications.filter(read_at__isnull=True).count())
        if authenticated
        else 0,
    }
