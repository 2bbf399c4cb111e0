"""What the subsidy views share: who may open the bureau's pages, the state a page showed,
and how a service's refusal reaches the user."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from core.refusals import REFUSALS, refusal_messages, show_refusal
from core.transitions import available

# Reads for the municipal bureau (and administrators); writes by municipal staff only,
# as the services require.
staff_page = role_required(*STAFF_ROLES)
staff_action = role_required(Role.MUNICIPAL_STAFF)


def expected_state(request) -> str | None:
    return request.POST.get("expected_state") or None


def refusals_of(check, **kwargs) -> list[str]:
    """What a service's own state and permission check (``services.check_*``) says against
    the action now, [] when it is open: pages ask it before offering a form or a button,
    so that they never repeat the rule."""
    try:
        check(**kwargs)
    except REFUSALS as error:
        return refusal_messages(error)
    except PermissionDenied:
        return [_("您无权执行该操作。")]
    return []


def is_open(check, **kwargs) -> bool:
    return not refusals_of(check, **kwargs)


def warn_refused(request, check) -> bool:
    """Before showing a form: say why ``check`` refuses the action now (the service's
    words), True if it does (the caller sends the user back)."""
    reasons = refusals_of(check)
    for text in reasons:
        messages.warning(request, text)
    return bool(reasons)


def show_on_form(request, form, error) -> bool:
    """Put a service's refusal where the user sees it: input errors (ValidationError) on
    ``form``, on the field the service names; a page that changed meanwhile or a state
    that no longer allows the action as messages. True when it went onto the form."""
    if isinstance(error, ValidationError):
        form.add_error(None, error)
        return True
    show_refusal(request, error)
    return False


def form_response(request, form, save, *, check, back, success):
    """The answer to a POST of ``form``, which ``save(**cleaned_data)`` (a service, its
    record and user bound) writes: a redirect to ``back`` once saved, or when the state
    refuses it (``check``, the service's own check: whatever else was wrong with the
    form, that is what stops the user); None when the form is to be shown again with its
    errors, the service's input errors among them on the fields it names."""
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except REFUSALS as error:
            if show_on_form(request, form, error):
                return None
            return redirect(back)
        messages.success(request, success)
        return redirect(back)
    reasons = refusals_of(check)
    for text in reasons:
        messages.error(request, text)
    return redirect(back) if reasons else None


def state_actions(obj, user, offered: dict, *, explain=None) -> list[dict]:
    """The buttons of a page for ``obj``'s state machine: the transitions ``user`` may take
    now (``core.transitions.available``), in ``offered``'s order (name → (URL name,
    label)), each with why it is refused when a legal condition does not hold."""
    return [
        {
            "name": action.name,
            "url": offered[action.name][0],
            "label": offered[action.name][1],
            "allowed": action.allowed,
            "reasons": action.reasons,
        }
        for action in available(obj, user, names=list(offered), explain=explain)
    ]


def form_page(request, form, save, *, check, back, success, template, context):
    """A page with one form that a service saves (``form_response``): on GET, back to
    ``back`` with the reason when ``check`` refuses the action now, else the page; on POST,
    the redirect once saved or refused, or the page again with the form's errors."""
    if request.method == "POST":
        done = form_response(request, form, save, check=check, back=back, success=success)
        if done:
            return done
    elif warn_refused(request, check):
        return redirect(back)
    return render(request, template, {**context, "form": form})
