"""Caching that never takes a page down, and the version that tells cached data is stale.

* ``ResilientRedisCache``: Django's Redis cache, except that when Redis cannot be reached
  a read is a miss and a write is skipped (logged once per outage), and for a few seconds
  afterwards Redis is not even tried — pages keep working, only slower, while Redis is
  down (issue 7's fault test stops it while users act).
* ``data_version()``: changes whenever committed data that pages show may have changed:
  a counter bumped after each commit that saved or deleted a record of the portal's
  apps, plus the highest audit entry id (every state change writes one, issue 2). The
  counter catches edits that are not state changes; the id catches changes committed
  while Redis was down (the counter could not be bumped then). Cached parts also expire
  after ``PORTAL_CACHE_SECONDS`` (300), which bounds anything both miss (a bulk
  ``update()`` outside the audited services).
"""

import functools
import hashlib
import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger("portal.cache")

VERSION_KEY = "portal:data-version"


class ResilientRedisCache(RedisCache):
    """RedisCache whose failures are cache misses (see the module docstring)."""

    #: Seconds during which Redis is not tried again after a failure.
    retry_after = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _guarded(self, operation: str, default, call, *args):
        import redis

        if self._down_until and time.monotonic() < self._down_until:
            return default
        try:
            result = call(*args)
        except redis.RedisError as exc:
            with self._lock:
                outage_starts = not self._down_until
                self._down_until = time.monotonic() + self.retry_after
            if outage_starts:
                logger.warning("cache unavailable (%s on %s): serving without it", exc, operation)
            return default
        if self._down_until:
            self._down_until = 0.0
            logger.warning("cache available again")
        return result

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._guarded("incr", None, super().incr, key, delta, version)

    def retry_now(self):
        """Try Redis on the next call even during the pause after a failure: for writes
        that must not be skipped lightly (moving the data version)."""
        self._down_until = 0.0

    def clear(self):
        """Delete this site's keys only: never FLUSHDB a database that may be shared."""
        return self._guarded("clear", False, self._delete_own_keys)

    def _delete_own_keys(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=self.make_key("*"), count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True


# --- The data version -------------------------------------------------------------------


def bump_data_version():
    """Move the version: every cached page part is rebuilt on its next request."""
    getattr(cache, "retry_now", lambda: None)()  # not skipped because of an earlier error
    cache.add(VERSION_KEY, 0, timeout=None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted between add and incr: the next add starts it again
        cache.add(VERSION_KEY, 1, timeout=None)


def data_changed():
    """Say that committed data pages show is changing: bump now and again after commit.

    Now: so that even a change inside a long transaction (a test, a management command)
    is seen by the next read in it. After commit: a page read between the first bump and
    the commit may have cached the old data under the new version; the second bump
    retires it. Called for every save/delete in the watched apps (``record_changed``);
    services that write in bulk (``bulk_create``, ``bulk_update``, ``update``) call it
    themselves."""
    bump_data_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is bump_data_version for _sids, func, _robust in connection.run_on_commit
    ):
        return  # once per transaction is enough
    transaction.on_commit(bump_data_version)


#: Apps whose records pages show: a save or delete in one of them moves the version.
WATCHED_APPS = {"accounts", "audit", "filings", "supervision", "subsidies"}
#: Audit entries that change nothing a page shows (and that anyone can cause by trying to
#: log in): they must not empty the cache.
SESSION_ACTIONS = ("login", "logout", "login_failed")


def record_changed(sender, instance=None, update_fields=None, **kwargs):
    """post_save/post_delete receiver (PortalConfig.ready)."""
    if sender._meta.app_label not in WATCHED_APPS:
        return
    if sender._meta.label == "audit.AuditEntry" and instance.action in SESSION_ACTIONS:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login stamping the user
    data_changed()


def data_version() -> str:
    from django.db import connection

    from audit.models import AuditEntry

    table = AuditEntry._meta.db_table
    actions = ", ".join(f"'{action}'" for action in SESSION_ACTIONS)
    with connection.cursor() as cursor:  # on every cached page: skip the ORM (~0.2 ms)
        # Index-only (audit_changes_id, a partial index on exactly this condition).
        cursor.execute(f"SELECT MAX(id) FROM {table} WHERE action NOT IN ({actions})")  # noqa: S608
        last = cursor.fetchone()[0]
    return f"{cache.get(VERSION_KEY, 0)}.{last or 0}"


def versioned_key(*parts) -> str:
    """A cache key for data shown on pages: ``parts`` (what the data depends on) plus the
    language, the day ("days waiting", "overdue", which summaries are due) and the data
    version."""
    day = timezone.localdate().isoformat()
    return ":".join([*map(str, parts), get_language(), day, data_version()])


def cached(key: str, build, *, keep=lambda value: True):
    """The value cached under ``key`` (a ``versioned_key``), or ``build()``, stored for
    PORTAL_CACHE_SECONDS when ``keep(value)``."""
    value = cache.get(key)
    if value is None:
        value = build()
        if keep(value):
            cache.set(key, value, settings.PORTAL_CACHE_SECONDS)
    return value


#: What a cacheable query-string value may look like, per parameter the pages use (choice
#: keys, ids, years, page numbers). Anything else — an unknown value, a free-text search,
#: a repeated parameter — is rendered without the cache, so no visitor can fill Redis
#: with variants; parameters a page does not use are left out of the key.
QUERY_VALUES = {
    "category": re.compile(r"[a-z_]{1,32}"),
    "jurisdiction": re.compile(r"\d{1,9}"),
    "year": re.compile(r"\d{4}"),
    "page": re.compile(r"\d{1,4}"),
}


def cache_key_query(request, params) -> str | None:
    """The part of the query string that the page depends on, as a key, or None when
    this request should not be cached."""
    parts = []
    for name in params:
        values = [v for v in request.GET.getlist(name) if v != ""]
        if not values:
            continue
        pattern = QUERY_VALUES.get(name)
        if pattern is None or len(values) > 1 or not pattern.fullmatch(values[0]):
            return None
        parts.append(f"{name}={values[0]}")
    return "&".join(parts)


def _where(request, query: str) -> str:
    return hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:40]


def _csrf_free(parts: dict) -> bool:
    if any("csrfmiddlewaretoken" in str(v) or "X-CSRFToken" in str(v) for v in parts.values()):
        logger.error("not caching a page part that holds a CSRF token")
        return False
    return True


def cached_fragment(request, name: str, build, *, vary=(), params=()):
    """A page's parts (``build()`` returns a dict: rendered HTML as SafeString, which
    pickling keeps, and plain text that templates still escape), cached for this path,
    the query ``params`` it uses (``cache_key_query``) and whatever ``vary`` adds (the
    viewer's role or jurisdiction where what they see differs), under ``versioned_key``.
    Only for parts that do not depend on anything else about the visitor: a part holding
    a CSRF token is never stored."""
    query = cache_key_query(request, params)
    if query is None:
        return build()
    key = versioned_key("fragment", name, *vary, _where(request, query))
    return cached(key, build, keep=_csrf_free)


# --- Whole pages for anonymous visitors --------------------------------------------------

CSRF_PLACEHOLDER = "__PORTAL_CSRF_TOKEN__"
_TOKEN_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def cache_public_page(*, params=()):
    """The whole page, for anonymous visitors of public pages (the registry): served from
    the cache under the data version without rendering anything; the query ``params``
    the page uses are part of the key (``cache_key_query``).

    The layout carries a CSRF token (the language switch): it is stored as a placeholder
    and each visitor gets their own token on the way out. Visitors with a session cookie
    (signed in, or a pending message in the session) or a messages cookie get the page
    rendered as usual; only 200 answers are stored."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            query = cache_key_query(request, params)
            if (
                query is None
                or request.method not in ("GET", "HEAD")
                or settings.SESSION_COOKIE_NAME in request.COOKIES
                or "messages" in request.COOKIES
            ):
                return view(request, *args, **kwargs)
            name = f"{view.__module__}.{view.__name__}"
            key = versioned_key("page", name, _where(request, query))
            stored = cache.get(key)
            if stored is not None:
                content_type, html = stored
                token = get_token(request)
                return HttpResponse(html.replace(CSRF_PLACEHOLDER, token), content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                html = response.content.decode(response.charset)
                for token in set(_TOKEN_IN_FORM.findall(html)):
                    html = html.replace(token, CSRF_PLACEHOLDER)
                # Never store a visitor's token: every place a token goes must hold the
                # placeholder now, or the page is not stored.
                slots = html.count('name="csrfmiddlewaretoken"') + html.count('"X-CSRFToken"')
                if html.count(CSRF_PLACEHOLDER) == slots:
                    entry = (response["Content-Type"], html)
                    cache.set(key, entry, settings.PORTAL_CACHE_SECONDS)
            return response

        return wrapped

    return decorator
