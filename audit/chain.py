"""The audit log's hash chain: each entry carries the hash of the previous one, so an
edited or deleted row is detected by ``manage.py verify_audit_chain``.

Entries are sealed in commit order, just after their transaction commits (and by the
verify command for any left over): ``seq`` is the position in the chain,
``hash = SHA-256(prev_hash + canonical content)``.
"""

import hashlib
import json
import logging
from dataclasses import dataclass

from django.db import models, transaction

from .models import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)
BATCH = 500


def canonical(entry: AuditEntry) -> str:
    return json.dumps(
        [
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
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical(entry)).encode()).hexdigest()


def _plain(qs):
    # The model's own queryset refuses updates: sealing is the one update allowed, once.
    return models.QuerySet(model=AuditEntry, using=qs.db).filter(pk__in=qs.values("pk"))


def seal_pending() -> int:
    """Seal every committed entry not yet in the chain; returns how many."""
    sealed = 0
    try:
        while True:
            with transaction.atomic():
                head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
                pending = list(AuditEntry.objects.filter(seq__isnull=True).order_by("pk")[:BATCH])
                if not pending:
                    return sealed
                for entry in pending:
                    head.seq += 1
                    digest = chain_hash(head.hash, entry)
                    _plain(AuditEntry.objects.filter(pk=entry.pk)).update(
                        seq=head.seq, prev_hash=head.hash, hash=digest
                    )
                    head.hash = digest
                head.save()
                sealed += len(pending)
    except Exception:
        # Never fail the user's request over sealing: the verify command seals later.
        logger.exception("sealing the audit chain failed")
        return sealed


@dataclass
class ChainProblem:
    seq: int
    message: str


def verify_chain() -> tuple[int, list[ChainProblem]]:
    """Walk the chain; return (entries checked, problems found)."""
    problems = []
    expected_seq, prev_hash, checked = 1, "", 0
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
        if chain_hash(entry.prev_hash, entry) != entry.hash:
            problems.append(
                ChainProblem(entry.seq, f"第{entry.seq}条记录的内容与哈希不符（被修改）")
            )
        prev_hash, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.seq != expected_seq - 1:
        problems.append(
            ChainProblem(
                head.seq, f"链尾应为第{head.seq}条，实际为第{expected_seq - 1}条（末尾记录被删除）"
            )
        )
    return checked, problems
