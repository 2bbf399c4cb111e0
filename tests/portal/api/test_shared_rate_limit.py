"""The API's rate limit is counted once for all web workers when PORTAL_CACHE_URL names
a Redis (production): per-process memory let three gunicorn workers allow three times the
documented rate (penetration test, issue 16)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from portal.api.throttling import PublicRateThrottle

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_put_the_throttle_in_redis():
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from portal.api.throttling import PublicRateThrottle;"
        "print(settings.CACHES['throttle']['BACKEND'], type(PublicRateThrottle.cache).__name__)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "alliance_portal.settings",
        "PORTAL_CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "RedisCache"]


@pytest.mark.redis
def test_two_workers_count_the_same_requests(settings):
    """Two throttles, each with its own connection to the same Redis (two processes'
    caches): together they allow the rate once."""
    settings.PORTAL_API_RATE = "3/min"
    location = os.environ["PORTAL_TEST_REDIS_URL"]
    workers = [
        type("Worker", (PublicRateThrottle,), {"cache": RedisCache(location, {})})()
        for _ in range(2)
    ]
    address = f"203.0.113.{uuid.uuid4().int % 250}"  # a fresh client each run
    request = RequestFactory().get("/api/v1/alliances/", REMOTE_ADDR=address)
    answers = [workers[i % 2].allow_request(request, None) for i in range(4)]
    assert answers == [True, True, True, False]
    workers[0].cache.delete(workers[0].get_cache_key(request, None))
