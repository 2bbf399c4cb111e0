"""`check --deploy` warns while the public 公示 cannot say where objections go."""

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
