"""Penetration test (release after issue 11): the day's entries, after the last checkpoint.

Reproduced on PostgreSQL as the database owner, without the chain key, on a portal whose
nightly job had just written its checkpoint:

    BEGIN; SET LOCAL session_replication_role = replica;
    DELETE FROM audit_auditentry WHERE id = <a decision of today>;
    UPDATE audit_auditentry SET reason = '…forged…' WHERE id = <a later one>;
    UPDATE audit_auditentry SET seq = NULL, prev_hash = '', hash = '', key_id = ''
        WHERE seq > <the checkpointed seq>;
    UPDATE audit_auditchainhead SET seq = <the checkpointed seq>, hash = <its hash>;
    COMMIT;

The portal's next commit (or ``manage.py seal_audit_chain``) sealed the rows again under
its own key, and ``verify_audit_chain`` said “审计日志哈希链完整”: the checkpoint anchors
only what it counted, so up to a day of decisions can be deleted or rewritten. (Even
before re-sealing, verify is silent: the unsealed rows are younger than
AUDIT_PENDING_ALERT_MINUTES.) The portal must not be a sealing oracle for rows that were
once sealed — e.g. anchor every sealing outside the database (a checkpoint line per sealed
batch, in the append-only file and the log), so a head moved back is seen.
"""

import pytest

from audit.chain import seal_pending
from audit.checkpoints import write_checkpoint
from audit.models import AuditEntry
from audit.verify import verify_audit_log

from .tampering import DECISIONS, record_decisions
from .test_attack import as_owner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_deleting_and_rewriting_the_days_entries_for_the_portal_to_reseal_is_detected(staff):
    record_decisions(staff, DECISIONS[:1])
    seal_pending()
    write_checkpoint()  # the nightly job
    record_decisions(staff, DECISIONS[1:])  # the day's decisions, sealed after each commit
    seal_pending()
    entries = list(AuditEntry.objects.order_by("seq"))
    anchored, victim, forged = entries[0], entries[2], entries[3]
    assert victim.action == "approve"

    as_owner(
        ("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk]),
        ("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["伪造的理由", forged.pk]),
        (
            "UPDATE audit_auditentry SET seq = NULL, prev_hash = '', hash = '', key_id = '' "
            "WHERE seq > %s",
            [anchored.seq],
        ),
        (
            "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1",
            [anchored.seq, anchored.hash],
        ),
    )
    seal_pending()  # the portal's next commit
    assert not AuditEntry.objects.filter(pk=victim.pk).exists()
    assert AuditEntry.objects.get(pk=forged.pk).reason == "伪造的理由"

    assert verify_audit_log().problems, "a decision deleted and another rewritten went unseen"
