"""The daily reminder task against N filed alliances (default 10,000) on PostgreSQL.

    .venv/bin/python bench/reminders.py [N]

Seeds (bench/seed.py) if needed, then runs the job (supervision.reminders.send_reminders)
for a day on which every alliance without a 2025 summary is due a reminder. The job records
the reminders and inbox entries and queues their e-mails; the delivery tasks it queues are
collected, not run, so the job is timed alone (target < 10 s, queries independent of N).
Then the queued deliveries are run one after another, as one worker would, and timed too
(several workers share them in production). The run's ReminderLog and Notification rows
are deleted first so every run measures real work.
"""

import datetime
import sys
import time

from _django import machine, setup


def main(n: int):
    import seed as seeding
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from core.models import Notification
    from core.notify import deliver
    from supervision.models import ReminderLog
    from supervision.reminders import send_reminders

    seeding.seed(n)
    day = datetime.date(2026, 4, 1)  # the first overdue reminder for 2025 summaries
    ReminderLog.objects.filter(year=2025).delete()
    Notification.objects.filter(subject__contains="2025年度").delete()
    queued = []
    import core.outbox

    # Collect the deliveries the job queues (through the outbox) instead of running them.
    core.outbox.enqueue = lambda task, *args: queued.append(args[0])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = send_reminders(day)
            elapsed = time.perf_counter() - started
        started = time.perf_counter()
        emails = sum(deliver(ids) for ids in queued)
        delivery = time.perf_counter() - started
    print(f"alliances reminded: {report.reminded_alliances} in {report.batches} batches")
    print(f"job: {elapsed:.2f} s (target < 10 s); SQL queries: {len(queries.captured_queries)}")
    print(f"delivery: {emails} e-mails rendered and sent in {delivery:.1f} s by one worker")
    print(f"machine: {machine()}")
    return elapsed, len(queries.captured_queries)


if __name__ == "__main__":
    setup()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
