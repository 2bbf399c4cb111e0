"""Limits on how often something may be tried: password-reset e-mails and failed logins,
per client address and per account (django-axes locks one name at one address; this
slows down one address trying many names, and many addresses trying one name).

``allowed(scope, key)`` says whether another attempt is within the scope's limit
(``PORTAL_THROTTLES``: attempts per window of seconds); ``count(scope, key)`` counts one.
Counts are approximate under concurrency (two requests at the same instant may both
pass), which is what a throttle needs; a lockout that must be exact is django-axes'.
"""

import datetime
import hashlib

from django.conf import settings
from django.utils import timezone

from .models import ThrottleEvent

#: Rows older than this are deleted by the daily job (every window is shorter).
KEEP = datetime.timedelta(days=1)


def _digest(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def recent(scope: str, key: str) -> int:
    _limit, window = settings.PORTAL_THROTTLES[scope]
    since = timezone.now() - datetime.timedelta(seconds=window)
    return ThrottleEvent.objects.filter(scope=scope, key=_digest(scope, key), at__gte=since).count()


def allowed(scope: str, key: str) -> bool:
    limit, _window = settings.PORTAL_THROTTLES[scope]
    return recent(scope, key) < limit


def count(scope: str, key: str) -> ThrottleEvent:
    return ThrottleEvent.objects.create(scope=scope, key=_digest(scope, key))


def take(scope: str, key: str) -> ThrottleEvent | None:
    """Count one attempt, then say whether it is within the limit: the event to undo
    (``release``) if the attempt comes to nothing, or None when over the limit (nothing
    counted). Counting first, each attempt sees those that came before it, so attempts
    sent at the same moment cannot all pass a check made before any of them counted.
    Call it outside a transaction (its row must be visible to the others at once)."""
    limit, _window = settings.PORTAL_THROTTLES[scope]
    event = count(scope, key)
    if recent(scope, key) > limit:
        event.delete()
        return None
    return event


def release(event: ThrottleEvent | None) -> None:
    if event is not None:
        ThrottleEvent.objects.filter(pk=event.pk).delete()


def prune() -> int:
    deleted, _ = ThrottleEvent.objects.filter(at__lt=timezone.now() - KEEP).delete()
    return deleted
