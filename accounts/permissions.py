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


#: The bureau's business staff: filings, alliances, supervision, subsidies, statistics.
#: Not the system administrator (三员分立, 等保2.0): the administrator keeps users, roles,
#: jurisdictions, units and policy versions, and reads a business record only when given
#: a business role for it — a change of role, which the user audit records.
STAFF_ROLES = (Role.MUNICIPAL_STAFF,)
#: Who reads and keeps the account side — units, their changes and registrations.
ACCOUNT_STAFF_ROLES = (Role.MUNICIPAL_STAFF, Role.ADMIN)
