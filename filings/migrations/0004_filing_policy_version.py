import django.db.models.deletion
from django.db import migrations, models

VERSION_1 = "保政办发〔2018〕18号"


def bind(apps, schema_editor):
    """Every filing submitted before issue 13 was submitted under the 2018 measures."""
    Version = apps.get_model("policy", "PolicyVersion")
    Filing = apps.get_model("filings", "Filing")
    version = Version.objects.filter(document_number=VERSION_1).first()
    if version is not None:
        Filing.objects.filter(submitted_at__isnull=False, policy_version__isnull=True).update(
            policy_version=version
        )


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0003_registry_order_index"),
        ("policy", "0002_measures_2018"),
    ]

    operations = [
        migrations.AddField(
            model_name="filing",
            name="policy_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="filings",
                to="policy.policyversion",
                verbose_name="适用政策版本",
            ),
        ),
        migrations.AddField(
            model_name="filing",
            name="declarations",
            field=models.JSONField(blank=True, default=list, verbose_name="已声明的备案条件"),
        ),
        migrations.RunPython(bind, migrations.RunPython.noop),
    ]
