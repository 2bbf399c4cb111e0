"""Annual work summaries (Art. 12(1)): list, create, edit, attach, submit, accept, return."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry
from core.downloads import attachment_response
from core.refusals import REFUSALS, show_refusal
from filings.selectors import alliances_visible_to

from .. import services
from ..filters import SummaryFilter
from ..forms.common import AttachmentForm, ReturnForm
from ..forms.summaries import SummaryForm
from ..models import AnnualSummary
from ..selectors import summaries_missing, summaries_visible_to
from ..services.summaries import explain
from .common import PAGE_SIZE, READERS, back, expected_state, record_actions


def _get_summary_for_user(user, pk) -> AnnualSummary:
    return get_object_or_404(summaries_visible_to(user), pk=pk)


def _actions(summary, user) -> dict:
    return record_actions(summary, user, explain=explain, check_edit=services.summary_check_edit)


@role_required(*READERS)
def summary_list(request):
    user = request.user
    queryset = summaries_visible_to(user).order_by("-year", "alliance__name", "pk")
    filterset = SummaryFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The years not started yet are listed with the drafts (the lead unit's to-do list
    # counts both as due), not when the list is narrowed to another state.
    unstarted = filterset.form.cleaned_data.get("state") in ("", None, AnnualSummary.State.DRAFT)
    context = {
        "filter": filterset,
        "page_obj": page,
        "missing": summaries_missing(user) if user.is_lead_unit and unstarted else [],
    }
    return render(request, "supervision/summaries/list.html", context)


@require_POST
@role_required(Role.LEAD_UNIT)
def summary_new(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    try:
        year = int(request.POST.get("year", "").strip())
    except ValueError:
        messages.error(request, _("请填写有效的年度（四位数字，如2026）。"))
        return back(request, "supervision:summary_list")
    try:
        summary = services.summary_create(alliance=alliance, by=request.user, year=year)
    except REFUSALS as error:
        show_refusal(request, error)
        return back(request, "supervision:summary_list")
    messages.success(request, _("已创建%(year)s年度工作总结，请填写。") % {"year": year})
    return redirect("supervision:summary_edit", pk=summary.pk)


def _render_edit(request, summary, *, form=None, upload_form=None, submit_errors=()):
    context = {
        "summary": summary,
        "form": form or SummaryForm(instance=summary),
        "upload_form": upload_form or AttachmentForm(),
        "attachments": summary.attachments.all(),
        "submit_errors": submit_errors,
        **_actions(summary, request.user),
    }
    return render(request, "supervision/summaries/edit.html", context)


@role_required(Role.LEAD_UNIT)
def summary_edit(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    form = SummaryForm(request.POST or None, instance=summary)
    try:
        if not form.is_valid():
            # A page to fill in only while the service would save it.
            services.summary_check_edit(summary, request.user)
            return _render_edit(request, summary, form=form)
        services.summary_save(summary=summary, by=request.user, data=form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_edit(request, summary, form=form)
    except REFUSALS as error:
        show_refusal(request, error)
        return redirect("supervision:summary_detail", pk=summary.pk)
    messages.success(request, _("草稿已保存。"))
    return redirect("supervision:summary_edit", pk=summary.pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def summary_attach(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            services.summary_check_edit(summary, request.user)
            return _render_edit(request, summary, upload_form=form)
        attachment = services.summary_attach(
            summary=summary, by=request.user, uploaded=form.cleaned_data["file"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_edit(request, summary, upload_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
        return redirect("supervision:summary_detail", pk=summary.pk)
    messages.success(request, _("已上传附件“%(name)s”。") % {"name": attachment.original_name})
    return redirect("supervision:summary_edit", pk=summary.pk)


def _render_detail(request, summary, *, return_form=None, action_errors=()):
    actions = _actions(summary, request.user)
    context = {
        "summary": summary,
        "attachments": summary.attachments.all(),
        "timeline": AuditEntry.objects.for_object(summary),
        "return_form": (return_form or ReturnForm()) if actions["can_return"] else None,
        "action_errors": action_errors,
        **actions,
    }
    return render(request, "supervision/summaries/detail.html", context)


@role_required(*READERS)
def summary_detail(request, pk):
    return _render_detail(request, _get_summary_for_user(request.user, pk))


@role_required(*READERS)
def attachment_download(request, pk, attachment_pk):
    summary = _get_summary_for_user(request.user, pk)
    attachment = get_object_or_404(summary.attachments, pk=attachment_pk)
    return attachment_response(attachment.file, attachment.original_name)


@require_POST
@role_required(Role.LEAD_UNIT)
def summary_submit(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    try:
        services.summary_submit(
            summary=summary, by=request.user, expected_state=expected_state(request)
        )
    except ValidationError as error:
        # Nothing typed on this page: show the edit form with what is missing.
        return _render_edit(request, summary, submit_errors=error.messages)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("年度工作总结已提交，市科技局受理后将通知您。"))
    return redirect("supervision:summary_detail", pk=summary.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def summary_accept(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    try:
        services.summary_accept(
            summary=summary, by=request.user, expected_state=expected_state(request)
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已受理该年度工作总结。"))
    return redirect("supervision:summary_detail", pk=summary.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def summary_return(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    expected = expected_state(request)
    try:
        if not form.is_valid():
            # A stale page or a state that allows no return is explained first.
            services.summary_check(
                summary, "return_for_revision", request.user, expected_state=expected
            )
            return _render_detail(request, summary, return_form=form)
        services.summary_return(
            summary=summary,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_state=expected,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, summary, return_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已退回修改，牵头单位将收到退回理由。"))
    return redirect("supervision:summary_detail", pk=summary.pk)
