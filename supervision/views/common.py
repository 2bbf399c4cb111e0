"""What the supervision pages share: roles that read, the stale-page guard, the actions a
summary or event report page offers."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Role
from accounts.permissions import STAFF_ROLES
from core import transitions

PAGE_SIZE = 25
READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)


def expected_state(request) -> str | None:
    """The state the page showed: the service refuses the action if it has moved on."""
    return request.POST.get("expected_state") or None


def back(request, fallback):
    """Where the POST came from, if it is this site; else ``fallback``."""
    target = request.POST.get("next") or request.headers.get("referer", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): it would take a bare word for a view name.
        return HttpResponseRedirect(target)
    return redirect(fallback)


def passes(check, *args, **kwargs) -> bool:
    """Whether a service's first checks (state, permission) let ``by`` act now: whether
    the page offers the action."""
    try:
        check(*args, **kwargs)
    except (transitions.TransitionRefused, PermissionDenied):
        return False
    return True


def record_actions(record, user, *, explain, check_edit) -> dict:
    """The buttons of an annual summary's or event report's page, from the same rules the
    services apply (core.transitions.available and the service's edit check)."""
    actions = {a.name: a for a in transitions.available(record, user, explain=explain)}
    submit = actions.get("submit") or actions.get("resubmit")
    accept, send_back = actions.get("accept"), actions.get("return_for_revision")
    return {
        "can_edit": passes(check_edit, record, user),
        "can_submit": bool(submit and submit.allowed),
        # The state allows submitting but the law does not (Art. 13): say why instead of
        # hiding the button.
        "submit_blocked": bool(submit and not submit.allowed),
        "can_accept": bool(accept and accept.allowed),
        "can_return": bool(send_back and send_back.allowed),
    }
