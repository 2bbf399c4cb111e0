"""Symposia (Art. 12(3)): scheduling, invitations, attendance, minutes."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry
from core import transitions
from core.downloads import attachment_response
from core.refusals import REFUSALS, show_refusal

from .. import services
from ..forms.symposia import InviteForm, MinutesForm, SymposiumForm
from ..models import Symposium, SymposiumInvitation
from ..selectors import invitations_visible_to, symposia_visible_to
from .common import PAGE_SIZE, READERS, expected_state, passes


def _get_symposium_for_user(user, pk) -> Symposium:
    return get_object_or_404(symposia_visible_to(user), pk=pk)


@role_required(*READERS)
def symposium_list(request):
    user = request.user
    symposia = (
        symposia_visible_to(user)
        .annotate(invited=Count("invitations"))
        .prefetch_related(
            Prefetch(
                "invitations", queryset=invitations_visible_to(user), to_attr="visible_invitations"
            )
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
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("已安排座谈会，并向%(n)d个联盟发出邀请。") % {"n": len(data["alliances"])},
            )
            return redirect("supervision:symposium_detail", pk=symposium.pk)
    return render(request, "supervision/symposia/form.html", {"form": form})


def _render_detail(request, symposium, *, invite_form=None, minutes_form=None):
    user = request.user
    # What the services would let this user do now (state, permission).
    actions = {a.name for a in transitions.available(symposium, user) if a.allowed}
    may_invite = passes(services.symposium_check_open, symposium, user)
    context = {
        "symposium": symposium,
        "invitations": invitations_visible_to(user).filter(symposium=symposium),
        "is_staff": user.is_municipal_staff,
        "can_record_attendance": passes(services.symposium_check_attendance, symposium, user),
        "attendance_choices": SymposiumInvitation.Attendance.choices,
        "invite_form": (invite_form or InviteForm(symposium=symposium)) if may_invite else None,
        "minutes_form": (minutes_form or MinutesForm()) if "record_minutes" in actions else None,
        "can_cancel": "cancel" in actions,
        "log": AuditEntry.objects.for_object(symposium) if user.is_municipal_staff else [],
    }
    return render(request, "supervision/symposia/detail.html", context)


@role_required(*READERS)
def symposium_detail(request, pk):
    return _render_detail(request, _get_symposium_for_user(request.user, pk))


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_invite(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    form = InviteForm(request.POST, symposium=symposium)
    try:
        if not form.is_valid():
            services.symposium_check_open(symposium, request.user)
            return _render_detail(request, symposium, invite_form=form)
        created = services.symposium_invite(
            symposium=symposium, by=request.user, alliances=form.cleaned_data["alliances"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, symposium, invite_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已向%(n)d个联盟发出邀请。") % {"n": len(created)})
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_attendance(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    attendance = {}
    for invitation in symposium.invitations.all():
        status = request.POST.get(f"attendance-{invitation.pk}")
        if status is not None:
            attendees = request.POST.get(f"attendees-{invitation.pk}", "").strip()
            attendance[invitation.pk] = (status, attendees)
    try:
        updated = services.symposium_record_attendance(
            symposium=symposium, by=request.user, attendance=attendance
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已登记%(n)d个联盟的出席情况。") % {"n": updated})
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_minutes(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    form = MinutesForm(request.POST, request.FILES)
    expected = expected_state(request)
    try:
        if not form.is_valid():
            services.symposium_check(
                symposium, "record_minutes", request.user, expected_state=expected
            )
            return _render_detail(request, symposium, minutes_form=form)
        services.symposium_record_minutes(
            symposium=symposium,
            by=request.user,
            summary=form.cleaned_data["summary"],
            uploaded=form.cleaned_data["file"] or None,
            expected_state=expected,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, symposium, minutes_form=form)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("会议纪要已上传，座谈会状态为“已召开”。"))
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def symposium_cancel(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    try:
        services.symposium_cancel(
            symposium=symposium, by=request.user, expected_state=expected_state(request)
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("座谈会已取消。"))
    return redirect("supervision:symposium_detail", pk=symposium.pk)


@role_required(*READERS)
def minutes_download(request, pk):
    symposium = _get_symposium_for_user(request.user, pk)
    stem = PurePath(symposium.minutes_original_name).stem or symposium.title
    # The extension is the stored bytes' (core.downloads): the stored name always says .pdf.
    return attachment_response(symposium.minutes_file, f"会议纪要-{stem}.pdf")
