"""The public notice (公示) and after it (Art. 15): objections recorded and resolved by the
bureau, disbursement, and the award notice PDF, which the lead unit may download too."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.downloads import attachment_response
from core.refusals import REFUSALS, show_refusal

from .. import selectors, services
from ..forms.awards import DisbursementForm, ObjectionForm, ResolveForm
from ..models import Award
from .common import form_response, refusals_of, staff_action, warn_refused


def _award_for_user(user, pk) -> Award:
    return get_object_or_404(selectors.awards_visible_to(user), pk=pk)


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def objection_new(request, pk):
    award = _award_for_user(request.user, pk)
    round_ = award.application.round
    check = partial(services.check_objection_record, round_=round_, by=request.user)
    back = reverse("subsidies:round_detail", args=[round_.pk])
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        done = form_response(
            request,
            form,
            partial(services.objection_record, award=award, by=request.user),
            check=check,
            back=back,
            success=_("已登记异议，请在办结前处理。"),
        )
        if done:
            return done
    elif warn_refused(request, check):
        return redirect(back)
    return render(
        request,
        "subsidies/rounds/objection_form.html",
        {"form": form, "award": award, "round": round_},
    )


@require_POST
@staff_action
def objection_resolve(request, pk):
    objection = get_object_or_404(selectors.objections_visible_to(request.user), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():  # text that is not text (a NUL character)
        for text in form.errors["resolution"]:
            messages.error(request, text)
    else:
        try:
            services.objection_resolve(
                objection=objection, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("异议处理结果已记录。"))
    return redirect("subsidies:round_detail", pk=objection.award.application.round_id)


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def disbursement(request, pk):
    award = _award_for_user(request.user, pk)
    round_ = award.application.round
    check = partial(services.check_disbursement_record, round_=round_, by=request.user)
    initial = {"disbursed_yuan": award.disbursed_yuan or award.amount_yuan}
    if award.disbursed_on:
        initial["disbursed_on"] = award.disbursed_on
    form = DisbursementForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = form_response(
            request,
            form,
            partial(services.disbursement_record, award=award, by=request.user),
            check=check,
            back=reverse("subsidies:round_detail", args=[round_.pk]),
            success=_("拨付情况已登记。"),
        )
        if done:
            return done
    return render(
        request,
        "subsidies/rounds/disbursement_form.html",
        # Shown, not refused: staff may look at what was recorded before the decision.
        {"form": form, "award": award, "round": round_, "refusals": refusals_of(check)},
    )


@login_required
@require_safe
def award_notice_download(request, pk):
    # Staff and the lead unit of the alliance once published; to anyone else the notice
    # does not exist (the selector).
    award = _award_for_user(request.user, pk)
    return attachment_response(
        award.notice_file, _("补贴通知书-%(n)s.pdf") % {"n": award.notice_number}
    )
