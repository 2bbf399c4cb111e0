"""Symposia (Art. 12(3)): scheduling, invitations, attendance, minutes."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import AuditEntry
from core.downloads import SIGNATURES
from core.transitions import StaleRecord, TransitionRefused
from filings.selectors import alliances_visible_to

from . import services
from .forms_symposia import InviteForm, MinutesForm, SymposiumForm
from .models import Symposium, SymposiumInvitation
from .selectors import symposia_visible_to

PAGE_SIZE = 25
READERS = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)


def _own_invitations(user):
    """The invitations a user may see: all for the bureau, its own alliances' otherwise."""
    invitations = SymposiumInvitation.objects.select_related("alliance")
    if user.effective_role in STAFF_ROLES:
        return invitations
    return invitations.filter(alliance__in=alliances_visible_to(user))


def _get_symposium_for_user(user, pk) -> Symposium:
    return get_object_or_404(symposia_visible_to(user), pk=pk)


@role_required(*READERS)
def symposium_list(request):
    user = request.user
    symposia = (
        symposia_visible_to(user)
        .annotate(invited=Count("invitations"))
        .prefetch_related(
            Prefetch("invitations", queryset=_own_invitations(user), to_attr="visible_invitations")
        )
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(symposia, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/symposia/list.html",
        {"page_obj": page, "can_schedule": user.is_municipal_staff},
    )


@role_required(Role.MUNICIPAL_STAFF)
def symposium_new(request):
    form = SymposiumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            symposium = services.symposium_schedule(
                by=request.user,
                title=data["title"],
                starts_at=data["starts_at"],
                location=data["location"],
                agenda=data["agenda"],
                alliances=data["alliances"],
            )
        except ValidationError as error:
            form.add_error("alliances", error)
        else:
            messages.success(
                request,
                _("已安排座谈会，并向%(n)d个联盟发出邀请。") % {"n": len(data["alliances"])},
            )
            return redirect("supervision:symposium_detail", pk=symposium.pk)
    return render(request, "supervision/symposia/form.html", {"form": form})


def _render_detail(request, symposium, *, status=200, **forms):
    user = request.user
    is_staff = user.is_municipal_staff
    scheduled = symposium.state == Symposium.State.SCHEDULED
    context = {
        "symposium": symposium,
        "invitations": _own_invitations(user).filter(symposium=symposium),
        "is_staff": is_staff,
        "can_record_attendance": is_staff and symposium.state != Symposium.State.CANCELLED,
        "attendance_choices": SymposiumInvitation.Attendance.choices,
        "invite_form": None,
        "minutes_form": None,
        "log": AuditEntry.objects.for_object(symposium) if is_staff else [],
    }
    if is_staff and scheduled:
        context["invite_form"] = forms.get("invite_form") or InviteForm(symposium=symposium)
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm()
    return render(request, "supervision/symposia/detail.html", context, status=status)


@role_required(*READERS)
def symposium_detail(request, pk):
    return _render_detail(request, _get_symposium_for_user(request.user, pk))


def _refused(request, error):
    if isinstance(error, StaleRecord):
        messages.error(request, error.message)
    else:
        for reason in error.reasons:
            messages.error(request, reason)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_invite(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    form = InviteForm(request.POST, symposium=symposium)
    if not form.is_valid():
        return _render_detail(request, symposium, invite_form=form)
    try:
        created = services.symposium_invite(
            symposium=symposium, by=request.user, alliances=form.cleaned_data["alliances"]
        )
    except ValidationError as error:
        form.add_error("alliances", error)
        return _render_detail(request, symposium, invite_form=form)
    except (StaleRecord, TransitionRefused) as error:
        _refused(request, error)
    else:
        messages.success(request, _("已向%(n)d个联盟发出邀请。") % {"n": len(created)})
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_attendance(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    valid = set(SymposiumInvitation.Attendance.values)
    attendance = {}
    for invitation in symposium.invitations.all():
        status = request.POST.get(f"attendance-{invitation.pk}")
        if status is None:
            continue
        if status not in valid:
            messages.error(request, _("出席情况的取值无效，请重新选择。"))
            return redirect("supervision:symposium_detail", pk=symposium.pk)
        attendees = request.POST.get(f"attendees-{invitation.pk}", "").strip()
        attendance[invitation.pk] = (status, attendees)
    updated = services.symposium_record_attendance(
        symposium=symposium, by=request.user, attendance=attendance
    )
    messages.success(request, _("已登记%(n)d个联盟的出席情况。") % {"n": updated})
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_minutes(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    form = MinutesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, symposium, minutes_form=form)
    try:
        services.symposium_record_minutes(
            symposium=symposium,
            by=request.user,
            summary=form.cleaned_data["summary"],
            uploaded=form.cleaned_data["file"] or None,
            expected_state=request.POST.get("expected_state") or None,
        )
    except ValidationError as error:
        form.add_error("file" if getattr(error, "code", None) else "summary", error)
        return _render_detail(request, symposium, minutes_form=form)
    except (StaleRecord, TransitionRefused) as error:
        _refused(request, error)
    else:
        messages.success(request, _("会议纪要已上传，座谈会状态为“已召开”。"))
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_cancel(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    try:
        services.symposium_cancel(
            symposium=symposium,
            by=request.user,
            expected_state=request.POST.get("expected_state") or None,
        )
    except (StaleRecord, TransitionRefused) as error:
        _refused(request, error)
    else:
        messages.success(request, _("座谈会已取消。"))
    return redirect("supervision:symposium_detail", pk=symposium.pk)


def _sniff(file) -> tuple[str, str]:
    """(content type, extension) from the stored bytes: the stored name always says .pdf."""
    with file.open("rb") as handle:
        head = handle.read(16)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return "application/octet-stream", ""


@role_required(*READERS)
def minutes_download(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    if not symposium.minutes_file:
        raise Http404
    content_type, extension = _sniff(symposium.minutes_file)
    stem = PurePath(symposium.minutes_original_name).stem or symposium.title
    response = FileResponse(
        symposium.minutes_file.open("rb"),
        as_attachment=True,
        filename=f"会议纪要-{stem}{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
