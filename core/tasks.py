from celery import shared_task


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=30, max_retries=5
)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the e-mails of inbox entries created in bulk (e.g. by the reminder job)."""
    from .notify import deliver

    return deliver(notification_ids)


@shared_task
def dispatch_outbox() -> int:
    """Beat, every minute: publish tasks whose dispatch after commit failed (broker down)."""
    from .outbox import dispatch

    return dispatch(older_than_seconds=30)


@shared_task
def prune_throttle() -> int:
    """Beat, daily: forget attempts older than any throttle window."""
    from .throttle import prune

    return prune()
