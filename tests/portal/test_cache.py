"""The cache (portal/cache.py): a real Redis, a Redis that is down, the data version, and
cached page parts that follow the data and never cross from one role to another."""

import logging
import os
import time
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.cache import ResilientRedisCache, bump_data_version, data_version
from supervision.models import AnnualSummary
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
)

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _cache(location, prefix="t"):
    return ResilientRedisCache(
        location,
        {"KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


@pytest.mark.redis
def test_real_redis_round_trip_and_clear_only_touches_own_keys():
    import redis

    url = os.environ["PORTAL_TEST_REDIS_URL"]
    prefix = f"cachetest-{uuid.uuid4().hex}"
    own = _cache(url, prefix)
    raw = redis.Redis.from_url(url)
    foreign = f"foreign-{uuid.uuid4().hex}"
    raw.set(foreign, b"keep me")
    try:
        own.set("page", {"content": "<p>联盟</p>"}, 60)
        assert own.get("page") == {"content": "<p>联盟</p>"}
        assert own.add("n", 0) is True and own.incr("n") == 1 and own.incr("n") == 2
        assert own.get_many(["page", "n", "missing"]) == {
            "page": {"content": "<p>联盟</p>"},
            "n": 2,
        }
        assert own.clear() is True
        assert own.get("page") is None and own.get("n") is None
        assert raw.get(foreign) == b"keep me"  # no FLUSHDB of a shared database
    finally:
        raw.delete(foreign)


def test_an_unreachable_redis_is_a_miss_logged_once_and_not_retried_at_once(caplog):
    down = _cache(DEAD_REDIS)
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        started = time.monotonic()
        assert down.get("x", "default") == "default"
        assert down.set("x", 1) is None
        assert down.add("x", 1) is False
        assert down.incr("x") is None
        assert down.get_many(["x"]) == {}
        assert time.monotonic() - started < 2  # one failed connection, then the breaker
    warnings = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_pages_keep_working_while_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    alliance = filed_alliance()
    client.force_login(MunicipalStaffFactory())
    for url, shows_name in (
        (reverse("portal:dashboard"), False),
        (reverse("filings:municipal_queue"), False),
        (reverse("supervision:alliance_detail", args=[alliance.pk]), True),
        (reverse("registry:list"), True),
        (reverse("registry:alliance", args=[alliance.pk]), True),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert (alliance.name in response.content.decode()) is shows_name, url
    # The session was read back from the database (cached_db without its cache).
    assert client.get(reverse("portal:dashboard")).wsgi_request.user.is_authenticated


def test_the_data_version_moves_on_a_save_and_again_after_commit(
    django_capture_on_commit_callbacks,
):
    first = data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        OrganisationFactory()
    second = data_version()
    assert second != first
    assert bump_data_version in callbacks  # once for the transaction, after commit
    for callback in callbacks:
        callback()
    assert data_version() not in (first, second)


def test_cached_public_pages_follow_the_data(client):
    alliance = filed_alliance(name="旧名称产业创新战略联盟")
    registry, page = reverse("registry:list"), reverse("registry:alliance", args=[alliance.pk])
    assert "旧名称" in client.get(registry).content.decode()
    assert "旧名称" in client.get(page).content.decode()
    alliance.name = "新名称产业创新战略联盟"
    alliance.save(update_fields=["name"])
    assert "新名称" in client.get(registry).content.decode()
    assert "新名称" in client.get(page).content.decode()
    type(alliance).objects.filter(pk=alliance.pk).update(status="revoked")
    bump_data_version()  # what a bulk update must do; the audited services save()
    assert "新名称" not in client.get(registry).content.decode()
    assert client.get(page).status_code == 404


def test_a_cached_record_is_never_shown_to_another_role():
    lead = LeadUnitUserFactory()
    alliance = filed_alliance(lead_user=lead)
    draft = AnnualSummary.objects.create(alliance=alliance, year=2025, work_done="只给牵头单位看")
    draft_link = reverse("supervision:summary_detail", args=[draft.pk])
    url = reverse("supervision:alliance_detail", args=[alliance.pk])
    county = CountyReviewerFactory(jurisdiction=lead.organisation.jurisdiction)
    viewers = []
    for user, sees_draft in ((MunicipalStaffFactory(), False), (lead, True), (county, False)):
        client = Client()
        client.force_login(user)
        viewers.append((client, user.effective_role, sees_draft))
    version = data_version()
    for _ in range(2):  # the second round comes from the cache, under the same version
        for client, role, sees_draft in viewers:
            assert (draft_link in client.get(url).content.decode()) is sees_draft, role
    assert data_version() == version


def test_clear_cache_command_empties_the_cache_and_moves_the_version(capsys):
    from django.core.cache import cache
    from django.core.management import call_command

    cache.set("fragment:x", {"content": "旧"})
    before = data_version()
    call_command("clear_cache")
    assert cache.get("fragment:x") is None
    assert data_version() != before
    assert "cache cleared" in capsys.readouterr().out


def test_clear_cache_command_fails_when_redis_is_down(settings):
    from django.core.management import call_command

    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}
    }
    with pytest.raises(SystemExit):
        call_command("clear_cache")


def test_anonymous_visitors_get_the_cached_page_with_their_own_csrf_token():
    import re

    alliance = filed_alliance(name="整页缓存产业创新战略联盟")
    url = reverse("registry:alliance", args=[alliance.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert "整页缓存" in first.get(url).content.decode()  # rendered and stored
    with CaptureQueriesContext(connection) as queries:
        body = second.get(url).content.decode()
    assert "整页缓存" in body and "__PORTAL_CSRF_TOKEN__" not in body
    assert len(queries) == 1  # the data version only: nothing rendered
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    assert f'"X-CSRFToken": "{token}"' in body
    # The token is this visitor's own: the language switch accepts it with their cookie …
    switched = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    # … and not with another visitor's cookie.
    other = Client(enforce_csrf_checks=True)
    other.get(reverse("registry:list"))
    refused = other.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert refused.status_code == 403


def test_signed_in_visitors_never_get_the_anonymous_page(client):
    alliance = filed_alliance()
    url = reverse("registry:alliance", args=[alliance.pk])
    assert client.get(url).status_code == 200  # stored for anonymous visitors
    staff = MunicipalStaffFactory(first_name="审核", last_name="王")
    client.force_login(staff)
    body = client.get(url).content.decode()
    assert staff.get_full_name() in body and "退出登录" in body


def test_logins_and_failed_logins_leave_the_cache_warm(client):
    """Anyone can try to log in: that must not empty everyone's cache."""
    staff = MunicipalStaffFactory(username="staff-login", password="Correct-horse-2026")
    before = data_version()
    assert (
        client.post(reverse("accounts:login"), {"username": "x", "password": "y"}).status_code
        == 200
    )
    client.post(
        reverse("accounts:login"), {"username": staff.username, "password": "Correct-horse-2026"}
    )
    assert client.get(reverse("portal:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert data_version() == before
    OrganisationFactory()  # a real change still moves it
    assert data_version() != before


@pytest.mark.redis
def test_logout_ends_the_session_even_if_the_cache_skipped_a_write(client, settings):
    """The cache skips writes for a few seconds after an error (ResilientRedisCache): a
    logout in that window must still end the session for good (sessions live only in
    the database)."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": os.environ["PORTAL_TEST_REDIS_URL"],
            "KEY_PREFIX": f"logouttest-{uuid.uuid4().hex}",
        }
    }
    client.force_login(MunicipalStaffFactory())
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("portal:dashboard")).status_code == 200
    caches["default"]._down_until = time.monotonic() + 60  # as after a Redis timeout
    client.post(reverse("accounts:logout"))
    caches["default"]._down_until = 0.0  # Redis answers again
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = thief.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    caches["default"].clear()


def test_query_strings_cannot_fill_the_cache(client):
    from django.core.cache import cache

    filed_alliance()
    url = reverse("registry:list")
    client.get(url)  # the page, and its content part, stored once
    stored = len(cache._cache)  # LocMemCache's own dict: the entries held
    for i in range(10):
        assert client.get(url, {"junk": i}).status_code == 200  # unknown: not in the key
        assert client.get(url, {"q": f"联盟{i}"}).status_code == 200  # free text: not cached
        assert client.get(url, {"page": f"9{i}x"}).status_code == 200  # not a page number
    assert len(cache._cache) == stored
    client.get(url, {"page": "2"})  # a real variant is stored
    assert len(cache._cache) > stored


def test_a_part_holding_a_csrf_token_is_never_stored(rf):
    from portal.cache import cached_fragment

    calls = []

    def build():
        calls.append(1)
        return {"content": '<input name="csrfmiddlewaretoken" value="secretish">'}

    request = rf.get("/somewhere/")
    for _ in range(2):
        cached_fragment(request, "test", build)
    assert len(calls) == 2


def test_symposium_invitations_show_on_a_cached_alliance_record(client):
    import datetime

    from django.utils import timezone

    from supervision.services import symposia

    staff = MunicipalStaffFactory()
    alliance = filed_alliance()
    symposium = symposia.symposium_schedule(
        by=staff,
        title="缓存测试座谈会",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        location="市科技局",
    )
    client.force_login(staff)
    url = reverse("supervision:alliance_detail", args=[alliance.pk])
    assert "缓存测试座谈会" not in client.get(url).content.decode()  # cached without it
    symposia.symposium_invite(symposium=symposium, by=staff, alliances=[alliance])
    assert "缓存测试座谈会" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("broker", "expected"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/1"),
        ("redis://redis:6379", "redis://redis:6379/1"),
        (
            "rediss://:pw@cache.example:6380/0?ssl_cert_reqs=required",
            "rediss://:pw@cache.example:6380/1?ssl_cert_reqs=required",
        ),
        ("memory://", ""),
    ],
)
def test_the_cache_defaults_to_database_1_of_the_brokers_redis(broker, expected, monkeypatch):
    from alliance_portal.settings import _cache_url

    monkeypatch.delenv("PORTAL_CACHE_URL", raising=False)
    assert _cache_url(broker) == expected


def test_session_actions_match_the_audit_index():
    from audit.models import AuditEntry
    from portal.cache import SESSION_ACTIONS

    index = next(i for i in AuditEntry._meta.indexes if i.name == "audit_changes_id")
    assert sorted(index.condition.children[0][1]) == sorted(SESSION_ACTIONS)


def test_a_case_opened_after_the_record_was_cached_shows_in_the_actions(client, cjk_font):
    from supervision.services import revocation

    staff = MunicipalStaffFactory()
    alliance = filed_alliance()
    client.force_login(staff)
    url = reverse("supervision:alliance_detail", args=[alliance.pk])
    new_case = reverse("supervision:case_new", args=[alliance.pk])
    assert new_case in client.get(url).content.decode()  # cached: no open case
    case = revocation.case_open(alliance=alliance, by=staff, grounds=["2"], facts="未开展活动")
    body = client.get(url).content.decode()
    assert new_case not in body
    assert reverse("supervision:case_detail", args=[case.pk]) in body
