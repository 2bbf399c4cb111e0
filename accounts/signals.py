"""Security events go to the audit log (等保2.0 security audit): logins, logouts, failed
logins, lockouts, password changes and password resets. Never the password, never a reset
token."""

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver
from django.utils.translation import gettext_lazy as _

from audit.models import in_log_language, record
from core import throttle
from core.client_ip import client_ip

#: Sent after a user's password was set: ``user``, ``by`` (who set it: the user, or an
#: administrator), ``how`` ("change", "reset" or "admin") and ``request``.
password_changed = Signal()
#: Sent after a password-reset e-mail was asked for: ``email`` (as typed), ``users`` (the
#: accounts it was sent to, maybe none) and ``request``.
password_reset_requested = Signal()

LOCKOUT_REASON = _("%(username)s 连续登录失败%(n)s次，锁定%(minutes)s分钟 %(address)s")
LOCKED_REASON = _("%(username)s 在锁定期间再次尝试登录 %(address)s")

PASSWORD_LABELS = {
    "change": _("修改密码"),
    "reset": _("通过邮件链接重置密码"),
    "admin": _("管理员设置用户密码"),
}


def _address(request):
    if request is None:
        return ""
    return client_ip(request)  # behind the TLS proxy: the client's, not the proxy's


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # For the security administrator's session list (accounts.security_admin).
        request.session["_portal_address"] = _address(request)
        request.session["_portal_login_at"] = int(time.time())
    record(
        subject=user, action="login", action_label=_("登录"), actor=user, reason=_address(request)
    )


#: ``request.portal_logout_reason`` of a logout the idle warning's time ended
#: (accounts.views.session): logged as 超时自动退出登录.
IDLE_LOGOUT = "idle"


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        # The idle warning's time ran out in the browser (accounts.views.session).
        idle = getattr(request, "portal_logout_reason", None) == IDLE_LOGOUT
        record(
            subject=user,
            action="logout",
            action_label=_("超时自动退出登录") if idle else _("退出登录"),
            actor=user,
            reason=_address(request),
        )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    throttle.count("login-address", _address(request))
    throttle.count("login-account", username.lower())
    record(
        subject=user,
        action="login_failed",
        action_label=_("登录失败"),
        actor=None,
        reason=f"{username} {_address(request)}".strip(),
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    """django-axes refused a user name at one address: at the failure that reaches the
    limit and at each failure while it is locked (each pushes the lock on; one entry
    each, after the failed login's own)."""
    from .models import User

    username = str(username or "")[:150]
    failures = getattr(request, "axes_failures_since_start", None)
    values = {
        "username": username,
        "n": failures,
        "minutes": round(settings.AXES_COOLOFF_TIME * 60),
        "address": ip_address or "",
    }
    if failures:
        template = LOCKOUT_REASON
    else:
        template = LOCKED_REASON
    record(
        subject=User.objects.filter(username=username).first(),
        action="lockout",
        action_label=_("登录锁定"),
        actor=None,
        reason=in_log_language(lambda: (str(template) % values).strip()),
    )


@receiver(password_changed)
def audit_password_changed(sender, user, by, how, request=None, **kwargs):
    record(
        subject=user,
        action=f"password_{how}",
        action_label=PASSWORD_LABELS[how],
        actor=by,
        reason=_address(request),
    )


@receiver(password_reset_requested)
def audit_password_reset_requested(sender, email, users, request=None, **kwargs):
    label = _("申请重置密码")
    address = _address(request)
    if not users:
        # Nobody was e-mailed; the address typed is kept (as a failed login keeps the
        # user name) so that someone probing for accounts shows in the log.
        record(
            subject=None,
            action="password_reset_request",
            action_label=label,
            actor=None,
            reason=f"{email[:254]} {address}".strip(),
        )
    for user in users:
        record(
            subject=user,
            action="password_reset_request",
            action_label=label,
            actor=None,
            reason=address,
        )
