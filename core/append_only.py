"""A PostgreSQL trigger that makes a table append-only (UPDATE and DELETE refused), for a
migration: ``operations = [..., append_only_trigger("app_model")]``. Audit migration 0002
wrote the first one by hand; what this creates must never change (migrations that ran
with it are not run again). On SQLite, the embedded default, the models' own ``save`` and
``delete`` refusals are all there is."""

from django.db import migrations


def _forbid_sql(table: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""


def _allow_sql(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""


def _run(schema_editor, sql):
    # A plain cursor: schema_editor.execute() would treat the "%" in RAISE as a parameter.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def append_only_trigger(table: str) -> migrations.RunPython:
    return migrations.RunPython(
        lambda apps, schema_editor: _run(schema_editor, _forbid_sql(table)),
        lambda apps, schema_editor: _run(schema_editor, _allow_sql(table)),
    )
