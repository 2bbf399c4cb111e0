"""The penetration test's rebuild of the audit log on PostgreSQL, and the triggers that make
the database owner the only one able to try it.

The finding: copy every entry but one, TRUNCATE the table, re-insert, reset the chain head,
and ``verify_audit_chain`` called the chain intact with a decision gone.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.chain import seal_pending, verify_chain
from audit.checkpoints import write_checkpoint
from audit.models import AuditEntry
from audit.verify import verify_audit_log

from .tampering import rechain_unkeyed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TABLES = ("audit_auditentry", "audit_auditchainhead")


def as_owner(*statements):
    """The owner's powers: its own triggers off (DISABLE TRIGGER USER needs no superuser)."""
    with connection.cursor() as cursor:
        # The test's earlier inserts left deferred foreign-key checks, which would
        # otherwise stop TRUNCATE and ALTER TABLE in this same transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def rebuild_without(victim, *, unsealed=False):
    """Copy every entry but ``victim``, TRUNCATE, re-insert (unsealed if asked)."""
    as_owner(
        ("CREATE TEMP TABLE kept AS SELECT * FROM audit_auditentry WHERE id <> %s", [victim.pk]),
        (
            "UPDATE kept SET seq = NULL, prev_hash = '', hash = '', key_id = ''"
            if unsealed
            else "SELECT 1",
            None,
        ),
        ("TRUNCATE audit_auditentry", None),
        ("INSERT INTO audit_auditentry SELECT * FROM kept", None),
        ("DROP TABLE kept", None),
    )


def test_the_rebuild_is_detected_by_the_key_and_the_checkpoint(sealed_decisions):
    write_checkpoint()  # the nightly job, before the intrusion
    victim = next(e for e in sealed_decisions if e.action == "approve")
    rebuild_without(victim)
    # Re-chained and the head reset exactly as the finding did, with public SHA-256.
    kept = [e for e in sealed_decisions if e.pk != victim.pk]
    rechain_unkeyed(kept)
    assert not AuditEntry.objects.filter(pk=victim.pk).exists()

    result = verify_audit_log()
    text = "\n".join(p.message for p in result.problems)
    assert "签封不符" in text  # the key: nobody without it can re-seal
    assert "位置或签封已改变" in text and "少于检查点记录的5条" in text  # the anchor
    with pytest.raises(CommandError, match="校验失败"):
        call_command("verify_audit_chain")


def test_the_rebuild_left_for_the_portal_to_reseal_is_detected_by_the_checkpoint(
    sealed_decisions,
):
    """The cleverer rebuild: re-insert the rows unsealed and let the portal seal them again
    under its own key. The chain is then perfect; only the anchor outside knows better."""
    write_checkpoint()
    victim = next(e for e in sealed_decisions if e.action == "approve")
    rebuild_without(victim, unsealed=True)
    as_owner(("UPDATE audit_auditchainhead SET seq = 0, hash = ''", None))
    assert seal_pending() == len(sealed_decisions) - 1  # the portal's next commit
    assert verify_chain() == (len(sealed_decisions) - 1, [])

    problems = [p.message for p in verify_audit_log().problems]
    assert any("位置或签封已改变（链被重建）" in m for m in problems)
    assert any("现有已签封记录4条，少于检查点记录的5条" in m for m in problems)
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")


def refused(sql, params=None, match="refused"):
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditentry",
        "TRUNCATE audit_auditchainhead",
        "TRUNCATE accounts_user CASCADE",
    ],
)
def test_truncate_is_refused_while_the_triggers_are_on(sealed_decisions, statement):
    refused(statement, match="append-only \\(TRUNCATE refused\\)")
    assert AuditEntry.objects.count() == len(sealed_decisions)


def test_a_sealed_row_cannot_be_inserted(sealed_decisions):
    entry = sealed_decisions[0]
    refused(
        "INSERT INTO audit_auditentry (action, action_label, source, target, actor_role, "
        "actor_name, reason, at, seq, prev_hash, hash, key_id) "
        "VALUES ('approve', '批准备案', '', '', '', 'x', '', now(), %s, %s, %s, %s)",
        [len(sealed_decisions) + 1, sealed_decisions[-1].hash, "0" * 64, entry.key_id],
        match="inserted unsealed",
    )


def test_the_chain_head_cannot_move_back_sideways_or_ahead(sealed_decisions):
    before = sealed_decisions[-2]
    head_moves = [
        ("seq = %s, hash = %s", [before.seq, before.hash]),  # back, onto a real entry
        ("seq = 0, hash = ''", []),  # back to the start
        ("hash = %s", ["0" * 64]),  # same place, another seal
        ("seq = %s, hash = %s", [len(sealed_decisions) + 1, "0" * 64]),  # ahead of the chain
    ]
    for assignment, params in head_moves:
        refused(
            f"UPDATE audit_auditchainhead SET {assignment} WHERE id = 1",
            params,
            match="only moves forward",
        )
    refused("DELETE FROM audit_auditchainhead", match="only moves forward")
    refused(
        "INSERT INTO audit_auditchainhead (id, seq, hash) VALUES (2, 0, '')",
        match="only moves forward",
    )
    assert verify_chain() == (len(sealed_decisions), [])
