from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from core.refusals import refusal_messages

from ..selectors import organisation_changes_visible_to, organisations_visible_to

PAGE_SIZE = 25


def get_organisation_for_user(user, pk):
    return get_object_or_404(organisations_visible_to(user), pk=pk)


def get_change_for_user(user, pk):
    return get_object_or_404(organisation_changes_visible_to(user), pk=pk)


def refusal_to_form(form, error) -> None:
    """A service's refusal shown on the form: an error about a field on that field,
    anything else (a stale page, the state, a pending request) above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for text in refusal_messages(error):
        form.add_error(None, text)
