"""A password that is too short is refused in Chinese on every page that sets one.

Django 5.2's own message for it has no zh-hans translation (its wording changed), so the
invitation link, the password change and the password reset said it in English; found
by the registration journey in the browser (tests/e2e/test_registration_browser.py)."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts import unit_users
from accounts.invitations import invitation_path
from tests.factories import PASSWORD, LeadUnitUserFactory, MunicipalStaffFactory

pytestmark = pytest.mark.django_db
SHORT = "Ab-2026x"
CHINESE = "密码太短：至少需要10位。"


def short_password_message(content: bytes) -> None:
    page = content.decode()
    assert CHINESE in page
    assert "too short" not in page


def test_the_rule_itself_says_it_in_chinese():
    with pytest.raises(ValidationError) as refused:
        validate_password(SHORT)
    assert refused.value.messages == [CHINESE]
    assert refused.value.error_list[0].code == "password_too_short"  # Django's code kept


def test_the_invitation_link(client):
    admin = LeadUnitUserFactory(is_unit_admin=True)
    invited = unit_users.colleague_invite(
        by=admin,
        values={
            "name": "王小明",
            "phone": "13912345678",
            "email": "w@example.test",
            "username": "wxm",
        },
    )
    form_url = client.get(invitation_path(invited))["Location"]
    response = client.post(form_url, {"new_password1": SHORT, "new_password2": SHORT})
    assert response.status_code == 200
    short_password_message(response.content)


def test_the_password_change(client):
    client.force_login(MunicipalStaffFactory())
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": SHORT, "new_password2": SHORT},
    )
    assert response.status_code == 200
    short_password_message(response.content)


def test_the_password_reset(client, django_capture_on_commit_callbacks, mailoutbox):
    MunicipalStaffFactory(email="staff@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "staff@example.test"})
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mailoutbox[0].body).group(0)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": SHORT, "new_password2": SHORT})
    assert response.status_code == 200
    short_password_message(response.content)
