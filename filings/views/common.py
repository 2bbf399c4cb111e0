"""What every filings view shares: the scoped fetch, the state badges, and how a service's
refusal reaches the user."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect

from core.refusals import show_refusal

from ..models import Filing
from ..selectors import filings_visible_to

STATE_BADGES = {
    Filing.State.DRAFT: "text-bg-secondary",
    Filing.State.COUNTY_REVIEW: "text-bg-info",
    Filing.State.RETURNED: "text-bg-warning",
    Filing.State.MUNICIPAL_REVIEW: "text-bg-primary",
    Filing.State.FILED: "text-bg-success",
    Filing.State.REJECTED: "text-bg-danger",
    Filing.State.WITHDRAWN: "text-bg-dark",
}


def state_badge(filing: Filing) -> str:
    return STATE_BADGES.get(filing.state, "text-bg-secondary")


def filing_for(user, pk) -> Filing:
    """The filing, if ``user`` may see it; 404 otherwise (never a hint that it exists)."""
    return get_object_or_404(filings_visible_to(user), pk=pk)


def refused(request, filing: Filing, error):
    """A refusal the user can act on (stale page, state, legal condition): said as
    messages on the filing's page."""
    show_refusal(request, error)
    return redirect("filings:detail", filing.pk)


def add_service_errors(form, error: ValidationError, field: str | None = None) -> None:
    """Put a service's ValidationError on ``form``: on the field it names when the form
    has that field, otherwise on ``field`` (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)
