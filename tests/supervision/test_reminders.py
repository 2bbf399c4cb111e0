import datetime

import pytest
import time_machine
from celery.exceptions import Retry

from supervision.models import AnnualSummary, ReminderLog
from supervision.reminders import reminder_step, send_reminders
from supervision.tasks import send_annual_summary_reminders
from tests.factories import MunicipalStaffFactory, filed_alliance, policy_successor

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the daily job for a day, then the e-mail delivery its batches queued on commit."""

    def run(day=None, *, task=False):
        with django_capture_on_commit_callbacks(execute=True):
            if task:
                return send_annual_summary_reminders(day.isoformat() if day else None)
            return send_reminders(day)

    return run


D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.mark.parametrize(
    ("today", "year", "step"),
    [
        (D(2027, 3, 1), 2026, "before30"),
        (D(2027, 3, 24), 2026, "before7"),
        (D(2027, 3, 31), 2026, "due"),
        (D(2027, 4, 1), 2026, "overdue1"),
        (D(2027, 4, 7), 2026, "overdue1"),
        (D(2027, 4, 8), 2026, "overdue2"),
        (D(2027, 2, 28), 2025, "overdue48"),
    ],
)
def test_reminder_step_for_the_default_due_date(today, year, step):
    found = reminder_step(today)
    assert (found.year, found.name) == (year, step)


def test_due_date_is_the_policy_versions():
    # The summary of 2026 is due under the version applied on 2027-01-01.
    policy_successor(effective_from=D(2026, 6, 1), summary_due_month=4, summary_due_day=30)
    assert reminder_step(D(2027, 3, 31)).name == "before30"
    assert reminder_step(D(2027, 4, 30)).name == "due"


def test_running_twice_sends_each_reminder_once(mailoutbox, remind):
    owing = filed_alliance()
    filed_alliance()
    done = filed_alliance()
    AnnualSummary.objects.create(alliance=done, year=2026, state="accepted")
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=TZ)):
        remind(task=True)
        first = len(mailoutbox)
        remind(task=True)
    assert first == 2
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.filter(step="before30").count() == 2
    lead_email = owing.lead_unit.users.get().email
    assert any(m.to == [lead_email] and "2026年度工作总结" in m.subject for m in mailoutbox)


def test_each_step_is_sent_and_overdue_copies_the_liaison_officer(mailoutbox, remind):
    liaison = MunicipalStaffFactory(is_liaison_officer=True)
    alliance = filed_alliance(liaison=liaison)
    MunicipalStaffFactory()  # receives the digest
    lead_email = alliance.lead_unit.users.get().email
    for day in [
        D(2027, 3, 1),
        D(2027, 3, 2),
        D(2027, 3, 24),
        D(2027, 3, 31),
        D(2027, 4, 1),
        D(2027, 4, 3),
        D(2027, 4, 8),
    ]:
        with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=TZ)):
            remind(task=True)
    to_lead = [m for m in mailoutbox if m.to == [lead_email]]
    assert len(to_lead) == 5  # before30, before7, due, overdue week 1, overdue week 2
    # The liaison officer is copied on the overdue ones only.
    copies = [m for m in mailoutbox if m.to == [liaison.email] and "抄送" in m.subject]
    assert len(copies) == 2
    assert all(m.subject.startswith("[保定市创新联盟] 【抄送】【逾期】") for m in copies)
    digests = [m for m in mailoutbox if "逾期情况" in m.subject]
    assert len(digests) == 2 * 2  # two staff users, two overdue weeks
    assert alliance.name in digests[0].body


def test_submitted_summary_stops_the_reminders(mailoutbox, remind):
    alliance = filed_alliance()
    AnnualSummary.objects.create(alliance=alliance, year=2026, state="submitted")
    remind(D(2027, 4, 1))
    assert mailoutbox == []


def test_alliance_filed_after_the_year_owes_nothing(mailoutbox, remind):
    filed_alliance(filed_on=D(2027, 1, 10))
    remind(D(2027, 3, 1))
    assert mailoutbox == []


def test_revoked_alliance_is_not_reminded(mailoutbox, remind):
    from filings.models import Alliance

    alliance = filed_alliance()
    Alliance.objects.filter(pk=alliance.pk).update(status="revoked")
    remind(D(2027, 3, 1))
    assert mailoutbox == []


def test_a_failed_send_is_retried_and_sends_once(mailoutbox, monkeypatch, remind):
    from django.core.mail.backends.locmem import EmailBackend

    from core.models import Notification
    from core.tasks import deliver_notifications

    filed_alliance()

    def boom(self, messages):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", boom)
    # Eager Celery surfaces the delivery task's scheduled retry as an exception.
    with pytest.raises(Retry):
        remind(D(2027, 3, 1))
    # The reminder is recorded (it will not be recorded twice); its e-mail is pending.
    assert ReminderLog.objects.count() == 1
    pending = list(Notification.objects.filter(emailed=False).values_list("pk", flat=True))
    assert len(pending) == 1
    monkeypatch.undo()
    remind(D(2027, 3, 1))  # the next run does not record or send it again
    assert mailoutbox == []
    deliver_notifications(pending)  # Celery's retry of the delivery
    deliver_notifications(pending)  # a duplicate delivery sends nothing
    assert len(mailoutbox) == 1


def test_query_count_does_not_grow_with_alliances(django_assert_max_num_queries, mailoutbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        filed_alliance()
    with CaptureQueriesContext(connection) as small:
        send_reminders(D(2027, 3, 1))
    for _ in range(12):
        filed_alliance()
    with CaptureQueriesContext(connection) as large:
        send_reminders(D(2027, 3, 24))
    assert len(large.captured_queries) == len(small.captured_queries)
