"""Subsidy applications (Art. 15): a lead unit applies for a filed alliance in good standing,
fills in the summary, funding plan and self-evaluation, attaches evidence and submits.

Every application is fetched through ``selectors.applications_visible_to``: a lead unit
sees its own, staff the submitted ones, an evaluator those they declared on. Lead units
never see evaluators' names or scores.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from core.downloads import attachment_response
from core.refusals import REFUSALS, show_refusal
from filings.selectors import alliances_visible_to

from .. import selectors, services
from ..forms.applications import (
    ApplicationFilter,
    ApplicationForm,
    EvidenceForm,
    SelfEvaluationForm,
)
from ..models import Application
from .common import expected_state, is_open, state_actions, warn_refused

PAGE_SIZE = 25
READERS = (*STAFF_ROLES, Role.LEAD_UNIT, Role.EVALUATOR)
# The lead unit's actions on its application, in the order the page offers them.
ACTIONS = {
    "submit": ("subsidies:application_submit", gettext_lazy("提交申请")),
    "withdraw": ("subsidies:application_withdraw", gettext_lazy("撤回申请")),
}


def _application_for_user(user, pk) -> Application:
    return get_object_or_404(selectors.applications_visible_to(user), pk=pk)


@role_required(*STAFF_ROLES, Role.LEAD_UNIT)
@require_safe
def application_list(request):
    user = request.user
    queryset = selectors.applications_visible_to(user).order_by(
        "-round__year", "-round_id", "alliance__name", "pk"
    )
    filterset = ApplicationFilter(
        request.GET, queryset=queryset, rounds=selectors.rounds_visible_to(user)
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/applications/list.html",
        {"filter": filterset, "page_obj": page, "is_lead": user.is_lead_unit},
    )


@require_POST
@role_required(Role.LEAD_UNIT)
def application_new(request, round_pk, alliance_pk):
    round_ = get_object_or_404(selectors.rounds_visible_to(request.user), pk=round_pk)
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    try:
        application = services.application_create(round_=round_, alliance=alliance, by=request.user)
    except REFUSALS as error:
        show_refusal(request, error)
        return redirect("subsidies:round_detail", pk=round_.pk)
    messages.success(
        request,
        _("已为“%(alliance)s”创建补贴申请草稿，请填写后提交。") % {"alliance": alliance.name},
    )
    return redirect("subsidies:application_edit", pk=application.pk)


@role_required(*READERS)
@require_safe
def application_detail(request, pk):
    user = request.user
    application = _application_for_user(user, pk)
    context = {
        "application": application,
        "round": application.round,
        "alliance": application.alliance,
        "self_evaluations": application.self_evaluations.select_related("criterion"),
        "evidence": application.evidence.all(),
        "award": selectors.awards_visible_to(user).filter(application=application).first(),
        "is_lead": user.is_lead_unit,
        "is_staff": user.effective_role in STAFF_ROLES,
        "can_edit": is_open(services.check_application_edit, application=application, by=user),
        "actions": state_actions(application, user, ACTIONS, explain=services.explain_application),
        "timeline": selectors.application_timeline(user, application),
    }
    return render(request, "subsidies/applications/detail.html", context)


def _render_edit(
    request, application, *, form=None, self_form=None, evidence_form=None, status=200
):
    rows = list(application.self_evaluations.select_related("criterion"))
    context = {
        "application": application,
        "round": application.round,
        "alliance": application.alliance,
        "form": form or ApplicationForm(initial=ApplicationForm.initial_from(application)),
        "self_form": self_form
        or SelfEvaluationForm(initial=SelfEvaluationForm.initial_from(rows), rows=rows),
        "evidence_form": evidence_form or EvidenceForm(),
        "evidence": application.evidence.all(),
    }
    return render(request, "subsidies/applications/edit.html", context, status=status)


def _closed(request, application):
    """A redirect with the reason when the draft can no longer change, or None."""
    check = partial(services.check_application_edit, application=application, by=request.user)
    if warn_refused(request, check):
        return redirect("subsidies:application_detail", pk=application.pk)
    return None


def _refused(request, application, error, form, field=None):
    """A service refused the change: input errors stay on the page (on ``field`` of
    ``form``), anything else (a state that no longer allows it) goes back to the
    application with the reason."""
    if isinstance(error, ValidationError):
        for text in error.messages:
            form.add_error(field, text)
        return None
    show_refusal(request, error)
    return redirect("subsidies:application_detail", pk=application.pk)


@role_required(Role.LEAD_UNIT)
@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request, pk):
    application = _application_for_user(request.user, pk)
    if request.method != "POST":
        return _closed(request, application) or _render_edit(request, application)
    rows = list(application.self_evaluations.select_related("criterion"))
    form = ApplicationForm(request.POST)
    self_form = SelfEvaluationForm(request.POST, rows=rows)
    if not (form.is_valid() and self_form.is_valid()):
        closed = _closed(request, application)
        if closed:
            return closed
    else:
        try:
            services.application_save(
                application=application,
                by=request.user,
                self_evaluations=self_form.self_evaluations(),
                **form.cleaned_data,
            )
        except REFUSALS as error:
            refused = _refused(request, application, error, self_form)
            if refused:
                return refused
        else:
            messages.success(request, _("申请草稿已保存。"))
            return redirect("subsidies:application_detail", pk=application.pk)
    messages.error(request, _("申请未保存，请按提示修改。"))
    return _render_edit(request, application, form=form, self_form=self_form)


@require_POST
@role_required(Role.LEAD_UNIT)
def evidence_upload(request, pk):
    application = _application_for_user(request.user, pk)
    evidence_form = EvidenceForm(request.POST, request.FILES)
    if not evidence_form.is_valid():
        closed = _closed(request, application)
        if closed:
            return closed
    else:
        try:
            services.application_attach(
                application=application,
                by=request.user,
                uploaded=evidence_form.cleaned_data["file"],
            )
        except REFUSALS as error:
            refused = _refused(request, application, error, evidence_form, "file")
            if refused:
                return refused
        else:
            messages.success(request, _("佐证材料已上传。"))
            return redirect("subsidies:application_edit", pk=application.pk)
    return _render_edit(request, application, evidence_form=evidence_form)


@role_required(*READERS)
@require_safe
def evidence_download(request, pk, file_pk):
    application = _application_for_user(request.user, pk)
    evidence = get_object_or_404(application.evidence.all(), pk=file_pk)
    return attachment_response(evidence.file, evidence.original_name)


def _application_action(service, success):
    @require_POST
    @role_required(Role.LEAD_UNIT)
    def action(request, pk):
        application = _application_for_user(request.user, pk)
        try:
            service(
                application=application, by=request.user, expected_state=expected_state(request)
            )
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, success)
        return redirect("subsidies:application_detail", pk=application.pk)

    return action


application_submit = _application_action(
    services.application_submit, gettext_lazy("申请已提交，市科技局将组织专家评审。")
)
application_withdraw = _application_action(
    services.application_withdraw, gettext_lazy("申请已撤回。")
)
