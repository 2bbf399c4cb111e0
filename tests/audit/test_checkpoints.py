"""The daily checkpoint outside the database: appended (never rewritten), logged, written by
the beat job, and every one checked by verify."""

import datetime
import json
import logging
import os
import re
from pathlib import Path

import pytest
import time_machine
from celery.schedules import crontab
from django.core.files.storage import storages
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from audit import checkpoints
from audit.chain import seal_pending
from audit.checkpoints import read_checkpoints, write_checkpoint
from audit.tasks import seal_and_verify_audit_chain
from audit.verify import verify_audit_log

from .tampering import record_decisions, without_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_file(settings):
    return Path(storages["default"].path(settings.AUDIT_CHECKPOINT_NAME))


@pytest.fixture
def in_memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages["default"]


def problems():
    return [p.message for p in verify_audit_log().problems]


def drop_last_entry(entries):
    """Delete the newest entry and set the head back onto the one before it."""
    last, before = entries[-1], entries[-2]
    without_triggers(
        ("DELETE FROM audit_auditentry WHERE id = %s", [last.pk]),
        ("UPDATE audit_auditchainhead SET seq = %s, hash = %s", [before.seq, before.hash]),
    )


def test_a_checkpoint_records_the_chain_and_is_appended(
    sealed_decisions, checkpoint_file, monkeypatch
):
    opened = []
    real_open = os.open
    monkeypatch.setattr(
        checkpoints.os,
        "open",
        lambda path, flags, *a: opened.append(flags) or real_open(path, flags, *a),
    )
    first = write_checkpoint()
    last = sealed_decisions[-1]
    assert (first["entries"], first["last_id"], first["last_seq"], first["last_hash"]) == (
        len(sealed_decisions),
        last.pk,
        last.seq,
        last.hash,
    )
    assert first["key_id"] == last.key_id and datetime.datetime.fromisoformat(first["at"])
    written = checkpoint_file.read_bytes()

    record_decisions(sealed_decisions[0].actor, [("approve", "批准备案")])
    seal_pending()
    second = write_checkpoint()
    assert second["entries"] == len(sealed_decisions) + 1
    assert checkpoint_file.read_bytes().startswith(written)
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    # Each sealing also anchors itself at once (kind "seal"); the nightly ones are counts.
    assert any(line["kind"] == "seal" for line in lines)
    assert [line for line in lines if line["kind"] == "daily"] == [
        first,
        second,
    ]
    # Every write — two daily checkpoints and the sealing's anchor — only appends.
    assert all(flags & os.O_APPEND for flags in opened) and len(opened) == 3
    assert read_checkpoints() == (lines, [])


def test_a_checkpoint_is_logged_with_json_fields(sealed_decisions, caplog):
    with caplog.at_level(logging.INFO, logger="audit.checkpoint"):
        checkpoint = write_checkpoint()
    (logged,) = [r for r in caplog.records if r.name == "audit.checkpoint"]
    assert logged.levelno == logging.INFO
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(message)s").format(logged))
    assert line["audit_checkpoint"] == checkpoint
    assert line["audit_checkpoint"]["last_hash"] == sealed_decisions[-1].hash


def test_on_object_storage_each_checkpoint_is_a_new_object_never_overwritten(
    sealed_decisions, in_memory_storage
):
    at = timezone.now()
    with time_machine.travel(at, tick=False):
        first = write_checkpoint()
        with pytest.raises(FileExistsError):
            write_checkpoint()
    with time_machine.travel(at + datetime.timedelta(days=1), tick=False):
        second = write_checkpoint()
    names = in_memory_storage.listdir("audit/checkpoints")[1]
    assert len(names) == 2
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}\.\d{6}Z\.json", name) for name in names)
    assert read_checkpoints() == ([first, second], [])

    drop_last_entry(sealed_decisions)
    assert any("已不存在（被删除）" in m for m in problems())


def test_verify_checks_every_checkpoint(sealed_decisions, checkpoint_file):
    write_checkpoint()
    assert problems() == []
    drop_last_entry(sealed_decisions)
    # The chain alone looks whole: only the checkpoint remembers the last entry.
    found = problems()
    assert any(f"所记第{len(sealed_decisions)}条记录已不存在（被删除）" in m for m in found)
    assert any("现有已签封记录4条，少于检查点记录的5条" in m for m in found)

    write_checkpoint()  # the next night's checkpoint, of the shortened chain
    assert any("记录4条，少于更早检查点的5条" in m for m in problems())


def test_an_unreadable_checkpoint_is_reported(sealed_decisions, checkpoint_file):
    write_checkpoint()
    written = len(checkpoint_file.read_text().splitlines())
    with checkpoint_file.open("a") as file:
        file.write('{"entries": 1, "last_id": \n')
    assert any(f"第{written + 1}行无法读取" in m for m in problems())


def test_the_daily_beat_job_seals_writes_the_checkpoint_and_verifies(
    sealed_decisions, checkpoint_file, settings
):
    jobs = [
        job
        for job in settings.CELERY_BEAT_SCHEDULE.values()
        if job["task"] == "audit.tasks.seal_and_verify_audit_chain"
    ]
    assert len(jobs) == 1 and isinstance(jobs[0]["schedule"], crontab)
    assert jobs[0]["schedule"].hour == {2}  # once a day, at night
    record_decisions(sealed_decisions[0].actor, [("approve", "批准备案")])

    result = seal_and_verify_audit_chain.delay().get()
    assert result["sealed"] == 1 and result["problems"] == 0 and result["checkpoints"] >= 1
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    (daily,) = [line for line in lines if line["kind"] == "daily"]
    assert daily == result["checkpoint"]
    assert result["checkpoint"]["entries"] == len(sealed_decisions) + 1
