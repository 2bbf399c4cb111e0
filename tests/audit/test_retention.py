"""Logs are kept at least 180 days (网络安全法 第二十一条, audit.retention): a daily job
reports each log's oldest entry, and nothing deletes an entry younger than that — not the
ORM, not django-axes' purge commands, not SQL on PostgreSQL."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management import call_command
from django.db import InternalError, connection, transaction
from django.utils import timezone

from audit import retention
from audit.models import AppendOnlyError, AuditEntry, record
from audit.tasks import report_log_retention

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def access_log(age_days: int, model=AccessLog) -> AccessLog:
    row = model.objects.create(
        username="bob", ip_address="203.0.113.9", user_agent="test", http_accept="*/*"
    )
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - age_days * DAY)
    row.refresh_from_db()
    return row


def test_the_period_is_180_days():
    assert retention.RETENTION_DAYS == 180
    now = timezone.now()
    assert retention.cutoff(now) == now - 180 * DAY


def test_the_daily_job_reports_the_oldest_entries(caplog):
    schedule = settings.CELERY_BEAT_SCHEDULE["report-log-retention-daily"]
    assert schedule["task"] == "audit.tasks.report_log_retention"
    with time_machine.travel(timezone.now() - 200 * DAY, tick=False):
        record(subject=None, action="x", action_label="旧记录", actor=None)
    record(subject=None, action="x", action_label="新记录", actor=None)
    access_log(30)
    with caplog.at_level(logging.INFO, logger="audit.retention"):
        result = report_log_retention.delay().get()
    assert result["retention_days"] == 180
    assert result["audit"]["age_days"] == 200
    assert result["axes_access_log"]["age_days"] == 30
    assert result["axes_access_failure_log"] == {"oldest": None, "age_days": None}
    assert "the oldest audit entry is from" in caplog.text and "200 days old" in caplog.text
    assert AuditEntry.objects.count() == 2  # the job deletes nothing


def test_the_audit_log_is_never_pruned():
    with time_machine.travel(timezone.now() - 400 * DAY, tick=False):
        record(subject=None, action="x", action_label="旧记录", actor=None)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(at__lt=retention.cutoff()).delete()
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("model", [AccessLog, AccessFailureLog])
def test_the_orm_refuses_to_delete_younger_access_logs(model):
    young, old = access_log(179, model), access_log(181, model)
    with pytest.raises(retention.RetentionError, match="至少保留180天"), transaction.atomic():
        young.delete()
    with pytest.raises(retention.RetentionError), transaction.atomic():
        model.objects.all().delete()
    assert set(model.objects.values_list("pk", flat=True)) == {young.pk, old.pk}
    old.delete()
    assert list(model.objects.values_list("pk", flat=True)) == [young.pk]


def test_axes_purge_commands_refuse_younger_rows():
    young, old = access_log(30), access_log(365)
    failure = access_log(10, AccessFailureLog)
    with pytest.raises(retention.RetentionError), transaction.atomic():
        call_command("axes_reset_logs", age=7)
    with pytest.raises(retention.RetentionError), transaction.atomic():
        call_command("axes_reset_failure_logs", age=1)
    assert AccessLog.objects.count() == 2 and AccessFailureLog.objects.count() == 1
    # What is older than the period may go.
    call_command("axes_reset_logs", age=180)
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [young.pk]
    assert old.pk and failure.pk


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["axes_accesslog", "axes_accessfailurelog"])
def test_the_database_refuses_deleting_younger_rows(table):
    model = AccessLog if table == "axes_accesslog" else AccessFailureLog
    young, old = access_log(179, model), access_log(181, model)
    for sql in (f"DELETE FROM {table}", f"TRUNCATE {table}"):  # noqa: S608 - constant
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert model.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [old.pk])  # noqa: S608
    assert list(model.objects.values_list("pk", flat=True)) == [young.pk]


def test_a_real_login_writes_an_access_log_the_guard_keeps(client):
    from tests.factories import PASSWORD, LeadUnitUserFactory

    user = LeadUnitUserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    row = AccessLog.objects.get(username=user.username)
    with pytest.raises(retention.RetentionError), transaction.atomic():
        row.delete()
    assert AccessLog.objects.filter(pk=row.pk).exists()
