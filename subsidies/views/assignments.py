"""Evaluator panels (Art. 15 "经评审"): the municipal bureau assigns evaluators to the
submitted applications of a round and withdraws an assignment not yet scored."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import REFUSALS, show_refusal

from .. import selectors, services
from ..forms.rounds import AssignForm
from .common import refusals_of, staff_action


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
