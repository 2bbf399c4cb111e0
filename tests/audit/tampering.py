"""What the tests do to the audit log: record decisions, and what an intruder holding the
database owner's rights (not the chain key) can do to it."""

from django.db import connection, models

from audit.chain import chain_hash
from audit.models import AuditChainHead, AuditEntry, record

DECISIONS = [
    ("submit", "提交初审"),
    ("recommend", "初审通过并推荐"),
    ("approve", "批准备案"),
    ("revoke", "撤销备案"),
    ("award", "确定补助金额"),
]


def record_decisions(actor, decisions=DECISIONS):
    for action, label in decisions:
        record(subject=actor, action=action, action_label=label, actor=actor, reason=label)


def without_triggers(*statements):
    """What the database owner can do: switch the audit triggers off and run SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def rechain_unkeyed(entries, *, start_seq=1, prev_hash="", key_id=None):
    """Re-seal ``entries`` in order with plain SHA-256, as the chain was sealed before it
    had a key (and as anyone can compute), and move the head onto the last one."""
    seq = start_seq
    for entry in entries:
        entry.refresh_from_db()
        digest = chain_hash(prev_hash, entry)
        update = {"seq": seq, "prev_hash": prev_hash, "hash": digest}
        if key_id is not None:
            update["key_id"] = key_id
        columns = ", ".join(f"{name} = %s" for name in update)
        without_triggers(
            (f"UPDATE audit_auditentry SET {columns} WHERE id = %s", [*update.values(), entry.pk])
        )
        prev_hash, seq = digest, seq + 1
    without_triggers(
        ("UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [seq - 1, prev_hash])
    )


def seal_unkeyed_as_before():
    """What seal_pending did before the chain was keyed: SHA-256, no key id."""
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    for entry in AuditEntry.objects.filter(seq__isnull=True).order_by("pk"):
        head.seq += 1
        digest = chain_hash(head.hash, entry)
        models.QuerySet(model=AuditEntry).filter(pk=entry.pk).update(
            seq=head.seq, prev_hash=head.hash, hash=digest
        )
        head.hash = digest
    head.save()
