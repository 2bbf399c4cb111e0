"""Logins, logouts and failed logins go to the audit log (等保2.0 security audit)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from audit.models import record


def _address(request):
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(
        subject=user, action="login", action_label=_("登录"), actor=user, reason=_address(request)
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(
            subject=user,
            action="logout",
            action_label=_("退出登录"),
            actor=user,
            reason=_address(request),
        )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    record(
        subject=user,
        action="login_failed",
        action_label=_("登录失败"),
        actor=None,
        reason=f"{username} {_address(request)}".strip(),
    )
