"""The inbox and the outbox moved from `portal` to `core` with their rows (issue 11): a
database migrated before the move keeps every notification and every pending task."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Notification, OutboxMessage
from tests.factories import LeadUnitUserFactory

BEFORE = [("portal", "0003_outbox"), ("core", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_survive_the_move_from_portal_to_core():
    user = LeadUnitUserFactory()
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO portal_notification (user_id, subject, body, legal, emailed,"
                " created_at) VALUES (%s, '备案通知', '已予以备案', true, false, now())",
                [user.pk],
            )
            cursor.execute(
                "INSERT INTO portal_outboxmessage (task, args, created_at, attempts, last_error)"
                " VALUES ('portal.tasks.deliver_notifications', '[[1, 2]]', now(), 0, '')"
            )
    finally:
        _migrate(_latest())
    assert Notification.objects.get().subject == "备案通知"
    pending = OutboxMessage.objects.get()
    assert pending.task == "core.tasks.deliver_notifications"  # the task moved too
    assert pending.args == [[1, 2]]
    tables = connection.introspection.table_names()
    assert "core_notification" in tables and "portal_notification" not in tables
