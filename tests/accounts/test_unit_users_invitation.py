"""The invitation link (/accounts/invitation/<uidb64>/<token>/): sets the password once,
within PORTAL_INVITATION_DAYS, then signs in; anything else is a Chinese page that says
to ask the unit administrator."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import unit_users
from accounts.invitations import invitation_path, invitation_tokens
from audit.models import AuditEntry
from tests.factories import LeadUnitUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Baoding-colleague-2026"
NEW = {"name": "王小明", "phone": "13912345678", "email": "wxm@example.test", "username": "wxm"}


@pytest.fixture
def admin():
    return LeadUnitUserFactory(is_unit_admin=True)


@pytest.fixture
def invited(admin):
    return unit_users.colleague_invite(by=admin, values=NEW)


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    """Open the link (Django moves the token into the session), then post the form."""
    response = client.get(path)
    if response.status_code != 302:
        return response
    return client.post(
        response["Location"], {"new_password1": password, "new_password2": confirm or password}
    )


def test_the_mailed_link_sets_the_password_and_signs_in(
    client, admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = unit_users.colleague_invite(by=admin, values=NEW)
    path = re.search(r"https?://[^/]+(/accounts/invitation/\S+)", mailoutbox[-1].body).group(1)
    page = client.get(client.get(path)["Location"]).content.decode()
    assert "wxm" in page and admin.organisation.name in page
    response = set_password(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.session[SESSION_KEY] == str(invited.pk)
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert unit_users.state_of(invited) == "active"
    assert (
        AuditEntry.objects.for_object(invited)
        .filter(action="unit_user_invitation_accept", actor=invited)
        .exists()
    )


def test_a_link_works_once(client, invited):
    path = invitation_path(invited)
    assert set_password(client, path).status_code == 302
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert "请联系本单位的单位管理员重新发送邀请" in response.content.decode()


def test_password_validators_apply_and_nothing_is_set(client, invited):
    response = set_password(client, invitation_path(invited), password="123")
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert SESSION_KEY not in client.session


def test_expired_after_the_configured_days(client, invited, settings):
    settings.PORTAL_INVITATION_DAYS = 7
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        old = invitation_path(invited)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=6)):
        recent = invitation_path(invited)
    assert "单位管理员重新发送" in client.get(old).content.decode()
    assert client.get(recent).status_code == 302
    # Longer than Django's own reset timeout (3 days): the invitation's validity applies.
    settings.PASSWORD_RESET_TIMEOUT = 3600
    assert client.get(recent).status_code == 302


def test_tampered_or_foreign_tokens_are_refused(client, invited):
    from django.contrib.auth.tokens import default_token_generator

    uid = urlsafe_base64_encode(force_bytes(invited.pk))
    good = invitation_tokens.make_token(invited)
    tampered = good[:-1] + ("0" if good[-1] != "0" else "1")
    reset_token = default_token_generator.make_token(invited)  # a reset link is no invitation
    other = LeadUnitUserFactory()
    for uidb64, token in (
        (uid, tampered),
        (uid, reset_token),
        (uid, "nonsense"),
        (urlsafe_base64_encode(force_bytes(other.pk)), good),
        ("AAAA", good),
    ):
        response = client.get(reverse("accounts:invitation", args=[uidb64, token]))
        assert response.status_code == 200
        assert 'data-testid="invalid-invitation"' in response.content.decode()


def test_removal_kills_the_link(client, admin, invited):
    path = invitation_path(invited)
    unit_users.colleague_remove(by=admin, user=invited, reason="填错了")
    assert 'data-testid="invalid-invitation"' in client.get(path).content.decode()


def test_resend_kills_the_old_link(client, admin, invited):
    path = invitation_path(invited)
    unit_users.colleague_resend_invitation(by=admin, user=invited)
    assert 'data-testid="invalid-invitation"' in client.get(path).content.decode()


def test_two_posts_of_one_form_set_the_password_once(client, invited):
    """The second tab posts after the first set the password: refused, not overwritten."""
    path = invitation_path(invited)
    form_url = client.get(path)["Location"]
    second = type(client)()
    second_form = second.get(path)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = second.post(
        second_form,
        {"new_password1": "Another-password-2026", "new_password2": "Another-password-2026"},
    )
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
