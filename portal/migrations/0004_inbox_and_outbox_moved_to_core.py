# Notification and OutboxMessage now belong to `core` (core/migrations/0001_initial.py
# renames their tables); here they only leave portal's migration state.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_outbox"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="OutboxMessage"),
            ],
        ),
    ]
