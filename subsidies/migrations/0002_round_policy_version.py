import django.db.models.deletion
from django.db import migrations, models

VERSION_1 = "保政办发〔2018〕18号"


def bind(apps, schema_editor):
    """Every round created before issue 13 was created under the 2018 measures."""
    Version = apps.get_model("policy", "PolicyVersion")
    Round = apps.get_model("subsidies", "SubsidyRound")
    if Round.objects.exists():
        Round.objects.update(policy_version=Version.objects.get(document_number=VERSION_1))


def field(null):
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="subsidy_rounds",
        to="policy.policyversion",
        verbose_name="适用政策版本",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0001_initial"),
        ("policy", "0002_measures_2018"),
    ]

    operations = [
        migrations.AddField(model_name="subsidyround", name="policy_version", field=field(True)),
        migrations.RunPython(bind, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subsidyround", name="policy_version", field=field(False)
        ),
        migrations.AlterField(
            model_name="subsidyround",
            name="evaluators_per_application",
            field=models.PositiveSmallIntegerField(verbose_name="每份申请评审专家人数"),
        ),
        migrations.AlterField(
            model_name="subsidyround",
            name="notice_working_days",
            field=models.PositiveSmallIntegerField(verbose_name="公示期（工作日）"),
        ),
        # The bounds are the round's policy version's, checked by the award service under
        # the round's lock; the database keeps the absolute invariant.
        migrations.RemoveConstraint(model_name="award", name="award_within_art15_bounds"),
        migrations.AddConstraint(
            model_name="award",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount_yuan__gt", 0)),
                name="award_amount_positive",
                violation_error_message="补贴金额须大于0。",
            ),
        ),
    ]
