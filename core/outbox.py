"""A transactional outbox for Celery tasks.

``enqueue(task, *args)`` stores the intent in the caller's transaction and dispatches it
after commit. With the broker down the request still succeeds (publishing fails fast and
is logged); the message stays pending and ``dispatch_pending`` — run every minute by beat
and after every successful dispatch — sends it once the broker is back. Nothing queued on
commit is lost, and what is sent is sent once: a message is locked (SKIP LOCKED) while it
is published and marked dispatched in the same transaction.
"""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
BROKER_ERRORS = (OSError, ConnectionError)


def enqueue(task, *args) -> OutboxMessage:
    message = OutboxMessage.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: dispatch([message.pk]))
    return message


def _publish(message: OutboxMessage):
    current_app.signature(message.task, args=message.args).apply_async(retry=False)


def dispatch(ids=None, *, older_than_seconds: int | None = None) -> int:
    """Publish pending messages (the given ids, or all); returns how many were sent."""
    from kombu.exceptions import OperationalError

    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    if older_than_seconds is not None:
        pending = pending.filter(
            created_at__lte=timezone.now() - datetime.timedelta(seconds=older_than_seconds)
        )
    sent = 0
    for pk in list(pending.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, dispatched_at__isnull=True)
                .first()
            )
            if message is None:
                continue  # another dispatcher has it
            message.attempts += 1
            if current_app.conf.task_always_eager:
                # No broker: the task runs here; its own errors are the caller's to see.
                message.dispatched_at = timezone.now()
                message.save(update_fields=["attempts", "dispatched_at"])
                _publish(message)
                sent += 1
                continue
            try:
                _publish(message)
            except (OperationalError, *BROKER_ERRORS) as exc:
                message.last_error = f"{exc.__class__.__name__}: {exc}"[:1000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("broker unavailable, task %s stays queued: %s", message.task, exc)
                break  # the broker is down: try the rest later
            message.dispatched_at = timezone.now()
            message.save(update_fields=["attempts", "dispatched_at"])
            sent += 1
    return sent
