"""Evaluator panels (Art. 15 "经评审"): the municipal bureau draws evaluators at random for
the submitted applications of a round (or assigns one by hand), redraws one with a reason,
and withdraws an assignment not yet scored."""

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.refusals import REFUSALS, show_refusal

from .. import selectors, services
from ..forms.draws import DrawForm, ReasonForm
from ..forms.rounds import AssignForm
from .common import form_page, refusals_of, staff_action


@require_POST
@staff_action
def assign(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        evaluator = form.cleaned_data["evaluator"]
        try:
            services.assign_evaluator(application=application, by=request.user, evaluator=evaluator)
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("已为“%(alliance)s”分配评审专家%(name)s。")
                % {"alliance": application.alliance.name, "name": evaluator.get_full_name()},
            )
    else:
        # When the panel can no longer change, that is what the user needs to know.
        reasons = refusals_of(
            services.check_panel_change, round_=application.round, by=request.user
        ) or [text for errors in form.errors.values() for text in errors]
        for text in reasons:
            messages.error(request, text)
    return redirect("subsidies:round_detail", pk=application.round_id)


@require_POST
@staff_action
def unassign(request, pk):
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    try:
        services.unassign_evaluator(assignment=assignment, by=request.user)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("已撤销评审专家%(name)s的分配。") % {"name": assignment.evaluator.get_full_name()},
        )
    return redirect("subsidies:round_detail", pk=assignment.application.round_id)


@require_POST
@staff_action
def draw(request, pk):
    """Draw experts for every application of the round whose panel is short."""
    round_ = get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    form = DrawForm(
        request.POST,
        pool_size=len(services.draw_pool()),
        initial_size=round_.evaluators_per_application,
    )
    reasons = refusals_of(services.check_panel_change, round_=round_, by=request.user)
    if reasons:
        for text in reasons:
            messages.error(request, text)
    elif not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    else:
        try:
            done = services.draw_panels(
                round_=round_, by=request.user, per_application=form.cleaned_data["per_application"]
            )
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("已随机抽取评审专家：%(apps)d份申请，共%(n)d人（随机种子%(seed)s）。")
                % {
                    "apps": len(done.record),
                    "n": sum(len(entry["drawn"]) for entry in done.record),
                    "seed": done.seed,
                },
            )
    return redirect(reverse("subsidies:round_detail", args=[round_.pk]) + "#draws")


@staff_action
@require_http_methods(["GET", "HEAD", "POST"])
def redraw(request, pk):
    """Replace one expert not yet scored, or fill the place of one who recused."""
    assignment = get_object_or_404(
        selectors.assignments_visible_to(request.user).select_related(
            "application__round", "application__alliance", "evaluator__organisation"
        ),
        pk=pk,
    )
    back = reverse("subsidies:round_detail", args=[assignment.application.round_id])
    check = partial(services.check_redraw, assignment=assignment, by=request.user)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label=_("重新抽取理由"),
        help_text=_("必填，记入办理记录。"),
    )
    return form_page(
        request,
        form,
        partial(services.redraw, assignment=assignment, by=request.user),
        check=check,
        back=back,
        success=_("已重新抽取评审专家。"),
        template="subsidies/rounds/redraw.html",
        context={"assignment": assignment, "round": assignment.application.round},
    )
