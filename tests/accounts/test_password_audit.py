"""Password change and password reset (request and completion) are audited — who, what,
when, from where — and the log never holds the password or the reset token (issue 12,
Low: missing audit of security events)."""

import re

import pytest
from django.core import mail

from audit.models import AuditEntry
from tests.factories import PASSWORD, MunicipalStaffFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Brand-new-password-2026"


def assert_never_logged(*secrets):
    for secret in secrets:
        assert not AuditEntry.objects.filter(reason__contains=secret).exists(), secret
        assert not AuditEntry.objects.filter(action_label__contains=secret).exists(), secret


def test_password_change_is_audited(client):
    user = MunicipalStaffFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.for_object(user).get(action="password_change")
    assert (entry.action_label, entry.actor) == ("修改密码", user)
    assert entry.reason == "127.0.0.1"
    assert_never_logged(PASSWORD, NEW_PASSWORD)


def test_a_refused_password_change_is_not_a_change(client):
    user = MunicipalStaffFactory()
    client.force_login(user)
    client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not AuditEntry.objects.for_object(user).filter(action="password_change").exists()


def test_password_reset_request_and_completion_are_audited(
    client, django_capture_on_commit_callbacks
):
    user = MunicipalStaffFactory(email="staff@example.test")

    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is queued
        client.post("/accounts/password/reset/", {"email": "staff@example.test"})

    requested = AuditEntry.objects.for_object(user).get(action="password_reset_request")
    assert (requested.action_label, requested.actor) == ("申请重置密码", None)
    link = re.search(r"/accounts/password/reset/(\S+)/(\S+)/", mail.outbox[0].body)
    uid, token = link.group(1), link.group(2)

    form_page = client.get(link.group(0), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    done = AuditEntry.objects.for_object(user).get(action="password_reset")
    assert (done.action_label, done.actor) == ("通过邮件链接重置密码", user)
    assert_never_logged(NEW_PASSWORD, token, f"{uid}/{token}")


def test_a_reset_asked_for_an_unknown_address_is_audited_without_a_subject(client):
    client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    entry = AuditEntry.objects.get(action="password_reset_request")
    assert entry.content_type is None
    assert entry.reason == "nobody@example.test 127.0.0.1"
    assert not mail.outbox
