"""The security administrator's duties (安全管理员, 三员分立, issue 14): who is locked out
now and lifting a lockout, the signed-in sessions and ending one, and what the password
policy is. Two-factor resets are ``accounts.two_factor.two_factor_reset``.

Every write is audited with the security administrator as the actor and the user as the
subject. Reads and writes take plain data; the views only parse and render.

Lockouts are django-axes' ``AccessAttempt`` rows (the database handler): a user name at
one address (``AXES_LOCKOUT_PARAMETERS``) is locked while the failures of its rows, within
the cool-off, reach ``AXES_FAILURE_LIMIT``. Lifting one goes through axes' own
``axes.utils.reset``.

Sessions are read from the database session store (``SESSION_ENGINE``, the only store the
portal configures): the rows of ``django_session`` not yet expired, decoded. A session's
key is a bearer secret, so it is never shown or posted: a page names a session by a keyed
digest of its key (``session_token``), and ending one looks the digest up again.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from audit.models import in_log_language, record

from .models import User

#: Stored in the session at login (accounts.signals): the client's address and the time.
SESSION_ADDRESS = "_portal_address"
SESSION_LOGIN_AT = "_portal_login_at"
#: Written by core.middleware.SessionIdleMiddleware at most once a minute.
SESSION_REFRESHED = "_idle_refreshed"

DB_SESSIONS = "django.contrib.sessions.backends.db"

NO_REASON = _("请填写原因。")
NOT_LOCKED = _("该账号当前未被锁定（可能已自动解除或已由他人解除）。")
NO_SESSION = _("该会话已结束（用户已退出、已超时或已被强制下线）。")
NOT_DB_SESSIONS = _("会话存储不是数据库，本页无法列出或结束会话。")

LABELS = {
    "lockout_reset": _("解除登录锁定"),
    "session_ended": _("强制下线"),
}


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(NO_REASON, code="reason")
    return reason


# --- Lockouts -------------------------------------------------------------------------


def cool_off() -> datetime.timedelta:
    return datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime.datetime
    user: User | None

    @property
    def unlocks_at(self) -> datetime.datetime:
        return self.last_attempt + cool_off()


def lockouts() -> list[Lockout]:
    """The user names locked out now at an address, the most recent first."""
    from axes.models import AccessAttempt

    since = timezone.now() - cool_off()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last", "username")
    )
    rows = list(rows)
    users = User.objects.in_bulk(
        [r["username"] for r in rows if r["username"]], field_name="username"
    )
    return [
        Lockout(
            username=r["username"] or "",
            ip_address=r["ip_address"],
            failures=r["failures"],
            last_attempt=r["last"],
            user=users.get(r["username"]),
        )
        for r in rows
    ]


def lockout_reset(*, username: str, ip_address: str, by, reason: str) -> int:
    """Lift the lockout of ``username`` at ``ip_address`` (axes' reset), audited with the
    reason. Refused when that pair is not locked out now."""
    from axes.utils import reset

    reason = _reason(reason)
    username = (username or "").strip()
    ip_address = (ip_address or "").strip() or None
    locked = {(lock.username, lock.ip_address): lock for lock in lockouts()}
    lock = locked.get((username, ip_address))
    if lock is None or not username:
        raise ValidationError(NOT_LOCKED, code="not_locked")
    with transaction.atomic():
        # Both given: axes deletes the rows of that user name at that address only.
        count = reset(ip=ip_address, username=username)
        record(
            subject=lock.user,
            action="lockout_reset",
            action_label=LABELS["lockout_reset"],
            actor=by,
            reason=in_log_language(
                lambda: (
                    str(_("%(username)s（%(address)s，失败 %(n)s 次）原因：%(reason)s"))
                    % {
                        "username": username,
                        "address": ip_address or "—",
                        "n": lock.failures,
                        "reason": reason,
                    }
                )
            ),
        )
    return count


# --- Sessions -------------------------------------------------------------------------


def sessions_in_database() -> bool:
    return settings.SESSION_ENGINE == DB_SESSIONS


def session_token(session_key: str) -> str:
    """What a page shows and posts for a session: not the key (which would let whoever
    reads the page sign in as the user), a keyed digest of it."""
    return salted_hmac("accounts.security_admin.session", session_key).hexdigest()[:32]


@dataclass(frozen=True)
class ActiveSession:
    token: str
    user: User
    expires: datetime.datetime
    last_activity: datetime.datetime | None
    login_at: datetime.datetime | None
    address: str


def _stamp(value) -> datetime.datetime | None:
    if not isinstance(value, int | float):
        return None
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def _signed_in():
    """(session row, decoded data) of every unexpired session with a signed-in user."""
    if not sessions_in_database():
        return
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data.get(SESSION_KEY):
            yield session, data


def end_sessions_of(user) -> int:
    """Delete every signed-in session of ``user`` (a removed colleague, accounts.unit_users):
    the next request with one of their cookies is anonymous. Returns how many ended."""
    keys = [s.session_key for s, data in _signed_in() if str(data[SESSION_KEY]) == str(user.pk)]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def active_sessions() -> list[ActiveSession]:
    """The signed-in sessions, the most recently active first."""
    found = list(_signed_in())
    ids = {str(data[SESSION_KEY]) for _session, data in found}
    users = {str(u.pk): u for u in User.objects.filter(pk__in=ids)}
    result = []
    for session, data in found:
        user = users.get(str(data[SESSION_KEY]))
        if user is None:
            continue
        result.append(
            ActiveSession(
                token=session_token(session.session_key),
                user=user,
                expires=session.expire_date,
                last_activity=_stamp(data.get(SESSION_REFRESHED)),
                login_at=_stamp(data.get(SESSION_LOGIN_AT)),
                address=str(data.get(SESSION_ADDRESS, "")),
            )
        )
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    result.sort(key=lambda s: s.last_activity or s.login_at or epoch, reverse=True)
    return result


def _ended_reason(address: str, reason: str) -> str:
    text = str(_("会话地址 %(address)s")) % {"address": address}
    if reason:
        text += str(_("；原因：%(reason)s")) % {"reason": reason}
    return text


def session_end(*, token: str, by, reason: str = "") -> User:
    """End one signed-in session (its row is deleted: the next request with its cookie is
    anonymous), audited. Refused when the session is gone already."""
    if not sessions_in_database():
        raise ValidationError(NOT_DB_SESSIONS, code="store")
    reason = (reason or "").strip()
    with transaction.atomic():
        found = next(
            (
                (session, data)
                for session, data in _signed_in()
                if constant_time_compare(session_token(session.session_key), token or "")
            ),
            None,
        )
        if found is None:
            raise ValidationError(NO_SESSION, code="gone")
        session, data = found
        user = User.objects.filter(pk=data[SESSION_KEY]).first()
        Session.objects.filter(session_key=session.session_key).delete()
        address = str(data.get(SESSION_ADDRESS, "")) or "—"
        record(
            subject=user,
            action="session_ended",
            action_label=LABELS["session_ended"],
            actor=by,
            reason=in_log_language(lambda: _ended_reason(address, reason)),
        )
    return user
