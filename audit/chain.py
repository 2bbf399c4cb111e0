"""The audit log's chain: each entry carries the previous entry's seal and its own, so an
edited, deleted or inserted row is detected by ``manage.py verify_audit_chain``.

Entries are sealed in commit order, just after their transaction commits (and by the daily
job or ``manage.py seal_audit_chain`` for any left over): ``seq`` is the position in the
chain, ``hash = HMAC-SHA256(key, seq, prev_hash, canonical content)`` with the key from the
environment (audit.keys). Entries sealed before the chain was keyed keep their plain
``SHA-256(prev_hash + canonical content)``; the first keyed entry's seal covers the last
of them, so that part cannot be rebuilt without the key either.

Verifying only reads: sealing what is pending first would seal whatever an intruder
inserted, so pending entries are reported instead once they are older than
``AUDIT_PENDING_ALERT_MINUTES``.
"""

import contextlib
import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .keys import UNKEYED, ChainKey, keyring, sealing_key
from .models import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)
BATCH = 500


def canonical(entry: AuditEntry) -> str:
    """The sealed content. The client address (added with issue 14) is appended only when
    the entry has one: entries without it, all those sealed before, keep exactly the
    content they were sealed with, and an address added to or removed from a sealed entry
    changes its content like any other edit (docs/decisions.md, "Separated duties and the
    log screens")."""
    fields = [
        entry.pk,
        entry.content_type_id,
        entry.object_id,
        entry.action,
        entry.action_label,
        entry.source,
        entry.target,
        entry.actor_id,
        entry.actor_role,
        entry.actor_name,
        entry.reason,
        entry.at.isoformat(),
    ]
    if entry.ip:
        fields.append(entry.ip)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    """The unkeyed seal of the entries sealed before the chain was keyed."""
    return hashlib.sha256((prev_hash + canonical(entry)).encode()).hexdigest()


def keyed_hash(key: ChainKey, seq: int, prev_hash: str, entry: AuditEntry) -> str:
    # The position is part of the message: an entry moved along the chain fails its seal.
    message = f"{seq}\n{prev_hash}\n{canonical(entry)}".encode()
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def _plain(qs):
    # The model's own queryset refuses updates: sealing is the one update allowed, once.
    return models.QuerySet(model=AuditEntry, using=qs.db).filter(pk__in=qs.values("pk"))


SEAL_FIELDS = ["seq", "prev_hash", "hash", "key_id"]


def _write_seals(entries: list[AuditEntry]) -> None:
    """Store a batch's seals in one statement (one UPDATE per entry took 40 s of a
    60,000-row import): on PostgreSQL an UPDATE … FROM (VALUES …), which the append-only
    trigger checks row by row like any other; elsewhere Django's bulk_update."""
    if connection.vendor != "postgresql":
        _plain(AuditEntry.objects.filter(pk__in=[e.pk for e in entries])).bulk_update(
            entries, SEAL_FIELDS
        )
        return
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    rows = ", ".join(["(%s::bigint, %s::bigint, %s, %s, %s)"] * len(entries))
    params = [v for e in entries for v in (e.pk, e.seq, e.prev_hash, e.hash, e.key_id)]
    # Only the table's name and placeholders are formatted in; every value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, "  # noqa: S608
            f"key_id = v.key_id FROM (VALUES {rows}) AS v(id, seq, prev_hash, hash, key_id) "
            "WHERE e.id = v.id",
            params,
        )


def anchor_seal(entry: AuditEntry, head: AuditChainHead) -> None:
    from .checkpoints import write_anchor

    write_anchor(last_id=entry.pk, last_seq=head.seq, last_hash=head.hash, entries=head.seq)


def seal_pending() -> int:
    """Seal every committed entry not yet in the chain; returns how many."""
    sealed = 0
    try:
        key = sealing_key()
        while True:
            with transaction.atomic():
                head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
                pending = list(AuditEntry.objects.filter(seq__isnull=True).order_by("pk")[:BATCH])
                if not pending:
                    return sealed
                for entry in pending:
                    head.seq += 1
                    entry.seq, entry.prev_hash, entry.key_id = head.seq, head.hash, key.id
                    entry.hash = head.hash = keyed_hash(key, head.seq, head.hash, entry)
                _write_seals(pending)
                head.save()
                sealed += len(pending)
            # Outside the database at once, not only at the nightly checkpoint: with the
            # head moved back, the owner could otherwise have the portal re-seal a day of
            # deleted or rewritten entries under its own key (penetration test, issue 12).
            anchor_seal(entry, head)
    except Exception:
        # Never fail the user's request over sealing: the daily job seals later, and
        # verify reports entries left pending too long.
        logger.exception("sealing the audit chain failed")
        return sealed


@dataclass
class ChainProblem:
    seq: int | None
    message: str


@contextlib.contextmanager
def consistent_snapshot():
    """One read-only snapshot for a whole check: a chain sealed further meanwhile must not
    look like a head that moved on its own, and nothing in the check may write."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # Only the first statement of a transaction may set it (not inside a test's).
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _seal_problem(entry: AuditEntry, keys: dict[str, ChainKey]) -> str | None:
    if entry.key_id == UNKEYED:
        expected = chain_hash(entry.prev_hash, entry)
    elif entry.key_id in keys:
        expected = keyed_hash(keys[entry.key_id], entry.seq, entry.prev_hash, entry)
    else:
        return f"第{entry.seq}条记录以未知密钥（{entry.key_id}）签封（密钥缺失或记录伪造）"
    if expected != entry.hash:
        return f"第{entry.seq}条记录的内容与签封不符（被修改或伪造）"
    return None


def verify_chain() -> tuple[int, list[ChainProblem]]:
    """Walk the chain; return (entries checked, problems found). Reads only."""
    keys = keyring()
    problems = []
    expected_seq, prev_hash, checked, newest, keyed = 1, "", 0, 0, False
    for entry in (
        AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=BATCH)
    ):
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, f"第{expected_seq}至{entry.seq - 1}条记录缺失（被删除）")
            )
            prev_hash = entry.prev_hash  # resynchronise to keep checking the rest
        if entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(entry.seq, f"第{entry.seq}条记录的前序哈希不符（前一条被修改或删除）")
            )
        message = _seal_problem(entry, keys)
        generation = keys[entry.key_id].generation if entry.key_id in keys else 0
        if message is None and generation < newest:
            message = (
                f"第{entry.seq}条记录以较旧的密钥或无密钥签封，却排在较新密钥签封的记录之后（伪造）"
            )
        if message:
            problems.append(ChainProblem(entry.seq, message))
        newest, keyed = max(newest, generation), keyed or entry.key_id != UNKEYED
        prev_hash, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    if checked and not keyed:
        problems.append(
            ChainProblem(
                expected_seq - 1,
                f"第1至{expected_seq - 1}条记录都只有无密钥的SHA-256哈希，其后没有以密钥签封的"
                "记录，整条链可被重建（升级后请运行 manage.py seal_audit_chain）",
            )
        )
    problems += _head_problems(expected_seq - 1, prev_hash)
    return checked, problems


def _head_problems(last_seq: int, last_hash: str) -> list[ChainProblem]:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if last_seq:
            return [ChainProblem(last_seq, "链尾记录缺失（被删除）")]
        return []
    if head.seq != last_seq:
        return [
            ChainProblem(
                head.seq, f"链尾应为第{head.seq}条，实际为第{last_seq}条（末尾记录被删除）"
            )
        ]
    if head.hash != last_hash:
        return [ChainProblem(head.seq, f"链尾记录的签封与第{head.seq}条记录不符（链尾被改写）")]
    return []


def stale_pending() -> list[ChainProblem]:
    """Entries nobody sealed in time: sealing fails, or rows were inserted past the portal."""
    minutes = settings.AUDIT_PENDING_ALERT_MINUTES
    stale = AuditEntry.objects.filter(
        seq__isnull=True, at__lt=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    oldest = stale.order_by("at", "pk").first()
    if oldest is None:
        return []
    return [
        ChainProblem(
            None,
            f"{stale.count()}条记录超过{minutes}分钟仍未签封（最早一条 id {oldest.pk}，"
            f"{timezone.localtime(oldest.at):%Y-%m-%d %H:%M}）：签封失败，或记录绕过平台写入",
        )
    ]
