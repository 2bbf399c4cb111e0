"""Codes for two-factor tests, computed from the secret as an authenticator app does
(RFC 6238 through django-otp's own HOTP; no network)."""

import base64
import time

from django.urls import reverse
from django_otp.oath import hotp

from accounts import two_factor

from .factories import PASSWORD

LOGIN = "/accounts/login/"


def key_from_secret(text: str) -> bytes:
    """The key behind the base32 secret the enrol page shows (in groups of four)."""
    return base64.b32decode("".join(text.split()).upper())


def time_step(at: float | None = None, step: int = 30) -> int:
    return int(time.time() if at is None else at) // step


def code_at(key: bytes, t: int) -> str:
    return f"{hotp(key, t):06d}"


def usable_code(device) -> str:
    """A code the device accepts now: the current step, or the next one when the current
    step's code was used already (a code works once)."""
    device.refresh_from_db()
    now = time_step(step=device.step) + device.drift
    t = max(now, device.last_t + 1)
    assert t <= now + 1, "every code of this window was used: travel in time"
    return code_at(device.bin_key, t)


def enrolled(user):
    """``user`` with a confirmed authenticator: (device, backup codes)."""
    device = two_factor.enrolment_start(user=user)
    _, codes = two_factor.enrolment_confirm(user=user, code=code_at(device.bin_key, time_step()))
    device.refresh_from_db()
    return device, codes


def password_login(client, user, next_url=None, follow=False):
    data = {"username": user.username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data, follow=follow)


def give_code(client, code, next_url=None, follow=False):
    data = {"code": code} if next_url is None else {"code": code, "next": next_url}
    return client.post(reverse("accounts:two_factor_verify"), data, follow=follow)
