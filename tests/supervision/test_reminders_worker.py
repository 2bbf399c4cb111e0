"""The reminder task through a real Celery worker on the real Redis broker."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from alliance_portal.celery import app
from supervision.models import ReminderLog
from supervision.tasks import send_annual_summary_reminders
from tests.factories import filed_alliance

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker():
    url = os.environ.get("PORTAL_TEST_REDIS_URL", "")
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _reset_pools()
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
    ):
        yield
    app.conf.update(saved)
    _reset_pools()


def _reset_pools():
    # Connection and producer pools are built lazily for the broker URL of the moment.
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


def test_reminders_through_a_worker_twice_at_once_send_each_once(redis_worker, mailoutbox):
    alliances = [filed_alliance() for _ in range(3)]
    # Two deliveries of the daily job racing on two worker threads.
    first = send_annual_summary_reminders.delay(today="2027-03-01")
    second = send_annual_summary_reminders.delay(today="2027-03-01")
    results = [first.get(timeout=60), second.get(timeout=60)]
    assert sum(r["reminded_alliances"] for r in results) == 3
    # The e-mails go out in a delivery task the job queued on commit.
    deadline = time.monotonic() + 30
    while len(mailoutbox) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)  # a duplicate would arrive now
    assert len(mailoutbox) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        a.lead_unit.users.get().email for a in alliances
    )
    assert ReminderLog.objects.filter(step="before30").count() == 3
