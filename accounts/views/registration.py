"""The public side of a unit's registration (no login): the form, the e-mail confirmation
link (a button: a GET changes nothing), and the status page reached from the e-mailed
links, where a returned registration is corrected and resubmitted."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.client_ip import client_ip
from core.refusals import REFUSALS, refusal_messages, refusal_to_form

from .. import registration as services
from ..forms import RegistrationCorrectionForm, RegistrationForm
from ..models import Registration
from ..registration_links import BadLink, LinkProblem, status_token
from ..uscc import compact, is_baoding_division, is_valid_uscc, uscc_division


def _derived_preview(form) -> dict:
    """After a refused submission: the jurisdiction the typed code gives, so that the
    applicant sees it without any script."""
    code = compact(form.data.get("uscc") or "")
    if not is_valid_uscc(code):
        return {}
    return {
        "preview_code": code,
        "preview_jurisdiction": services.derive_jurisdiction(code),
        "preview_in_baoding": is_baoding_division(uscc_division(code)),
    }


@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "GET":
        return render(request, "accounts/registration/form.html", {"form": RegistrationForm()})
    form = RegistrationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            registration = services.registration_submit(
                values=form.values(),
                licence=form.cleaned_data["licence"],
                client_ip=client_ip(request),
            )
        except services.Throttled as error:
            form.add_error(None, str(error.message))
        except REFUSALS as error:
            refusal_to_form(form, _on_form_fields(error))
        else:
            # Redirect after the POST: refreshing the page must not submit it again.
            request.session[SENT_KEY] = registration.pk
            return redirect("accounts:register_sent")
    context = {"form": form, **_derived_preview(form)}
    return render(request, "accounts/registration/form.html", context, status=200)


#: The registration this browser just submitted (for the “请查收邮件” page only).
SENT_KEY = "registration_sent"


@require_http_methods(["GET"])
def register_sent(request):
    """“请查收邮件” for the registration this browser submitted; nothing for anyone else."""
    pk = request.session.get(SENT_KEY)
    registration = Registration.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if registration is None:
        return redirect("accounts:register")
    return render(
        request,
        "accounts/registration/sent.html",
        {"registration": registration, "hours": settings.PORTAL_REGISTRATION_CONFIRM_HOURS},
    )


def _on_form_fields(error):
    """The service names the password ``password``; the form has two fields for it."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        if "password" in error.error_dict:
            error.error_dict["password1"] = error.error_dict.pop("password")
    return error


def _bad_link(request, problem: LinkProblem, *, kind: str):
    return render(
        request,
        "accounts/registration/bad_link.html",
        {"problem": problem.value, "kind": kind},
        status=410 if problem == LinkProblem.EXPIRED else 400,
    )


@require_http_methods(["GET", "POST"])
def register_confirm(request, token):
    try:
        registration = services.registration_for_confirm_token(token)
    except BadLink as error:
        return _bad_link(request, error.problem, kind="confirm")
    except Registration.DoesNotExist:
        return _bad_link(request, LinkProblem.TAMPERED, kind="confirm")
    errors = []
    if request.method == "POST":
        try:
            registration = services.registration_confirm(token)
        except BadLink as error:
            return _bad_link(request, error.problem, kind="confirm")
        except REFUSALS as error:
            errors = refusal_messages(error)
        else:
            return redirect("accounts:register_status", token=status_token(registration))
    context = {"registration": registration, "errors": errors}
    return render(request, "accounts/registration/confirm.html", context)


@require_http_methods(["GET", "POST"])
def register_status(request, token):
    try:
        registration = services.registration_for_status_token(token)
    except BadLink as error:
        return _bad_link(request, error.problem, kind="status")
    except Registration.DoesNotExist:
        return _bad_link(request, LinkProblem.TAMPERED, kind="status")
    errors = []
    form = None
    if registration.state == Registration.State.RETURNED:
        form = RegistrationCorrectionForm.for_registration(registration)
    if request.method == "POST":
        if form is None:
            errors = [
                _("该注册申请当前状态为“%(state)s”，不能修改。")
                % {"state": registration.get_state_display()}
            ]
        else:
            form = RegistrationCorrectionForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    services.registration_resubmit(
                        token=token, values=form.values(), licence=form.cleaned_data["licence"]
                    )
                except BadLink as error:
                    return _bad_link(request, error.problem, kind="status")
                except REFUSALS as error:
                    refusal_to_form(form, error)
                else:
                    return redirect("accounts:register_status", token=token)
    context = {
        "registration": registration,
        "form": form,
        "errors": errors,
        **(_derived_preview(form) if form is not None and form.is_bound else {}),
    }
    return render(request, "accounts/registration/status.html", context)
