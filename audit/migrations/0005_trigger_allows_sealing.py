"""The append-only trigger now lets an entry be sealed into the hash chain once (seq,
prev_hash and hash set from empty, nothing else changed) and refuses everything else."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash = ''
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash')
         = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PREVIOUS = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_hash_chain")]
    operations = [
        migrations.RunPython(
            lambda apps, se: _run(se, FUNCTION), lambda apps, se: _run(se, PREVIOUS)
        )
    ]
