"""Logs are kept at least 180 days (网络安全法 第二十一条: 留存相关的网络日志不少于六个月).

The portal's logs are the audit log (``AuditEntry``: every action, login, logout, failed
login, lockout and two-factor event) and django-axes' access logs (``AccessLog``: each
login and logout with the browser; ``AccessFailureLog``, when switched on: each failure).

- The audit log is never deleted at all: the model refuses, and on PostgreSQL triggers
  refuse DELETE and TRUNCATE (migrations 0002, 0008).
- django-axes' access logs may be pruned (``manage.py axes_reset_logs --age N``, the
  admin, axes' own per-user limit), but never a row younger than ``RETENTION_DAYS``:
  ``refuse_young_deletes`` stops any delete through the ORM (the whole delete is undone),
  and on PostgreSQL triggers refuse such a DELETE and any TRUNCATE from any client
  (migration 0010). ``AccessAttempt`` is not a log but the lockout counter (deleted at a
  successful login, by design); the lockout itself is in the audit log.
- ``report()`` runs daily (beat: ``audit.tasks.report_log_retention``) and logs how old
  the oldest entry of each log is.
"""

import datetime
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETENTION_DAYS = 180


class RetentionError(Exception):
    """A delete that would remove log entries younger than RETENTION_DAYS."""


def cutoff(now=None) -> datetime.datetime:
    """Entries at or before this moment may be deleted (the audit log's never are)."""
    return (now or timezone.now()) - datetime.timedelta(days=RETENTION_DAYS)


def refuse_young_deletes(sender, instance, **kwargs):
    """``pre_delete`` of django-axes' access logs: refuse a row younger than the period.
    Sent for each row inside the delete's transaction, so nothing of it is kept."""
    if instance.attempt_time is not None and instance.attempt_time > cutoff():
        raise RetentionError(
            _(
                "登录日志至少保留%(days)s天（网络安全法第二十一条）：%(when)s 的记录不能删除。"
                "请只删除%(days)s天以前的记录（例如 axes_reset_logs --age %(days)s）。"
            )
            % {
                "days": RETENTION_DAYS,
                "when": timezone.localtime(instance.attempt_time).strftime("%Y-%m-%d %H:%M"),
            }
        )


def connect() -> None:
    from axes.models import AccessFailureLog, AccessLog
    from django.db.models.signals import pre_delete

    for model in (AccessLog, AccessFailureLog):
        pre_delete.connect(
            refuse_young_deletes, sender=model, dispatch_uid=f"retention-{model.__name__}"
        )


def _logs():
    from axes.models import AccessFailureLog, AccessLog

    from .models import AuditEntry

    return [
        ("audit", AuditEntry.objects.all(), "at"),
        ("axes_access_log", AccessLog.objects.all(), "attempt_time"),
        ("axes_access_failure_log", AccessFailureLog.objects.all(), "attempt_time"),
    ]


def report(now=None) -> dict:
    """Each log's oldest entry and its age in days (None for an empty log), logged."""
    now = now or timezone.now()
    result = {"retention_days": RETENTION_DAYS}
    for name, queryset, field in _logs():
        oldest = queryset.order_by(field).values_list(field, flat=True).first()
        if oldest is None:
            result[name] = {"oldest": None, "age_days": None}
            logger.info("log retention: %s is empty", name)
            continue
        age = (now - oldest).days
        result[name] = {"oldest": oldest.isoformat(), "age_days": age}
        logger.info(
            "log retention: the oldest %s entry is from %s, %d days old (kept at least %d days)",
            name,
            timezone.localtime(oldest).strftime("%Y-%m-%d %H:%M"),
            age,
            RETENTION_DAYS,
        )
    return result
