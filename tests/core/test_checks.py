"""`check --deploy` warns while the public 公示 cannot say where objections go."""

import pytest
from django.test import override_settings

from core.checks import objection_contact


def test_warns_without_the_objection_address_or_phone():
    with override_settings(PORTAL_OBJECTION_ADDRESS="", PORTAL_OBJECTION_PHONE="0312-5550123"):
        warnings = objection_contact(None)
    assert [w.id for w in warnings] == ["core.W001"]
    assert "PORTAL_OBJECTION_ADDRESS" in warnings[0].msg
    assert "PORTAL_OBJECTION_PHONE" not in warnings[0].msg


def test_silent_once_both_are_set():
    with override_settings(
        PORTAL_OBJECTION_ADDRESS="保定市某路1号", PORTAL_OBJECTION_PHONE="0312-1"
    ):
        assert objection_contact(None) == []


@pytest.mark.parametrize(
    ("base_url", "failing"),
    [
        ("https://portal.example", False),
        ("https://portal.example/alliances", False),
        ("http://127.0.0.1:8000", True),
        ("http://portal.example", True),
        ("https://localhost", True),
        ("https://elsewhere.example", True),
    ],
)
def test_the_printed_address_must_be_the_public_https_one_in_production(
    settings, base_url, failing
):
    from core.checks import base_url_printed_on_documents

    settings.PORTAL_HTTPS = True
    settings.ALLOWED_HOSTS = ["portal.example"]
    settings.PORTAL_BASE_URL = base_url
    errors = base_url_printed_on_documents(None)
    assert [e.id for e in errors] == (["core.E020"] if failing else [])


def test_the_demo_over_plain_http_is_not_held_to_it(settings):
    from core.checks import base_url_printed_on_documents

    settings.PORTAL_HTTPS = False
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    assert base_url_printed_on_documents(None) == []
