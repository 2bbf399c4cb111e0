"""Subsidy applications (Art. 15): a lead unit applies for a filed alliance in good standing,
fills in the summary, funding plan and self-evaluation, attaches evidence and submits.

Every application is fetched through ``selectors.applications_visible_to``: a lead unit
sees its own, staff the submitted ones, an evaluator those they declared on. Lead units
never see evaluators' names or scores.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import AuditEntry
from filings.selectors import alliances_visible_to

from . import selectors, services
from .forms import ApplicationFilter, ApplicationForm, EvidenceForm, SelfEvaluationForm
from .models import Application
from .views_common import REFUSALS, expected_state, file_download, refusal_messages, show_refusal

PAGE_SIZE = 25
READERS = (*STAFF_ROLES, Role.LEAD_UNIT, Role.EVALUATOR)
# What a lead unit may read of its application's history: its own steps. Assignments and
# scores name the evaluators, so they stay with the bureau.
LEAD_UNIT_ACTIONS = ("create", "submit", "withdraw")


def _application_for_user(user, pk) -> Application:
    return get_object_or_404(selectors.applications_visible_to(user), pk=pk)


def _editable(application) -> bool:
    return application.state == Application.State.DRAFT and application.round.window_open


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
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
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
    round_ = application.round
    is_lead = user.is_lead_unit
    is_staff = user.effective_role in STAFF_ROLES
    award = getattr(application, "award", None) if (is_staff or round_.is_published) else None
    timeline = []
    if is_staff:
        timeline = AuditEntry.objects.for_object(application)
    elif is_lead:
        timeline = AuditEntry.objects.for_object(application).filter(action__in=LEAD_UNIT_ACTIONS)
    context = {
        "application": application,
        "round": round_,
        "alliance": application.alliance,
        "self_evaluations": application.self_evaluations.select_related("criterion"),
        "evidence": application.evidence.all(),
        "award": award if not user.is_evaluator else None,
        "is_lead": is_lead,
        "is_staff": is_staff,
        "can_edit": is_lead and _editable(application),
        "can_submit": is_lead and application.state == Application.State.DRAFT,
        "can_withdraw": is_lead
        and application.state != Application.State.WITHDRAWN
        and round_.window_open,
        "timeline": timeline,
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
        "form": form or ApplicationForm(instance=application),
        "self_form": self_form
        or SelfEvaluationForm(initial=SelfEvaluationForm.initial_from(rows), rows=rows),
        "evidence_form": evidence_form or EvidenceForm(),
        "evidence": application.evidence.all(),
    }
    return render(request, "subsidies/applications/edit.html", context, status=status)


def _not_editable(request, application):
    if application.state != Application.State.DRAFT:
        messages.warning(request, _("申请已提交或撤回，不能修改。"))
    else:
        messages.warning(request, _("本批次不在申请期内，不能修改申请。"))
    return redirect("subsidies:application_detail", pk=application.pk)


@role_required(Role.LEAD_UNIT)
@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request, pk):
    application = _application_for_user(request.user, pk)
    if not _editable(application):
        return _not_editable(request, application)
    if request.method != "POST":
        return _render_edit(request, application)
    rows = list(application.self_evaluations.select_related("criterion"))
    form = ApplicationForm(request.POST, instance=application)
    self_form = SelfEvaluationForm(request.POST, rows=rows)
    if form.is_valid() and self_form.is_valid():
        try:
            services.application_save(
                application=application,
                by=request.user,
                form=form,
                self_evaluations=self_form.self_evaluations(),
            )
        except ValidationError as error:
            for text in error.messages:
                self_form.add_error(None, text)
        except REFUSALS as error:
            show_refusal(request, error)
            return redirect("subsidies:application_detail", pk=application.pk)
        else:
            messages.success(request, _("申请草稿已保存。"))
            return redirect("subsidies:application_detail", pk=application.pk)
    messages.error(request, _("申请未保存，请按提示修改。"))
    return _render_edit(request, application, form=form, self_form=self_form)


@require_POST
@role_required(Role.LEAD_UNIT)
def evidence_upload(request, pk):
    application = _application_for_user(request.user, pk)
    if not _editable(application):
        return _not_editable(request, application)
    evidence_form = EvidenceForm(request.POST, request.FILES)
    if evidence_form.is_valid():
        try:
            services.application_attach(
                application=application,
                by=request.user,
                uploaded=evidence_form.cleaned_data["file"],
            )
        except ValidationError as error:
            for text in error.messages:
                evidence_form.add_error("file", text)
        except REFUSALS as error:
            show_refusal(request, error)
            return redirect("subsidies:application_detail", pk=application.pk)
        else:
            messages.success(request, _("佐证材料已上传。"))
            return redirect("subsidies:application_edit", pk=application.pk)
    return _render_edit(request, application, evidence_form=evidence_form)


@role_required(*READERS)
@require_safe
def evidence_download(request, pk, file_pk):
    application = _application_for_user(request.user, pk)
    evidence = get_object_or_404(application.evidence.all(), pk=file_pk)
    return file_download(evidence.file, evidence.original_name, evidence.content_type)


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
            for text in refusal_messages(error):
                messages.error(request, text)
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
