"""Role checks for views. Object-level visibility lives in each app's selectors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Role


def role_required(*roles: str):
    """Let a view through only for logged-in users with one of ``roles`` (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.effective_role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


STAFF_ROLES = (Role.MUNICIPAL_STAFF, Role.ADMIN)
