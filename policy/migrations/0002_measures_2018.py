"""Version 1: the 2018 measures (保政办发〔2018〕18号), published, with every article's text
and the numbers the portal applied before issue 13 (they were settings)."""

import datetime

from django.db import migrations

from policy.data import measures_2018 as m


def load(apps, schema_editor):
    Version = apps.get_model("policy", "PolicyVersion")
    if Version.objects.filter(document_number=m.VERSION["document_number"]).exists():
        return
    version = Version.objects.create(
        **m.VERSION,
        state="published",
        published_at=datetime.datetime(2018, 9, 18, tzinfo=datetime.UTC),
    )
    apps.get_model("policy", "Article").objects.bulk_create(
        apps.get_model("policy", "Article")(version=version, number=n, chapter=c, text=t)
        for n, c, t in m.ARTICLES
    )
    rows = {
        "Category": [
            {"key": k, "title": t, "description": d} for k, t, d in m.CATEGORIES
        ],
        "Condition": [
            {"key": k, "title": t, "article_text": a, "evidence": e, "check_key": k}
            for k, t, a, e in m.CONDITIONS
        ],
        "Ground": [{"key": k, "text": t} for k, t in m.GROUNDS],
        "EventKind": [{"key": k, "title": t} for k, t in m.EVENT_KINDS],
        "Criterion": [{"name": n, "weight": w} for n, w in m.CRITERIA],
    }
    for model, values in rows.items():
        Model = apps.get_model("policy", model)
        Model.objects.bulk_create(
            Model(version=version, number=i, **v) for i, v in enumerate(values, start=1)
        )
    Material = apps.get_model("policy", "Material")
    Material.objects.bulk_create(
        Material(
            version=version,
            kind=kind,
            number=number,
            title=title,
            required=required,
            accepted_types=types,
            max_bytes=size,
        )
        for kind, number, title, required, types, size in m.MATERIALS
    )


def unload(apps, schema_editor):
    Version = apps.get_model("policy", "PolicyVersion")
    Version.objects.filter(document_number=m.VERSION["document_number"]).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
