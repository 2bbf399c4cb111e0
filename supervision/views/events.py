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

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry
from core.downloads import attachment_response
from core.refusals import REFUSALS, show_refusal
from filings.models import Alliance
from filings.selectors import alliances_visible_to

from .. import services
from ..filters import EventFilter
from ..forms.common import AttachmentForm, ReturnForm
from ..forms.events import EventReportForm
from ..models import EventReport
from ..selectors import events_visible_to, reporting_alliances
from ..services.events import explain
from .common import PAGE_SIZE, READERS, expected_state, record_actions

Kind = EventReport.Kind


def _get_report_for_user(user, pk) -> EventReport:
    return get_object_or_404(
        events_visible_to(user).select_related("member_organisation__jurisdiction", "created_by"),
        pk=pk,
    )


def _actions(report, user) -> dict:
    return record_actions(report, user, explain=explain, check_edit=services.event_check_edit)


@role_required(*READERS)
def event_list(request):
    user = request.user
    queryset = events_visible_to(user).order_by("-event_date", "-pk")
    filterset = EventFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "reporting_alliances": reporting_alliances(user) if user.is_lead_unit else [],
    }
    return render(request, "supervision/events/list.html", context)


def _render_form(request, form, *, alliance, report=None, upload_form=None):
    context = {
        "form": form,
        "alliance": alliance,
        "report": report,
        "alliance_filed": alliance.status == Alliance.Status.FILED,
    }
    if report is not None:
        context.update(_actions(report, request.user))
        context["attachments"] = report.attachments.all()
        context["upload_form"] = upload_form or AttachmentForm()
    return render(request, "supervision/events/form.html", context)


@role_required(Role.LEAD_UNIT)
def event_new(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    form = EventReportForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                # A revoked alliance is told so next to what is to be fixed.
                services.event_check_new(alliance, request.user)
                return _render_form(request, form, alliance=alliance)
            report = services.event_create(
                alliance=alliance, by=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存为草稿。请上传附件（如有），核对后提交报告。"))
            return redirect("supervision:event_edit", pk=report.pk)
    return _render_form(request, form, alliance=alliance)


@role_required(Role.LEAD_UNIT)
def event_edit(request, pk):
    report = _get_report_for_user(request.user, pk)
    form = EventReportForm(request.POST or None, instance=report)
    try:
        if not form.is_valid():
            # A page to fill in only while the service would save it.
            services.event_check_edit(report, request.user)
            return _render_form(request, form, alliance=report.alliance, report=report)
        services.event_save(report=report, by=request.user, data=form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_form(request, form, alliance=report.alliance, report=report)
    except REFUSALS as error:
        show_refusal(request, error)
        return redirect("supervision:event_detail", pk=report.pk)
    messages.success(request, _("草稿已保存。"))
    return redirect("supervision:event_edit", pk=report.pk)


@require_POST
@role_required(Role.LEAD_UNIT)
def event_attach(request, pk):
    report = _get_report_for_user(request.user, pk)
    upload_form = AttachmentForm(request.POST, request.FILES)
    edit_form = EventReportForm(instance=report)
    try:
        if not upload_form.is_valid():
            services.event_check_edit(report, request.user)
            return _render_form(
                request, edit_form, alliance=report.alliance, report=report, upload_form=upload_form
            )
        attachment = services.event_attach(
            report=report, by=request.user, uploaded=upload_form.cleaned_data["file"]
        )
    except ValidationError as error:
        upload_form.add_error(None, error)
        return _render_form(
            request, edit_form, alliance=report.alliance, report=report, upload_form=upload_form
        )
    except REFUSALS as error:
        show_refusal(request, error)
        return redirect("supervision:event_detail", pk=report.pk)
    messages.success(request, _("已上传附件“%(name)s”。") % {"name": attachment.original_name})
    return redirect("supervision:event_edit", pk=report.pk)


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


def _render_detail(request, report, *, return_form=None, action_errors=()):
    accepted = report.state == EventReport.State.ACCEPTED
    actions = _actions(report, request.user)
    context = {
        "report": report,
        "alliance": report.alliance,
        "attachments": report.attachments.all(),
        "timeline": AuditEntry.objects.for_object(report),
        "requested_change": [] if accepted else _requested_change(report),
        "applied_changes": report.changes.select_related("changed_by") if accepted else [],
        "return_form": (return_form or ReturnForm()) if actions["can_return"] else None,
        "action_errors": action_errors,
        **actions,
    }
    return render(request, "supervision/events/detail.html", context)


@role_required(*READERS)
def event_detail(request, pk):
    return _render_detail(request, _get_report_for_user(request.user, pk))


@role_required(*READERS)
def attachment_download(request, pk, attachment_pk):
    report = _get_report_for_user(request.user, pk)
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    return attachment_response(attachment.file, attachment.original_name)


@require_POST
@role_required(Role.LEAD_UNIT)
def event_submit(request, pk):
    report = _get_report_for_user(request.user, pk)
    try:
        services.event_submit(
            report=report, by=request.user, expected_state=expected_state(request)
        )
    except ValidationError as error:
        # The change no longer makes sense (validate_change): say what to fix.
        return _render_detail(request, report, action_errors=error.messages)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("重大事项已报告，市科技局受理后将通知您。"))
    return redirect("supervision:event_detail", pk=report.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def event_accept(request, pk):
    report = _get_report_for_user(request.user, pk)
    try:
        services.event_accept(
            report=report, by=request.user, expected_state=expected_state(request)
        )
    except ValidationError as error:
        return _render_detail(request, report, action_errors=error.messages)
    except REFUSALS as error:
        show_refusal(request, error)
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
    form = ReturnForm(request.POST)
    expected = expected_state(request)
    try:
        if not form.is_valid():
            # A stale page or a state that allows no return is explained first.
            services.event_check(
                report, "return_for_revision", request.user, expected_state=expected
            )
            return _render_detail(request, report, return_form=form)
        services.event_return(
            report=report,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_state=expected,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, report, return_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已退回修改，牵头单位将收到退回理由。"))
    return redirect("supervision:event_detail", pk=report.pk)
