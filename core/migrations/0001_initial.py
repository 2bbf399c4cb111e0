# The inbox and the outbox move from `portal` (the top floor) to `core` (the ground floor)
# with their rows: the tables are renamed, not recreated, and the content types follow.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Tasks that moved with the outbox: pending messages must name them where they are now.
MOVED_TASKS = {"portal.tasks.deliver_notifications": "core.tasks.deliver_notifications"}


def follow_the_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("notification", "outboxmessage"):
        ContentType.objects.filter(app_label="portal", model=model).update(app_label="core")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for old, new in MOVED_TASKS.items():
        OutboxMessage.objects.filter(task=old).update(task=new)


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("notification", "outboxmessage"):
        ContentType.objects.filter(app_label="core", model=model).update(app_label="portal")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for old, new in MOVED_TASKS.items():
        OutboxMessage.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0003_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("subject", models.CharField(max_length=200, verbose_name="标题")),
                        ("body", models.TextField(verbose_name="内容")),
                        ("legal", models.BooleanField(default=True, verbose_name="必要通知")),
                        ("emailed", models.BooleanField(default=False, verbose_name="已发送邮件")),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="时间"
                            ),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="阅读时间"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_notification",
                        "verbose_name": "站内通知",
                        "verbose_name_plural": "站内通知",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["user", "read_at"], name="portal_noti_user_id_d5ad53_idx"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("task", models.CharField(max_length=200)),
                        ("args", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "dispatched_at",
                            models.DateTimeField(blank=True, db_index=True, null=True),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "portal_outboxmessage",
                        "verbose_name": "待发送任务",
                        "verbose_name_plural": "待发送任务",
                        "ordering": ["pk"],
                    },
                ),
            ],
        ),
        # Now rename the tables to core's own names.
        migrations.AlterModelTable(name="notification", table=None),
        migrations.AlterModelTable(name="outboxmessage", table=None),
        migrations.RunPython(follow_the_move, move_back),
    ]
