"""Tests do not leak into one another: the suite runs in random order (pytest-randomly)
and each test starts in the portal's language whatever the previous one left active."""

from django.utils import translation

from tests.conftest import default_language


def test_each_test_starts_in_chinese():
    assert translation.get_language() == "zh-hans"


def test_a_language_left_active_is_reset():
    translation.activate("en")
    with default_language():
        assert translation.get_language() == "zh-hans"
    assert translation.get_language() == "zh-hans"  # and not English again afterwards
