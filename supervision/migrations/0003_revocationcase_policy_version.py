import django.db.models.deletion
from django.db import migrations, models

VERSION_1 = "保政办发〔2018〕18号"


def bind(apps, schema_editor):
    """Every case opened before issue 13 was opened under the 2018 measures."""
    Version = apps.get_model("policy", "PolicyVersion")
    Case = apps.get_model("supervision", "RevocationCase")
    if Case.objects.exists():
        Case.objects.update(policy_version=Version.objects.get(document_number=VERSION_1))


def field(null):
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="revocation_cases",
        to="policy.policyversion",
        verbose_name="适用政策版本",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_provincial_recommendation"),
        ("policy", "0002_measures_2018"),
    ]

    operations = [
        migrations.AddField(
            model_name="revocationcase", name="policy_version", field=field(null=True)
        ),
        migrations.RunPython(bind, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="revocationcase", name="policy_version", field=field(null=False)
        ),
    ]
