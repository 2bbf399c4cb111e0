"""The audit chain becomes keyed, its tables refuse TRUNCATE, and its head only moves forward.

- ``key_id`` names the HMAC key that sealed an entry; ``""`` marks the entries sealed with
  plain SHA-256 before this migration. They keep their hashes and stay verifiable as they
  are: nothing recorded is re-sealed. When there are any, one entry is appended saying
  where the unkeyed part ends; the portal seals it with the key like every later entry, and
  that seal covers the last SHA-256 hash, so the unkeyed part cannot be rebuilt without
  the key either (audit.chain.verify_chain refuses unkeyed entries after keyed ones, and
  an unkeyed chain with no keyed entry after it).
- PostgreSQL triggers: an entry is inserted unsealed and sealed once (seq, prev_hash, hash
  and key_id, nothing else); TRUNCATE of either table is refused; the head may only move
  forward onto the newest sealed entry, and cannot be deleted.

The database owner can still switch triggers off; the key and the checkpoints outside the
database (audit.checkpoints) are what detect that.
"""

import importlib

from django.db import migrations, models

# Undone, the sealing rule goes back to 0005's.
SEALED_ONCE_0005 = importlib.import_module("audit.migrations.0005_trigger_allows_sealing").FUNCTION

ENTRY_TRIGGERS = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq IS NULL AND NEW.prev_hash = '' AND NEW.hash = '' AND NEW.key_id = '' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_auditentry: entries are inserted unsealed (sealed INSERT refused)';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash = ''
       AND NEW.seq IS NOT NULL AND NEW.hash <> ''
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash' - 'key_id')
         = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash' - 'key_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_inserted_unsealed
    BEFORE INSERT ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();

CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

HEAD_TRIGGERS = """
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq = 0 AND NEW.hash = ''
           AND NOT EXISTS (SELECT 1 FROM audit_auditchainhead)
           AND NOT EXISTS (SELECT 1 FROM audit_auditentry WHERE seq IS NOT NULL) THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.id = OLD.id AND NEW.seq > OLD.seq
           AND EXISTS (SELECT 1 FROM audit_auditentry WHERE seq = NEW.seq AND hash = NEW.hash)
           AND NOT EXISTS (SELECT 1 FROM audit_auditentry WHERE seq > NEW.seq) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditchainhead only moves forward onto the newest sealed entry (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_head_forward_only
    BEFORE INSERT OR UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only();
CREATE TRIGGER audit_chain_head_no_truncate
    BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_chain_head_forward_only();
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_entry_inserted_unsealed ON audit_auditentry;
"""


def _run(schema_editor, sql):
    # A plain cursor: schema_editor.execute() would treat the "%" in RAISE as a parameter.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def protect(apps, schema_editor):
    _run(schema_editor, ENTRY_TRIGGERS + HEAD_TRIGGERS)


def unprotect(apps, schema_editor):
    _run(schema_editor, DROP + SEALED_ONCE_0005)


def mark_unkeyed_part(apps, schema_editor):
    """Say in the log itself where the entries sealed without a key end."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
    if last is None:
        return
    AuditEntry.objects.create(
        action="audit_chain_keyed",
        action_label="审计日志改用密钥签封",
        actor_name="系统",
        reason=(
            f"第1至{last.seq}条记录以无密钥的SHA-256签封，末条哈希为{last.hash}；"
            "本条及其后的记录以密钥（HMAC-SHA256）签封，本条的签封覆盖上述末条哈希。"
        ),
    )


def refuse_to_drop_key_ids(apps, schema_editor):
    if apps.get_model("audit", "AuditEntry").objects.exclude(key_id="").exists():
        raise RuntimeError(
            "audit entries sealed with a key exist: dropping key_id would make them unverifiable"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_drop_data_version_index")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.RunPython(protect, unprotect),
        migrations.RunPython(mark_unkeyed_part, migrations.RunPython.noop),
        # Undone first when the migration is reversed.
        migrations.RunPython(migrations.RunPython.noop, refuse_to_drop_key_ids),
    ]
