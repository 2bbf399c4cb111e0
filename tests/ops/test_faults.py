"""Faults, on loopback only and bounded in time: Redis stopped while users act, and a
worker killed in the middle of the reminder job."""

import os
import signal
import time

import pytest
from django.db import connection

from alliance_portal.celery import app
from core.models import OutboxMessage
from core.outbox import dispatch
from supervision.models import ReminderLog
from tests.factories import PASSWORD, filed_alliance, filing_in_state
from tests.ops.faults import PrivateRedis, mails, start_worker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker(tmp_path):
    """Celery publishing to a private Redis that the test may stop and start."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=redis.url, task_always_eager=False, result_backend=None)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield redis
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        redis.stop()


def test_redis_down_pages_keep_working_and_queued_work_runs_when_it_is_back(
    client, real_broker, tmp_path
):
    filing = filing_in_state("county_review")
    county = filing.jurisdiction.reviewers.create(
        username="county_fault", role="county_reviewer", email="county@example.test"
    )
    county.set_password(PASSWORD)
    county.save()
    client.force_login(county)

    real_broker.stop()  # Redis goes down while users act
    started = time.monotonic()
    response = client.post(
        f"/filings/{filing.pk}/recommend/",
        {"opinion": "同意推荐", "expected_state": "county_review"},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert client.get(f"/filings/{filing.pk}/").status_code == 200
    assert elapsed < 10, f"the page waited {elapsed:.1f} s for the broker"
    filing.refresh_from_db()
    assert filing.state == "municipal_review"
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert pending.count() == 1 and pending.get().last_error  # kept, with the reason

    real_broker.start()  # Redis is back: the dispatcher (beat, every minute) sends it
    assert dispatch() == 1
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = start_worker(
        database_name=connection.settings_dict["NAME"], broker=real_broker.url, mail_dir=mail_dir
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not mails(mail_dir):
            time.sleep(0.2)
        time.sleep(1)  # a duplicate would arrive now
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
    sent = mails(mail_dir)
    lead_email = filing.alliance.lead_unit.users.get().email
    log = (tmp_path / "worker.log").read_text(errors="replace")
    recommended = [m for m in sent if f"To: {lead_email}" in m and "已推荐" in m]
    assert len(recommended) == 1, log[-1500:]  # the notice queued while Redis was down
    # The submit notice queued before the outage survived the restart too (append-only file).
    assert (
        sum(f"To: {lead_email}" in m and "已提交" in m for m in sent) == 1
    )  # 已通过初审, exactly once
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def test_worker_killed_during_the_reminder_job_sends_each_reminder_once(real_broker, tmp_path):
    from supervision.tasks import send_annual_summary_reminders

    alliances = [filed_alliance() for _ in range(12)]
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    database = connection.settings_dict["NAME"]
    # Small batches and a pause between them: room to kill the worker mid-job. The broker
    # gives an unacknowledged task back after 3 s (acks_late + reject_on_worker_lost).
    env = {"PORTAL_REMINDER_BATCH_SIZE": "3", "PORTAL_REMINDER_BATCH_PAUSE": "0.7"}
    app.conf.broker_transport_options = {"visibility_timeout": 3}
    try:
        worker = start_worker(
            database_name=database,
            broker=real_broker.url,
            mail_dir=mail_dir,
            extra_env={**env, "PORTAL_BROKER_VISIBILITY_TIMEOUT": "3"},
        )
        send_annual_summary_reminders.delay(today="2027-03-01")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and ReminderLog.objects.count() == 0:
            time.sleep(0.05)
        assert 0 < ReminderLog.objects.count() < len(alliances), "not killed mid-job"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        done_before = ReminderLog.objects.count()

        worker = start_worker(
            database_name=database,
            broker=real_broker.url,
            mail_dir=mail_dir,
            extra_env={**env, "PORTAL_BROKER_VISIBILITY_TIMEOUT": "3"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            ReminderLog.objects.count() < len(alliances) or len(mails(mail_dir)) < len(alliances)
        ):
            # What beat does every minute: a delivery whose publish the kill interrupted
            # (batch committed, worker gone before its on-commit dispatch) is sent now.
            dispatch(older_than_seconds=0)
            time.sleep(0.5)
        time.sleep(1.5)  # a duplicate would arrive now
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
    finally:
        app.conf.broker_transport_options = {}
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert done_before < len(alliances)
    assert ReminderLog.objects.count() == len(alliances), log[-2500:]
    sent = mails(mail_dir)
    for alliance in alliances:
        email = alliance.lead_unit.users.get().email
        assert sum(f"To: {email}" in m for m in sent) == 1, email
