from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect

from core.refusals import REFUSALS, refusal_to_form, show_refusal

from ..selectors import organisation_changes_visible_to, organisations_visible_to

PAGE_SIZE = 25


def get_organisation_for_user(user, pk):
    return get_object_or_404(organisations_visible_to(user), pk=pk)


def get_change_for_user(user, pk):
    return get_object_or_404(organisation_changes_visible_to(user), pk=pk)


def decide_with_opinion(request, pk, *, get, check, service, success, render_detail, detail, form):
    """A bureau's decision with an opinion (a unit's change, a registration): the form,
    the state and permission checks the page needs when it is invalid, the service, and
    the page again — as it is now, with the opinion as typed — when it is refused.

    ``get(user, pk)`` is the scoped lookup; ``check(obj, by, expected_state)`` and
    ``service(obj, by, reason, expected_state)`` the decision; ``detail`` the page's URL name."""
    obj = get(request.user, pk)
    if not form.is_valid():
        try:
            check(obj, request.user, request.POST.get("expected_state") or None)
        except REFUSALS as error:
            show_refusal(request, error)
        return render_detail(request, obj, form=form)
    try:
        service(
            obj,
            request.user,
            form.cleaned_data["reason"],
            form.cleaned_data["expected_state"] or None,
        )
    except ValidationError as error:
        refusal_to_form(form, error)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, success)
        return redirect(detail, pk=obj.pk)
    return render_detail(request, get(request.user, pk), form=form)
