"""The keyed chain: entries sealed with HMAC under the environment's key, forgeries with
the public SHA-256 algorithm detected, the unkeyed past kept verifiable, keys rotated,
and verify reading only."""

import datetime
import hashlib
import hmac
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.chain import canonical, chain_hash, seal_pending, verify_chain
from audit.keys import key_id
from audit.models import AuditChainHead, AuditEntry, record
from audit.verify import verify_audit_log

from .tampering import rechain_unkeyed, record_decisions, seal_unkeyed_as_before, without_triggers

pytestmark = pytest.mark.django_db
KEY_A, KEY_B = "a" * 48, "b" * 48


def messages(problems):
    return [problem.message for problem in problems]


def test_entries_are_sealed_with_the_key_from_the_environment(sealed_decisions, settings):
    secret = settings.AUDIT_CHAIN_KEY.encode()
    for entry in sealed_decisions:
        message = f"{entry.seq}\n{entry.prev_hash}\n{canonical(entry)}".encode()
        assert entry.hash == hmac.new(secret, message, hashlib.sha256).hexdigest()
        assert entry.hash != chain_hash(entry.prev_hash, entry)
        assert entry.key_id == key_id(secret)
    assert verify_chain() == (len(sealed_decisions), [])


@pytest.mark.parametrize(
    "forgery", ["sealed_with_sha256", "marked_unkeyed_from_the_edit", "whole_chain_unkeyed"]
)
def test_an_entry_forged_with_plain_sha256_is_detected(sealed_decisions, forgery):
    """The finding's rebuild, with the chain re-sealed the way anyone can compute."""
    victim = sealed_decisions[2]
    without_triggers(
        ("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["同意（改写）", victim.pk])
    )
    if forgery == "whole_chain_unkeyed":
        rechain_unkeyed(sealed_decisions, key_id="")
    else:
        rechain_unkeyed(
            sealed_decisions[2:],
            start_seq=victim.seq,
            prev_hash=victim.prev_hash,
            key_id="" if forgery == "marked_unkeyed_from_the_edit" else None,
        )
    _checked, problems = verify_chain()
    assert problems
    if forgery == "sealed_with_sha256":
        assert problems[0].seq == victim.seq and "签封不符" in problems[0].message
    elif forgery == "marked_unkeyed_from_the_edit":
        assert problems[0].seq == victim.seq and "无密钥签封" in problems[0].message
    else:
        assert "都只有无密钥的SHA-256哈希" in problems[-1].message


def test_the_chain_sealed_before_the_key_continues_and_stays_verifiable(staff):
    record_decisions(staff)
    seal_unkeyed_as_before()
    unkeyed = list(AuditEntry.objects.order_by("seq"))
    assert {e.key_id for e in unkeyed} == {""}
    migration = importlib.import_module("audit.migrations.0008_keyed_chain")
    migration.mark_unkeyed_part(apps, None)
    # Until the marker is sealed with the key, nothing vouches for the unkeyed part.
    assert "都只有无密钥" in verify_chain()[1][-1].message

    seal_pending()
    marker = AuditEntry.objects.get(action="audit_chain_keyed")
    assert marker.seq == len(unkeyed) + 1 and marker.key_id
    assert marker.prev_hash == unkeyed[-1].hash and unkeyed[-1].hash in marker.reason
    record_decisions(staff, [("approve", "批准备案")])
    seal_pending()
    assert verify_chain() == (len(unkeyed) + 2, [])
    # The unkeyed part, rewritten and re-hashed by anyone: caught at the keyed marker.
    without_triggers(
        ("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["改写", unkeyed[1].pk])
    )
    rechain_unkeyed(unkeyed)
    without_triggers(
        (
            "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1",
            [len(unkeyed) + 2, AuditEntry.objects.order_by("-seq").first().hash],
        )
    )
    problems = verify_chain()[1]
    assert [p.seq for p in problems] == [marker.seq]
    assert "前序哈希不符" in problems[0].message


def test_a_rotated_key_keeps_old_entries_verifiable(staff, settings):
    settings.AUDIT_CHAIN_KEY = KEY_A
    record_decisions(staff, [("submit", "提交初审"), ("recommend", "初审通过并推荐")])
    seal_pending()
    settings.AUDIT_CHAIN_KEY, settings.AUDIT_CHAIN_OLD_KEYS = KEY_B, [KEY_A]
    record_decisions(staff, [("approve", "批准备案")])
    seal_pending()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.key_id for e in entries] == [key_id(KEY_A.encode())] * 2 + [key_id(KEY_B.encode())]
    assert verify_chain() == (3, [])

    # Whoever still holds the retired key cannot append with it after the new key's entries.
    record_decisions(staff, [("revoke", "撤销备案")])
    settings.AUDIT_CHAIN_KEY, settings.AUDIT_CHAIN_OLD_KEYS = KEY_A, []
    seal_pending()
    settings.AUDIT_CHAIN_KEY, settings.AUDIT_CHAIN_OLD_KEYS = KEY_B, [KEY_A]
    assert ["较旧的密钥" in m for m in messages(verify_chain()[1])] == [True]

    # Dropping a retired key leaves its entries unverifiable, and says so.
    settings.AUDIT_CHAIN_OLD_KEYS = []
    assert sum("未知密钥" in m for m in messages(verify_chain()[1])) == 3


def test_verify_only_reads(sealed_decisions, staff, capsys):
    record_decisions(staff, [("approve", "批准备案")])
    head = AuditChainHead.objects.values().get(pk=1)
    with CaptureQueriesContext(connection) as queries:
        call_command("verify_audit_chain")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "TRUNCATE"}
    ]
    assert writes == []
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1
    assert AuditChainHead.objects.values().get(pk=1) == head
    assert "完整" in capsys.readouterr().out


def test_entries_left_unsealed_too_long_are_reported(sealed_decisions, staff, settings):
    settings.AUDIT_PENDING_ALERT_MINUTES = 60
    record_decisions(staff, [("approve", "批准备案")])
    assert verify_audit_log().problems == []  # just written: sealed after its commit
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61), tick=False):
        problems = verify_audit_log().problems
    assert len(problems) == 1 and "1条记录超过60分钟仍未签封" in problems[0].message
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1


def test_without_a_key_nothing_is_sealed_and_verify_refuses(staff, settings):
    settings.AUDIT_CHAIN_KEY = ""
    record(subject=staff, action="approve", action_label="批准备案", actor=staff)
    assert seal_pending() == 0
    assert AuditEntry.objects.get().seq is None
    with pytest.raises(ImproperlyConfigured, match="PORTAL_AUDIT_CHAIN_KEY"):
        call_command("verify_audit_chain")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_AUDIT_CHAIN_KEY"):
        call_command("seal_audit_chain")


def test_an_entry_written_outside_a_transaction_is_sealed_at_once(staff, monkeypatch):
    """A login is audited outside any transaction, where on_commit runs at once: sealing
    registered before the insert found nothing, and the entry waited for the next write."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    entry = record(subject=staff, action="login", action_label="登录", actor=staff)
    entry.refresh_from_db()
    assert entry.seq == 1 and verify_chain() == (1, [])
