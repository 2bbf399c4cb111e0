"""What a user is told when a service refuses: one helper for every view."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django_fsm import ConcurrentTransition

from .transitions import StaleRecord, TransitionRefused

#: What a service raises that the user can act on — a page that changed meanwhile, a
#: state or a legal condition that does not allow the action, input to correct — and
#: that a view turns into messages, never a 500. PermissionDenied is not among them: it
#: is a 403.
REFUSALS = (StaleRecord, ConcurrentTransition, TransitionRefused, ValidationError)


def refusal_messages(error) -> list[str]:
    if isinstance(error, (StaleRecord, ConcurrentTransition)):
        return [str(StaleRecord.message)]
    if isinstance(error, TransitionRefused):
        return list(error.reasons)
    return list(error.messages)


def show_refusal(request, error) -> None:
    for text in refusal_messages(error):
        messages.error(request, text)


def refusal_to_form(form, error) -> None:
    """A service's refusal shown on the form: an error about a field on that field,
    anything else (a stale page, the state, a pending request) above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for text in refusal_messages(error):
        form.add_error(None, text)
