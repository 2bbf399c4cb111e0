"""The signed links that stand in for a login while a registration has no user: the
applicant confirms the e-mail address with one and, after a return, corrects and
resubmits through the other. Each carries the registration's primary key, signed with
its own salt (a confirmation link cannot be used as a correction link, nor the other
way round), and expires: the confirmation link after
``PORTAL_REGISTRATION_CONFIRM_HOURS``, the correction (status) link after 30 days."""

import datetime
from enum import Enum

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "accounts.registration.confirm"
STATUS_SALT = "accounts.registration.status"
STATUS_MAX_AGE = datetime.timedelta(days=30)


class LinkProblem(Enum):
    TAMPERED = "tampered"
    EXPIRED = "expired"


class BadLink(Exception):
    def __init__(self, problem: LinkProblem):
        self.problem = problem
        super().__init__(problem.value)


def confirm_max_age() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PORTAL_REGISTRATION_CONFIRM_HOURS)


def _sign(salt: str, pk: int) -> str:
    return signing.TimestampSigner(salt=salt).sign(str(pk))


def _unsign(salt: str, token: str, max_age) -> int:
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(LinkProblem.EXPIRED) from None
    except signing.BadSignature:
        raise BadLink(LinkProblem.TAMPERED) from None
    try:
        return int(value)
    except ValueError:  # signed by us, so never; but never a 500 either
        raise BadLink(LinkProblem.TAMPERED) from None


def confirm_token(registration) -> str:
    return _sign(CONFIRM_SALT, registration.pk)


def status_token(registration) -> str:
    return _sign(STATUS_SALT, registration.pk)


def pk_from_confirm_token(token: str) -> int:
    return _unsign(CONFIRM_SALT, token, confirm_max_age())


def pk_from_status_token(token: str) -> int:
    return _unsign(STATUS_SALT, token, STATUS_MAX_AGE)


def confirm_url(registration) -> str:
    path = reverse("accounts:register_confirm", args=[confirm_token(registration)])
    return f"{settings.PORTAL_BASE_URL}{path}"


def status_url(registration) -> str:
    path = reverse("accounts:register_status", args=[status_token(registration)])
    return f"{settings.PORTAL_BASE_URL}{path}"
