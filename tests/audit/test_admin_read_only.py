"""The logs in the Django admin (issue 14): nothing can be added, changed or deleted there —
not the audit log, not django-axes' access logs, not its lockout records — and the
administrator does not read the logs at all (三员分立: the auditor does, in the portal)."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEntry, record
from tests.factories import AdminFactory, access_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt():
    return access_attempt(
        username="bob", ip_address="203.0.113.9", user_agent="test", post_data="username=bob"
    )


@pytest.fixture
def access_log():
    return AccessLog.objects.create(
        username="bob", ip_address="203.0.113.9", user_agent="test", http_accept="*/*"
    )


@pytest.mark.parametrize("model", [AuditEntry, AccessLog, AccessFailureLog, AccessAttempt])
def test_no_admin_page_adds_changes_or_deletes(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = AdminFactory()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)  # no "delete selected", no clean-up


def test_the_lockouts_are_listed_read_only(admin_client, attempt):
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin_client.get(changelist)
    assert page.status_code == 200
    content = page.content.decode()
    assert "bob" in content
    assert 'name="action"' not in content  # no action menu at all
    assert "cleanup_expired_attempts" not in content
    # No delete page, no action posted, no change saved.
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    admin_client.post(
        changelist,
        {"action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]},
    )
    change = reverse("admin:axes_accessattempt_change", args=[attempt.pk])
    admin_client.post(change, {"username": "mallory", "failures_since_start": 0})
    attempt.refresh_from_db()
    assert (attempt.username, attempt.failures_since_start) == ("bob", 5)
    assert admin_client.get(reverse("admin:axes_accessattempt_add")).status_code == 403


def test_the_access_logs_are_not_shown_to_the_administrator(admin_client, access_log):
    for name in ("accesslog", "accessfailurelog"):
        assert admin_client.get(reverse(f"admin:axes_{name}_changelist")).status_code == 403
    change = reverse("admin:axes_accesslog_change", args=[access_log.pk])
    delete = reverse("admin:axes_accesslog_delete", args=[access_log.pk])
    assert admin_client.get(change).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=access_log.pk).exists()


def test_the_audit_log_is_not_shown_to_the_administrator(admin_client):
    entry = record(subject=None, action="x", action_label="测试", actor=None, reason="原文")
    for url in (
        reverse("admin:audit_auditentry_changelist"),
        reverse("admin:audit_auditentry_change", args=[entry.pk]),
        reverse("admin:audit_auditentry_delete", args=[entry.pk]),
    ):
        assert admin_client.get(url).status_code == 403, url
    admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert AuditEntry.objects.get(pk=entry.pk).reason == "原文"
