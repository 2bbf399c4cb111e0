"""django-axes' access logs are kept at least 180 days (网络安全法 第二十一条, audit.retention).

On PostgreSQL, from any client: a DELETE of a row whose ``attempt_time`` is younger than
180 days is refused, and so is TRUNCATE (a table emptied at once would take the young rows
with it). Older rows may still be pruned with DELETE. The lockout counter
(``axes_accessattempt``) is not a log and is not touched. The ORM refuses the same deletes
on any database (``audit.retention.refuse_young_deletes``), with a message.
"""

from django.db import migrations

RETENTION_DAYS = 180
TABLES = ("axes_accesslog", "axes_accessfailurelog")

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION axes_log_kept_{RETENTION_DAYS}_days() RETURNS trigger AS $$
BEGIN
    IF OLD.attempt_time > now() - interval '{RETENTION_DAYS} days' THEN
        RAISE EXCEPTION '%: rows are kept at least {RETENTION_DAYS} days (DELETE of a row from % refused)',
            TG_TABLE_NAME, OLD.attempt_time;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION axes_log_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%: rows are kept at least {RETENTION_DAYS} days (TRUNCATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = "".join(
    f"""
CREATE TRIGGER {table}_retention
    BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION axes_log_kept_{RETENTION_DAYS}_days();
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION axes_log_no_truncate();
"""
    for table in TABLES
)

DROP = "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP TRIGGER IF EXISTS {table}_retention ON {table};
"""
    for table in TABLES
) + (
    f"DROP FUNCTION IF EXISTS axes_log_no_truncate();\n"
    f"DROP FUNCTION IF EXISTS axes_log_kept_{RETENTION_DAYS}_days();\n"
)


def _run(schema_editor, sql):
    # A plain cursor: schema_editor.execute() would treat the "%" in RAISE as a parameter.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def protect(apps, schema_editor):
    _run(schema_editor, FUNCTIONS + TRIGGERS)


def unprotect(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0010_action_index"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(protect, unprotect)]
