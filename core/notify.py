"""The one way the portal tells users something: an inbox entry for every recipient and a
Chinese e-mail — always for legal notices (decisions, notices, deadlines), and for other
notices unless the user opted out.

Call it from Celery tasks, never inside a request's transaction (services enqueue the
task with ``transaction.on_commit``).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.functional import Promise

from .models import Notification


def header_safe(text) -> str:
    """One line, fit for an e-mail header: user-typed titles (a symposium called
    “座谈会\nBcc: …”) end up in subjects, where a line break is header injection and makes
    Django refuse to send at all (BadHeaderError) after the record was saved."""
    return " ".join(str(text).split())[:200]


# A notice's subject or body: a fixed string, a lazy translation, or a function that
# writes it in the active language (``lambda: _("…") % params``); the last two are
# rendered once in Chinese and once in English.
Text = str | Promise | Callable[[], str]


def in_both(text: Text) -> tuple[str, str]:
    """(Chinese, English) of ``text``; the English is blank when it is the same."""
    if isinstance(text, Promise):
        text = text.__str__
    if not callable(text):
        return str(text), ""
    with translation.override(settings.LANGUAGE_CODE):
        chinese = str(text())
    with translation.override("en"):
        english = str(text())
    return chinese, "" if english == chinese else english


def inbox_entries(users, subject: Text, body: Text, *, legal: bool) -> list[Notification]:
    """Unsaved inbox rows (bulk-create them with the batch they belong to)."""
    (subject, subject_en), (body, body_en) = in_both(subject), in_both(body)
    subject, subject_en = header_safe(subject), header_safe(subject_en)
    return [
        Notification(
            user=u,
            subject=subject,
            body=body,
            subject_en=subject_en,
            body_en=body_en,
            legal=legal,
        )
        for u in users
    ]


def wants_email(user, *, legal: bool) -> bool:
    return bool(user.email and user.is_active and (legal or not user.email_opt_out))


def send_notice(
    *, users, subject: Text, body: Text, cc_users=(), legal: bool = True, connection=None
) -> int:
    """Send one e-mail per recipient (no shared To: list: recipients stay private)."""
    users = [u for u in users if u.is_active]
    cc_users = [u for u in cc_users if u.is_active and u not in users]
    entries = inbox_entries(users + cc_users, subject, body, legal=legal)
    subject, body = (entries[0].subject, entries[0].body) if entries else ("", "")
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


def deliver(notification_ids) -> int:
    """E-mail the given inbox entries that want an e-mail and have not had one.

    Idempotent and safe on several workers: rows are locked (SKIP LOCKED) and marked
    ``emailed`` in the same transaction that sends them.
    """
    from django.db import transaction

    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=list(notification_ids), emailed=False)
            .select_related("user")
            .order_by("pk")
        )
        rows = [n for n in rows if wants_email(n.user, legal=n.legal)]
        if not rows:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            messages = [
                EmailMessage(
                    f"{settings.EMAIL_SUBJECT_PREFIX}{header_safe(n.subject)}",
                    n.body,
                    to=[n.user.email],
                )
                for n in rows
            ]
        get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed=True)
        return len(messages)
