"""On PostgreSQL, the database itself refuses what policy.services refuses under its lock:
two published versions whose validity overlaps (an exclusion constraint on the date
range, [effective_from, expires_on), an open end for "no expiry"), and a reminder
schedule that is not a non-empty list of whole days ≥ 0. SQLite (the demo) relies on the
service alone."""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE policy_policyversion ADD CONSTRAINT policy_published_no_overlap
    EXCLUDE USING gist (daterange(effective_from, expires_on, '[)') WITH &&)
    WHERE (state = 'published')
    """,
    """
    ALTER TABLE policy_policyversion ADD CONSTRAINT policy_reminder_days_shape CHECK (
        jsonb_typeof(reminder_days_before) = 'array'
        AND jsonb_array_length(reminder_days_before) >= 1
        AND NOT jsonb_path_exists(
            reminder_days_before, '$[*] ? (@.type() != "number" || @ < 0 || @ > 366)'
        )
        AND NOT jsonb_path_exists(reminder_days_before, '$[*] ? (@.floor() != @)')
    )
    """,
]
BACKWARD = [
    "ALTER TABLE policy_policyversion DROP CONSTRAINT policy_reminder_days_shape",
    "ALTER TABLE policy_policyversion DROP CONSTRAINT policy_published_no_overlap",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_measures_2018")]
    operations = [migrations.RunPython(forward, backward)]
