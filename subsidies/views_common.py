"""Small helpers shared by the subsidy views (rounds, awards, applications)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from core.transitions import StaleRecord, TransitionRefused

# Reads for the municipal bureau (and administrators); writes by municipal staff only,
# as the services require.
staff_page = role_required(*STAFF_ROLES)
staff_action = role_required(Role.MUNICIPAL_STAFF)

# Refusals a service raises that the user can act on (never a 500).
REFUSALS = (StaleRecord, TransitionRefused, ValidationError)


def refusal_messages(error) -> list[str]:
    if isinstance(error, StaleRecord):
        return [str(error.message)]
    if isinstance(error, TransitionRefused):
        return list(error.reasons)
    return list(error.messages)


def show_refusal(request, error):
    for text in refusal_messages(error):
        messages.error(request, text)


def expected_state(request) -> str | None:
    return request.POST.get("expected_state") or None


def file_download(file, filename: str, content_type: str = "application/pdf") -> FileResponse:
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
