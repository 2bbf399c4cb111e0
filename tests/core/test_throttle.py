"""Attempts counted in the database (core.throttle): every process sees the same counts."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core import throttle
from core.models import ThrottleEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.PORTAL_THROTTLES = {**settings.PORTAL_THROTTLES, "login-account": (3, 900)}


def test_attempts_are_allowed_up_to_the_limit(tight):
    for _ in range(3):
        assert throttle.allowed("login-account", "zhangsan")
        throttle.count("login-account", "zhangsan")
    assert not throttle.allowed("login-account", "zhangsan")
    assert throttle.allowed("login-account", "lisi")  # another key, its own count
    assert throttle.allowed("login-address", "zhangsan")  # another scope too


def test_the_window_slides(tight):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            throttle.count("login-account", "zhangsan")
        assert not throttle.allowed("login-account", "zhangsan")
        clock.move_to(start + datetime.timedelta(seconds=901))
        assert throttle.allowed("login-account", "zhangsan")


def test_keys_are_not_stored_in_clear():
    throttle.count("reset-account", "someone@example.test")
    assert "someone" not in ThrottleEvent.objects.get().key


def test_old_attempts_are_pruned():
    start = timezone.now()
    with time_machine.travel(start - datetime.timedelta(days=2), tick=False):
        throttle.count("reset-address", "198.51.100.7")
    throttle.count("reset-address", "198.51.100.7")
    assert throttle.prune() == 1
    assert ThrottleEvent.objects.count() == 1
