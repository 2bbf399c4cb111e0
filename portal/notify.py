"""The one way the portal tells users something: an inbox entry for every recipient and a
Chinese e-mail — always for legal notices (decisions, notices, deadlines), and for other
notices unless the user opted out.

Call it from Celery tasks, never inside a request's transaction (services enqueue the
task with ``transaction.on_commit``).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation

from .models import Notification


def inbox_entries(users, subject: str, body: str, *, legal: bool) -> list[Notification]:
    """Unsaved inbox rows (bulk-create them with the batch they belong to)."""
    return [Notification(user=u, subject=subject, body=body, legal=legal) for u in users]


def wants_email(user, *, legal: bool) -> bool:
    return bool(user.email and user.is_active and (legal or not user.email_opt_out))


def send_notice(
    *, users, subject: str, body: str, cc_users=(), legal: bool = True, connection=None
) -> int:
    """Send one e-mail per recipient (no shared To: list: recipients stay private)."""
    users = [u for u in users if u.is_active]
    cc_users = [u for u in cc_users if u.is_active and u not in users]
    subject, body = str(subject), str(body)
    entries = inbox_entries(users + cc_users, subject, body, legal=legal)
    cc = [u.email for u in cc_users if wants_email(u, legal=legal)]
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            EmailMessage(
                subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", body=body, to=[u.email], cc=cc
            )
            for u in users
            if wants_email(u, legal=legal)
        ]
        emailed = {u.pk for u in users if wants_email(u, legal=legal)} | {
            u.pk for u in cc_users if wants_email(u, legal=legal)
        }
        for entry in entries:
            entry.emailed = entry.user_id in emailed
        Notification.objects.bulk_create(entries)
        if not messages:
            return 0
        return (connection or get_connection()).send_messages(messages)
