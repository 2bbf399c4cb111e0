"""Two-factor login (等保2.0 三级: two kinds of authentication for administrators).

A password, then a TOTP code from an authenticator app (django-otp's ``TOTPDevice``) or
one of ten single-use backup codes (a ``StaticDevice``). The roles in
``PORTAL_2FA_REQUIRED_ROLES`` must enrol at their first login; anyone else may enrol on
the account-security page and is then asked for a code as well. ``accounts.middleware``
keeps a signed-in user who still owes the second factor on the enrol or code page.

Every event is audited (about the user, with the client's address): enrolled, verified,
wrong code, backup code used, backup codes regenerated, reset by an administrator. Never
a secret, never a code. Wrong codes lock the device for 1, 2, 4, 8… seconds
(django-otp's throttling, ``OTP_TOTP_THROTTLE_FACTOR``).
"""

import base64
import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import record

#: The step a signed-in user still owes: ``ENROL`` (bind an authenticator) or ``VERIFY``
#: (give a code); the value is the page's URL name.
ENROL = "accounts:two_factor_enrol"
VERIFY = "accounts:two_factor_verify"

DEVICE_NAME = "authenticator"
BACKUP_NAME = "backup"

LABELS = {
    "two_factor_enrolled": _("绑定身份验证器（两步验证）"),
    "two_factor_verified": _("两步验证通过"),
    "two_factor_failed": _("两步验证码错误"),
    "two_factor_backup_used": _("使用备用码登录"),
    "two_factor_backup_regenerated": _("重新生成备用码"),
    "two_factor_reset": _("管理员重置两步验证"),
}

WRONG_CODE = _(
    "验证码不正确或已过期。请输入身份验证器当前显示的 6 位数字（每 30 秒更新一次，"
    "请确认手机时间准确），或输入一个未使用过的备用码。"
)
THROTTLED = _("验证码错误次数过多，请等待 %(seconds)s 秒后再试。")
NO_ENROLMENT = _("绑定页面已失效，请重新打开“绑定身份验证器”页面扫描二维码。")
ALREADY_ENROLLED = _("您已绑定身份验证器。如需更换手机，请联系安全管理员重置两步验证。")
NOT_ENROLLED = _("请先绑定身份验证器，再生成备用码。")


class CodeRefused(ValidationError):
    """A wrong, reused or throttled code: already audited, and the device's failure
    count already raised (committed, not rolled back with the request)."""


def required_for(user) -> bool:
    return user.effective_role in settings.PORTAL_2FA_REQUIRED_ROLES


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user) -> str | None:
    """``ENROL``, ``VERIFY`` or None: what a signed-in user must still do in this session.
    One query of its own for a user not verified yet, none once verified."""
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)  # installed by OTPMiddleware
    if is_verified is not None and is_verified():
        return None
    if is_enrolled(user):
        return VERIFY
    return ENROL if required_for(user) else None


def normalise(code: str) -> str:
    """What was typed, without spaces or dashes and in lower case: backup codes are shown
    in groups, and a code copied from a phone may carry spaces."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def secret_text(device: TOTPDevice) -> str:
    """The base32 key in groups of four, for an authenticator typed in by hand."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _audit(action: str, *, user, actor=None, reason=""):
    record(
        subject=user, action=action, action_label=LABELS[action], actor=actor or user, reason=reason
    )


def _check(device, code: str, *, user, address: str, during: str) -> None:
    """Verify ``code`` on ``device`` (locked). A refusal is audited and raised as
    CodeRefused; the caller lets it out only after the failure count is committed."""
    allowed, info = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        return
    if allowed:
        _audit("two_factor_failed", user=user, reason=f"{during} {address}".strip())
        raise CodeRefused(WRONG_CODE, code="wrong")
    # Locked by earlier failures: not even compared, so a guess now teaches nothing.
    _audit("two_factor_failed", user=user, reason=f"{during}（尝试过于频繁，未核对） {address}")
    wait = (info["locked_until"] - timezone.now()).total_seconds()
    raise CodeRefused(THROTTLED, code="throttled", params={"seconds": max(1, math.ceil(wait))})


def _committed(check):
    """Run ``check`` in its own transaction and let a CodeRefused out only after it
    committed: the failure count (throttling) and the audit entry must stay."""
    refusal = None
    with transaction.atomic():
        try:
            result = check()
        except CodeRefused as error:
            refusal = error
    if refusal is not None:
        raise refusal
    return result


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_2FA_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    device.throttle_reset()
    return codes


# --- Services -------------------------------------------------------------------------


def enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator to show as a QR code: the same one until it is
    confirmed, so a reloaded page keeps the secret already scanned."""
    if is_enrolled(user):
        raise ValidationError(ALREADY_ENROLLED, code="enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def enrolment_confirm(*, user, code: str, address: str = "") -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with a code it shows: the device is bound, fresh backup
    codes are made (returned once, to be shown once) and the user counts as verified."""

    def check():
        if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
            raise ValidationError(ALREADY_ENROLLED, code="enrolled")
        devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
        device = devices.order_by("pk").first()
        if device is None:
            raise ValidationError(NO_ENROLMENT, code="no_enrolment")
        _check(device, normalise(code), user=user, address=address, during="绑定时")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        devices.exclude(pk=device.pk).delete()
        codes = _new_backup_codes(user)
        _audit("two_factor_enrolled", user=user, reason=address)
        return device, codes

    return _committed(check)


def code_verify(*, user, code: str, address: str = ""):
    """The device that accepts ``code``: the authenticator for six digits, the backup
    codes otherwise (each works once). CodeRefused when it is wrong or throttled."""
    code = normalise(code)
    totp = code.isdigit() and len(code) == 6

    def check():
        model, name = (TOTPDevice, DEVICE_NAME) if totp else (StaticDevice, BACKUP_NAME)
        device = model.objects.select_for_update().filter(user=user, confirmed=True)
        device = device.order_by("pk").first()
        if device is None:  # backup codes asked for but never made: a wrong code too
            _audit("two_factor_failed", user=user, reason=address)
            raise CodeRefused(WRONG_CODE, code="wrong")
        _check(device, code, user=user, address=address, during="登录时")
        if totp:
            _audit("two_factor_verified", user=user, reason=f"身份验证器 {address}".strip())
        else:
            left = device.token_set.count()
            _audit("two_factor_backup_used", user=user, reason=f"剩余 {left} 个 {address}")
        return device

    return _committed(check)


def backup_codes_regenerate(*, user, address: str = "") -> list[str]:
    """New backup codes in place of the old ones (all of which stop working)."""
    with transaction.atomic():
        if not TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
            raise ValidationError(NOT_ENROLLED, code="not_enrolled")
        codes = _new_backup_codes(user)
        _audit("two_factor_backup_regenerated", user=user, reason=address)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_reset(*, user, by, address: str = "", reason: str = "") -> bool:
    """The security administrator removes a user's authenticator and backup codes (a lost
    phone): the user's sessions are no longer verified, and a role that requires two-factor
    login enrols again at its next request. False when there was nothing to reset."""
    with transaction.atomic():
        totp, _ = TOTPDevice.objects.filter(user=user).delete()
        static, _ = StaticDevice.objects.filter(user=user).delete()
        if not (totp or static):
            return False
        text = " ".join(part for part in (address, (reason or "").strip()) if part)
        _audit("two_factor_reset", user=user, actor=by, reason=text)
    return True
