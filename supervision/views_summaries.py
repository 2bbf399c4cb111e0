"""Annual work summaries (Art. 12(1)): list, create, edit, attach, submit, accept, return.

The helpers ``refused`` and ``attachment_response`` are shared with the major-event
report views (views_events.py).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import has_transition_perm

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import AuditEntry
from core import transitions
from core.transitions import StaleRecord, TransitionRefused
from filings.models import Alliance
from filings.selectors import alliances_visible_to

from . import services
from .forms_summaries import AttachmentForm, ReturnForm, SummaryFilter, SummaryForm
from .models import AnnualSummary
from .models.summaries import annual_summary_due_date
from .selectors import summaries_visible_to
from .services.summaries import LABELS as SUMMARY_LABELS

PAGE_SIZE = 25
READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)
EDITABLE = (AnnualSummary.State.DRAFT, AnnualSummary.State.RETURNED)


# --- Shared with views_events ------------------------------------------------------------


def refused(request, error):
    """A stale page or a refused transition: say why, change nothing."""
    if isinstance(error, StaleRecord):
        messages.error(request, error.message)
    else:
        for reason in error.reasons:
            messages.error(request, reason)


def back(request, fallback):
    """Where the POST came from, if it is this site; else ``fallback``."""
    target = request.POST.get("next") or request.headers.get("referer", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): it would take a bare word for a view name.
        return HttpResponseRedirect(target)
    return redirect(fallback)


def attachment_response(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (restored database, pruned storage): not a 500.
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Summaries ---------------------------------------------------------------------------


def _get_summary_for_user(user, pk) -> AnnualSummary:
    return get_object_or_404(summaries_visible_to(user), pk=pk)


def _missing_summaries(user):
    """A lead unit's filed alliances without a summary for a year since filing."""
    today = timezone.localdate()
    alliances = list(
        alliances_visible_to(user)
        .filter(status=Alliance.Status.FILED, filed_on__isnull=False)
        .order_by("name")
    )
    existing = set(
        AnnualSummary.objects.filter(alliance__in=alliances).values_list("alliance_id", "year")
    )
    rows = []
    for alliance in alliances:
        for year in range(today.year, alliance.filed_on.year - 1, -1):
            if (alliance.pk, year) not in existing:
                due = annual_summary_due_date(year)
                rows.append(
                    {"alliance": alliance, "year": year, "due": due, "overdue": today > due}
                )
    return rows


@role_required(*READERS)
def summary_list(request):
    user = request.user
    queryset = summaries_visible_to(user).order_by("-year", "alliance__name", "pk")
    filterset = SummaryFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "missing": _missing_summaries(user) if user.is_lead_unit else [],
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
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return back(request, "supervision:summary_list")
    messages.success(request, _("已创建%(year)s年度工作总结，请填写。") % {"year": year})
    return redirect("supervision:summary_edit", pk=summary.pk)


def _submit_transition(summary):
    if summary.state == AnnualSummary.State.RETURNED:
        return summary.resubmit
    return summary.submit


def _lead_actions(summary, user) -> dict:
    is_lead = user.is_lead_unit and user.organisation_id == summary.alliance.lead_unit_id
    editable = is_lead and summary.state in EDITABLE
    can_submit = editable and has_transition_perm(_submit_transition(summary), user)
    return {
        "can_edit": editable,
        "can_submit": can_submit,
        # Editable but the law forbids submitting: say why instead of hiding the button.
        "submit_blocked": editable and not can_submit,
    }


def _render_edit(request, summary, *, form=None, upload_form=None, submit_errors=(), status=200):
    context = {
        "summary": summary,
        "form": form or SummaryForm(instance=summary),
        "upload_form": upload_form or AttachmentForm(),
        "attachments": summary.attachments.all(),
        "submit_errors": submit_errors,
        **_lead_actions(summary, request.user),
    }
    return render(request, "supervision/summaries/edit.html", context, status=status)


def _editable_or_redirect(request, summary):
    if summary.state in EDITABLE:
        return None
    messages.info(
        request,
        _("总结当前状态为“%(state)s”，不能修改。") % {"state": summary.get_state_display()},
    )
    return redirect("supervision:summary_detail", pk=summary.pk)


@role_required(Role.LEAD_UNIT)
def summary_edit(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    not_editable = _editable_or_redirect(request, summary)
    if not_editable:
        return not_editable
    if request.method != "POST":
        return _render_edit(request, summary)
    form = SummaryForm(request.POST, instance=summary)
    if not form.is_valid():
        return _render_edit(request, summary, form=form)
    try:
        services.summary_save(summary=summary, by=request.user, form=form)
    except TransitionRefused as error:
        refused(request, error)
        return redirect("supervision:summary_detail", pk=summary.pk)
    messages.success(request, _("草稿已保存。"))
    return redirect("supervision:summary_edit", pk=summary.pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def summary_attach(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    not_editable = _editable_or_redirect(request, summary)
    if not_editable:
        return not_editable
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_edit(request, summary, upload_form=form)
    try:
        attachment = services.summary_attach(
            summary=summary, by=request.user, uploaded=form.cleaned_data["file"]
        )
    except ValidationError as error:
        form.add_error("file", error)
        return _render_edit(request, summary, upload_form=form)
    except TransitionRefused as error:
        refused(request, error)
        return redirect("supervision:summary_detail", pk=summary.pk)
    messages.success(request, _("已上传附件“%(name)s”。") % {"name": attachment.original_name})
    return redirect("supervision:summary_edit", pk=summary.pk)


def _render_detail(request, summary, *, return_form=None, action_errors=(), status=200):
    user = request.user
    can_return = has_transition_perm(summary.return_for_revision, user)
    context = {
        "summary": summary,
        "attachments": summary.attachments.all(),
        "timeline": AuditEntry.objects.for_object(summary),
        "can_accept": has_transition_perm(summary.accept, user),
        "can_return": can_return,
        "return_form": (return_form or ReturnForm()) if can_return else None,
        "action_errors": action_errors,
        **_lead_actions(summary, user),
    }
    return render(request, "supervision/summaries/detail.html", context, status=status)


@role_required(*READERS)
def summary_detail(request, pk):
    return _render_detail(request, _get_summary_for_user(request.user, pk))


@role_required(*READERS)
def attachment_download(request, pk, attachment_pk):
    summary = _get_summary_for_user(request.user, pk)
    return attachment_response(get_object_or_404(summary.attachments, pk=attachment_pk))


def _expected(request):
    return request.POST.get("expected_state") or None


@require_POST
@role_required(Role.LEAD_UNIT)
def summary_submit(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    try:
        services.summary_submit(summary=summary, by=request.user, expected_state=_expected(request))
    except ValidationError as error:
        if summary.state in EDITABLE:
            # Nothing typed on this page: show the edit form with what is missing.
            return _render_edit(request, summary, submit_errors=error.messages)
        for message in error.messages:
            messages.error(request, message)
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
    else:
        messages.success(request, _("年度工作总结已提交，市科技局受理后将通知您。"))
    return redirect("supervision:summary_detail", pk=summary.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def summary_accept(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    try:
        services.summary_accept(summary=summary, by=request.user, expected_state=_expected(request))
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
    else:
        messages.success(request, _("已受理该年度工作总结。"))
    return redirect("supervision:summary_detail", pk=summary.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def summary_return(request, pk):
    summary = _get_summary_for_user(request.user, pk)
    try:
        # A stale page or a forged POST is explained before the form is checked.
        if _expected(request) not in (None, summary.state):
            raise StaleRecord
        transitions.check(
            summary,
            "return_for_revision",
            request.user,
            label=SUMMARY_LABELS["return_for_revision"],
        )
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
        return redirect("supervision:summary_detail", pk=summary.pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, summary, return_form=form)
    try:
        services.summary_return(
            summary=summary,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_state=_expected(request),
        )
    except ValidationError as error:
        form.add_error("reason", error)
        return _render_detail(request, summary, return_form=form)
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
    else:
        messages.success(request, _("已退回修改，牵头单位将收到退回理由。"))
    return redirect("supervision:summary_detail", pk=summary.pk)
