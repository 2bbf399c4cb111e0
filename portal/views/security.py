"""The security administrator's pages (安全管理员, 三员分立): 锁定账号 (lift a lockout),
两步验证重置, 会话 (end a session) and 密码策略 (read-only). Only the security administrator
reaches them (403 for every other role, the system administrator included); actions are
POST-only and audited (accounts.security_admin, accounts.two_factor)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import security_admin, two_factor
from accounts.models import Role, User
from accounts.permissions import role_required
from core.client_ip import client_ip

from .. import security_forms

security_admin_only = role_required(Role.SECURITY_ADMIN)
PAGE_SIZE = 50


def _refused(request, error: ValidationError):
    for text in error.messages:
        messages.error(request, text)


@security_admin_only
@require_safe
def lockouts(request):
    return render(
        request,
        "security/lockouts.html",
        {
            "lockouts": security_admin.lockouts(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": round(security_admin.cool_off().total_seconds() / 60),
        },
    )


@security_admin_only
@require_POST
def unlock(request):
    form = security_forms.UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("解除锁定须填写原因。"))
        return redirect("security:lockouts")
    data = form.cleaned_data
    try:
        security_admin.lockout_reset(
            username=data["username"],
            ip_address=data["ip_address"],
            by=request.user,
            reason=data["reason"],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("已解除 %(username)s 的登录锁定，该用户可以重新登录。")
            % {"username": data["username"]},
        )
    return redirect("security:lockouts")


@security_admin_only
@require_safe
def two_factor_users(request):
    filterset = security_forms.UserFilter(
        request.GET, queryset=security_forms.users_with_enrolment()
    )
    queryset = filterset.qs if filterset.is_valid() else User.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "security/two_factor.html",
        {"filter": filterset, "page_obj": page},
    )


@security_admin_only
@require_POST
def two_factor_reset(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = security_forms.TwoFactorResetForm(request.POST)
    target = "security:two_factor"
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(target)
    done = two_factor.two_factor_reset(
        user=user, by=request.user, address=client_ip(request), reason=form.cleaned_data["reason"]
    )
    if done:
        messages.success(
            request,
            _(
                "已重置 %(user)s 的两步验证：原身份验证器和备用码已作废，"
                "要求两步验证的角色下次访问时须重新绑定。"
            )
            % {"user": user},
        )
    else:
        messages.warning(request, _("该用户尚未绑定身份验证器，无需重置。"))
    return redirect(target)


@security_admin_only
@require_safe
def sessions(request):
    in_database = security_admin.sessions_in_database()
    return render(
        request,
        "security/sessions.html",
        {
            "in_database": in_database,
            "sessions": security_admin.active_sessions() if in_database else [],
            "engine": settings.SESSION_ENGINE,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "own_token": security_admin.session_token(request.session.session_key or ""),
        },
    )


@security_admin_only
@require_POST
def session_end(request):
    form = security_forms.SessionEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未选择会话。"))
        return redirect("security:sessions")
    own = security_admin.session_token(request.session.session_key or "")
    if form.cleaned_data["session"] == own:
        messages.error(request, _("这是您自己当前的会话，请使用“退出登录”。"))
        return redirect("security:sessions")
    try:
        user = security_admin.session_end(
            token=form.cleaned_data["session"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("已强制 %(user)s 下线：该会话已结束，须重新登录。") % {"user": user or "—"}
        )
    return redirect("security:sessions")


VALIDATOR_NAMES = {
    "UserAttributeSimilarityValidator": _("与个人信息相似度检查"),
    "MinimumLengthValidator": _("最小长度"),
    "CommonPasswordValidator": _("常见密码检查"),
    "NumericPasswordValidator": _("纯数字检查"),
}


@security_admin_only
@require_safe
def password_policy(request):
    validators = [
        {
            "name": VALIDATOR_NAMES.get(type(v).__name__, type(v).__name__),
            "help": v.get_help_text(),
        }
        for v in get_default_password_validators()
    ]
    roles = dict(Role.choices)
    return render(
        request,
        "security/password_policy.html",
        {
            "validators": validators,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": round(security_admin.cool_off().total_seconds() / 60),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "expire_at_browser_close": settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
            "required_roles": [roles.get(r, r) for r in settings.PORTAL_2FA_REQUIRED_ROLES],
            "optional_roles": [
                label
                for value, label in Role.choices
                if value not in settings.PORTAL_2FA_REQUIRED_ROLES
            ],
            "backup_codes": settings.PORTAL_2FA_BACKUP_CODES,
            "throttles": settings.PORTAL_THROTTLES,
        },
    )
