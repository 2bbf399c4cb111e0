"""The one way the portal tells users something: a Chinese e-mail to each recipient.

Call it from Celery tasks, never inside a request's transaction (services enqueue the
task with ``transaction.on_commit``).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation


def send_notice(*, users, subject: str, body: str, cc_users=()) -> int:
    """Send one e-mail per recipient (no shared To: list: recipients stay private)."""
    with translation.override(settings.LANGUAGE_CODE):
        recipients = [u for u in users if u.email and u.is_active]
        cc = [u.email for u in cc_users if u.email and u.is_active]
        messages = [
            EmailMessage(
                subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
                body=body,
                to=[user.email],
                cc=cc,
            )
            for user in recipients
        ]
        if not messages:
            return 0
        return get_connection().send_messages(messages)
