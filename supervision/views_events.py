"""Major-event reports (Art. 12(2)): list, report, edit, attach, submit, accept, return.

Accepting a member, personnel or address change updates the alliance record; the
previous value stays visible as an AllianceChange row (shown on the report's page).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import has_transition_perm

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry
from core import transitions
from core.transitions import StaleRecord, TransitionRefused
from filings.models import Alliance
from filings.selectors import alliances_visible_to

from . import services
from .forms_events import EventFilter, EventReportForm
from .forms_summaries import AttachmentForm, ReturnForm
from .models import EventReport
from .selectors import events_visible_to
from .services.events import LABELS as EVENT_LABELS
from .views_summaries import PAGE_SIZE, READERS, attachment_response, refused

EDITABLE = (EventReport.State.DRAFT, EventReport.State.RETURNED)
Kind = EventReport.Kind


def _get_report_for_user(user, pk) -> EventReport:
    return get_object_or_404(
        events_visible_to(user).select_related("member_organisation", "created_by"), pk=pk
    )


@role_required(*READERS)
def event_list(request):
    user = request.user
    queryset = events_visible_to(user).order_by("-event_date", "-pk")
    filterset = EventFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    reporting = []
    if user.is_lead_unit:
        reporting = alliances_visible_to(user).filter(status=Alliance.Status.FILED).order_by("name")
    context = {"filter": filterset, "page_obj": page, "reporting_alliances": reporting}
    return render(request, "supervision/events/list.html", context)


def _render_form(request, form, *, alliance, report=None, upload_form=None):
    context = {
        "form": form,
        "alliance": alliance,
        "report": report,
        "alliance_filed": alliance.status == Alliance.Status.FILED,
    }
    if report is not None:
        context.update(_lead_actions(report, request.user))
        context["attachments"] = report.attachments.all()
        context["upload_form"] = upload_form or AttachmentForm()
    return render(request, "supervision/events/form.html", context)


@role_required(Role.LEAD_UNIT)
def event_new(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    form = EventReportForm(request.POST or None, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.event_create(alliance=alliance, by=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存为草稿。请上传附件（如有），核对后提交报告。"))
            return redirect("supervision:event_edit", pk=report.pk)
    return _render_form(request, form, alliance=alliance)


def _editable_or_redirect(request, report):
    if report.state in EDITABLE:
        return None
    messages.info(
        request, _("报告当前状态为“%(state)s”，不能修改。") % {"state": report.get_state_display()}
    )
    return redirect("supervision:event_detail", pk=report.pk)


@role_required(Role.LEAD_UNIT)
def event_edit(request, pk):
    report = _get_report_for_user(request.user, pk)
    not_editable = _editable_or_redirect(request, report)
    if not_editable:
        return not_editable
    form = EventReportForm(request.POST or None, instance=report, alliance=report.alliance)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_save(report=report, by=request.user, form=form)
        except TransitionRefused as error:
            refused(request, error)
            return redirect("supervision:event_detail", pk=report.pk)
        messages.success(request, _("草稿已保存。"))
        return redirect("supervision:event_edit", pk=report.pk)
    return _render_form(request, form, alliance=report.alliance, report=report)


@require_POST
@role_required(Role.LEAD_UNIT)
def event_attach(request, pk):
    report = _get_report_for_user(request.user, pk)
    not_editable = _editable_or_redirect(request, report)
    if not_editable:
        return not_editable
    upload_form = AttachmentForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            attachment = services.event_attach(
                report=report, by=request.user, uploaded=upload_form.cleaned_data["file"]
            )
        except ValidationError as error:
            upload_form.add_error("file", error)
        except TransitionRefused as error:
            refused(request, error)
            return redirect("supervision:event_detail", pk=report.pk)
        else:
            messages.success(
                request, _("已上传附件“%(name)s”。") % {"name": attachment.original_name}
            )
            return redirect("supervision:event_edit", pk=report.pk)
    form = EventReportForm(instance=report, alliance=report.alliance)
    return _render_form(
        request, form, alliance=report.alliance, report=report, upload_form=upload_form
    )


def _lead_actions(report, user) -> dict:
    is_lead = user.is_lead_unit and user.organisation_id == report.alliance.lead_unit_id
    editable = is_lead and report.state in EDITABLE
    can_submit = editable and has_transition_perm(report.submit, user)
    return {
        "can_edit": editable,
        "can_submit": can_submit,
        "submit_blocked": editable and not can_submit,
    }


def _requested_change(report) -> list[dict]:
    """What an open change report would change: the current value → the new value."""
    alliance = report.alliance
    if report.kind == Kind.MEMBER_CHANGE and report.member_organisation_id:
        organisation = report.member_organisation
        members = list(
            alliance.members.values_list("organisation_id", "organisation__name").order_by("pk")
        )
        names = [name for _pk, name in members]
        if report.member_action == EventReport.MemberAction.ADD:
            after = [*names, organisation.name]
        else:
            after = [name for pk, name in members if pk != organisation.pk]
        return [
            {
                "label": report.get_member_action_display(),
                "current": "—",
                "new": f"{organisation.name}（{organisation.uscc}）",
            },
            {"label": _("成员单位"), "current": "、".join(names), "new": "、".join(after)},
        ]
    if report.kind == Kind.PERSONNEL_CHANGE and report.position:
        return [
            {
                "label": report.get_position_display(),
                "current": getattr(alliance, report.position),
                "new": report.new_person_name,
            }
        ]
    if report.kind == Kind.ADDRESS_CHANGE:
        return [
            {
                "label": _("联盟工作办公室地址"),
                "current": alliance.office_address,
                "new": report.new_office_address,
            }
        ]
    return []


def _render_detail(request, report, *, return_form=None, action_errors=(), status=200):
    user = request.user
    accepted = report.state == EventReport.State.ACCEPTED
    can_return = has_transition_perm(report.return_for_revision, user)
    context = {
        "report": report,
        "alliance": report.alliance,
        "attachments": report.attachments.all(),
        "timeline": AuditEntry.objects.for_object(report),
        "requested_change": [] if accepted else _requested_change(report),
        "applied_changes": report.changes.select_related("changed_by") if accepted else [],
        "can_accept": has_transition_perm(report.accept, user),
        "can_return": can_return,
        "return_form": (return_form or ReturnForm()) if can_return else None,
        "action_errors": action_errors,
        **_lead_actions(report, user),
    }
    return render(request, "supervision/events/detail.html", context, status=status)


@role_required(*READERS)
def event_detail(request, pk):
    return _render_detail(request, _get_report_for_user(request.user, pk))


@role_required(*READERS)
def attachment_download(request, pk, attachment_pk):
    report = _get_report_for_user(request.user, pk)
    return attachment_response(get_object_or_404(report.attachments, pk=attachment_pk))


def _expected(request):
    return request.POST.get("expected_state") or None


@require_POST
@role_required(Role.LEAD_UNIT)
def event_submit(request, pk):
    report = _get_report_for_user(request.user, pk)
    try:
        services.event_submit(report=report, by=request.user, expected_state=_expected(request))
    except ValidationError as error:
        # The change no longer makes sense (validate_change): say what to fix.
        return _render_detail(request, report, action_errors=error.messages)
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
    else:
        messages.success(request, _("重大事项已报告，市科技局受理后将通知您。"))
    return redirect("supervision:event_detail", pk=report.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def event_accept(request, pk):
    report = _get_report_for_user(request.user, pk)
    try:
        services.event_accept(report=report, by=request.user, expected_state=_expected(request))
    except ValidationError as error:
        return _render_detail(request, report, action_errors=error.messages)
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
    else:
        if report.is_change:
            messages.success(
                request, _("已受理该报告，联盟信息已按报告变更，原信息保留在变更记录中。")
            )
        else:
            messages.success(request, _("已受理该报告。"))
    return redirect("supervision:event_detail", pk=report.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def event_return(request, pk):
    report = _get_report_for_user(request.user, pk)
    try:
        # A stale page or a forged POST is explained before the form is checked.
        if _expected(request) not in (None, report.state):
            raise StaleRecord
        transitions.check(
            report, "return_for_revision", request.user, label=EVENT_LABELS["return_for_revision"]
        )
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
        return redirect("supervision:event_detail", pk=report.pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, return_form=form)
    try:
        services.event_return(
            report=report,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_state=_expected(request),
        )
    except ValidationError as error:
        form.add_error("reason", error)
        return _render_detail(request, report, return_form=form)
    except (StaleRecord, TransitionRefused) as error:
        refused(request, error)
    else:
        messages.success(request, _("已退回修改，牵头单位将收到退回理由。"))
    return redirect("supervision:event_detail", pk=report.pk)
