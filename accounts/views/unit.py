"""The unit's users (单位用户): every user of the unit reads the list; the unit's
administrator invites, sends an invitation again, removes, hands the role over and reads
what each did. Actions are POST-only; removal and hand-over have a confirmation page.
Colleagues are looked up in the user's own unit: anyone else's is a 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.refusals import REFUSALS, refusal_messages, refusal_to_form, show_refusal

from .. import rules, two_factor, unit_users
from ..filters import UnitActivityFilter
from ..forms import ColleagueForm, RemovalForm
from ..invitations import invitation_tokens
from ..models import Role
from ..permissions import role_required
from ..selectors import unit_activity
from ..selectors import unit_users as unit_users_of
from .common import PAGE_SIZE
from .two_factor import step_url

STATE_LABELS = {
    "active": gettext_lazy("已激活"),
    "invited": gettext_lazy("待设置密码"),
    "removed": gettext_lazy("已停用"),
}


def _require_admin(user):
    if not rules.is_unit_admin_of(user.organisation_id, user):
        raise PermissionDenied


def _colleague(request, pk):
    return get_object_or_404(unit_users_of(request.user), pk=pk)


@role_required(Role.LEAD_UNIT)
def user_list(request):
    user = request.user
    rows = [(colleague, unit_users.state_of(colleague)) for colleague in unit_users_of(user)]
    context = {
        "rows": rows,
        "organisation": user.organisation,
        "is_admin": rules.is_unit_admin_of(user.organisation_id, user),
        "state_labels": STATE_LABELS,
    }
    return render(request, "accounts/unit/list.html", context)


@role_required(Role.LEAD_UNIT)
def user_invite(request):
    _require_admin(request.user)
    form = ColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            colleague = unit_users.colleague_invite(by=request.user, values=form.cleaned_data)
        except ValidationError as error:
            refusal_to_form(form, error)
        else:
            messages.success(
                request,
                _("已添加 %(name)s，设置密码的邀请已发送到 %(email)s。")
                % {"name": colleague.get_full_name(), "email": colleague.email},
            )
            return redirect("accounts:unit_users")
    context = {"form": form, "invitation_days": settings.PORTAL_INVITATION_DAYS}
    return render(request, "accounts/unit/invite.html", context)


@require_POST
@role_required(Role.LEAD_UNIT)
def user_resend(request, pk):
    _require_admin(request.user)
    colleague = _colleague(request, pk)
    try:
        unit_users.colleague_resend_invitation(by=request.user, user=colleague)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("邀请已重新发送到 %(email)s，之前的链接已失效。") % {"email": colleague.email},
        )
    return redirect("accounts:unit_users")


@role_required(Role.LEAD_UNIT)
def user_remove(request, pk):
    """GET: the confirmation page with the reason; POST: remove."""
    _require_admin(request.user)
    colleague = _colleague(request, pk)
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit_users.colleague_remove(
                by=request.user, user=colleague, reason=form.cleaned_data["reason"]
            )
        except REFUSALS as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("已停用 %(name)s。") % {"name": colleague.get_full_name()})
            return redirect("accounts:unit_users")
    context = {"colleague": colleague, "form": form, "state": unit_users.state_of(colleague)}
    return render(request, "accounts/unit/remove.html", context)


@role_required(Role.LEAD_UNIT)
def admin_hand_over(request, pk):
    """GET: the confirmation page naming the consequences; POST: hand the role over."""
    _require_admin(request.user)
    colleague = _colleague(request, pk)
    errors = []
    if request.method == "POST":
        try:
            unit_users.admin_hand_over(by=request.user, to_user=colleague)
        except REFUSALS as error:
            errors = refusal_messages(error)
        else:
            messages.success(
                request,
                _("单位管理员已移交给 %(name)s。") % {"name": colleague.get_full_name()},
            )
            return redirect("accounts:unit_users")
    context = {
        "colleague": colleague,
        "state": unit_users.state_of(colleague),
        "errors": errors,
    }
    return render(request, "accounts/unit/hand_over.html", context)


@role_required(Role.LEAD_UNIT)
def activity(request):
    _require_admin(request.user)
    filterset = UnitActivityFilter(
        request.GET,
        queryset=unit_activity(request.user),
        colleagues=unit_users_of(request.user),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/unit/activity.html", {"filter": filterset, "page_obj": page})


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link of an invitation: set the password, then signed in. Django's reset page,
    with the invitation's own token (its salt and validity) and a service that audits."""

    template_name = "accounts/unit/invitation.html"
    token_generator = invitation_tokens

    def form_valid(self, form):
        try:
            user = unit_users.invitation_accept(
                user=form.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            refusal_to_form(form, error)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("密码已设置，欢迎使用。"))
        going_to = reverse("portal:home")
        step = two_factor.pending_step(user)
        return HttpResponseRedirect(step_url(step, going_to) if step else going_to)
