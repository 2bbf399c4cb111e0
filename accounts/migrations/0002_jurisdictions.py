"""Baoding's county-level units (GB/T 2260) and the two development zones that recommend
filings like a county bureau (see the regulation's DOMAIN.md). Data, not code: an
administrator switches `enabled` and may add zones in the admin."""

from django.db import migrations

# (code, name, kind, bureau, letter prefix, enabled, note)
JURISDICTIONS = [
    ("130602", "竞秀区", "district", "竞秀区科学技术局", "竞", True, "原新市区"),
    (
        "130606",
        "莲池区",
        "district",
        "莲池区科学技术局",
        "莲",
        True,
        "2015年由北市区、南市区合并设立",
    ),
    ("130607", "满城区", "district", "满城区科学技术局", "满", True, ""),
    ("130608", "清苑区", "district", "清苑区科学技术局", "清", True, ""),
    ("130609", "徐水区", "district", "徐水区科学技术局", "徐", True, ""),
    ("130623", "涞水县", "county", "涞水县科学技术局", "涞水", True, ""),
    ("130624", "阜平县", "county", "阜平县科学技术局", "阜", True, ""),
    ("130626", "定兴县", "county", "定兴县科学技术局", "定兴", True, ""),
    ("130627", "唐县", "county", "唐县科学技术局", "唐", True, ""),
    ("130628", "高阳县", "county", "高阳县科学技术局", "高阳", True, ""),
    ("130629", "容城县", "county", "容城县科学技术局", "容", False, "雄安新区"),
    ("130630", "涞源县", "county", "涞源县科学技术局", "涞源", True, ""),
    ("130631", "望都县", "county", "望都县科学技术局", "望", True, ""),
    ("130632", "安新县", "county", "安新县科学技术局", "安新", False, "雄安新区"),
    ("130633", "易县", "county", "易县科学技术局", "易", True, ""),
    ("130634", "曲阳县", "county", "曲阳县科学技术局", "曲", True, ""),
    ("130635", "蠡县", "county", "蠡县科学技术局", "蠡", True, ""),
    ("130636", "顺平县", "county", "顺平县科学技术局", "顺", True, ""),
    ("130637", "博野县", "county", "博野县科学技术局", "博", True, ""),
    ("130638", "雄县", "county", "雄县科学技术局", "雄", False, "雄安新区"),
    ("130681", "涿州市", "city", "涿州市科学技术局", "涿", True, ""),
    ("130682", "定州市", "city", "定州市科学技术局", "定州", False, "2013年起由省直管"),
    ("130683", "安国市", "city", "安国市科学技术局", "安国", True, ""),
    ("130684", "高碑店市", "city", "高碑店市科学技术局", "高碑", True, ""),
    (
        "130671",
        "保定国家高新技术产业开发区",
        "zone",
        "高新区科技服务局",
        "高新",
        True,
        "统计用代码",
    ),
    ("130672", "白沟新城", "zone", "白沟新城管委会", "白沟", True, "统计用代码"),
]


def load(apps, schema_editor):
    Jurisdiction = apps.get_model("accounts", "Jurisdiction")
    for order, (code, name, kind, bureau, prefix, enabled, note) in enumerate(JURISDICTIONS):
        Jurisdiction.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "bureau_name": bureau,
                "letter_prefix": prefix,
                "enabled": enabled,
                "note": note,
                "sort_order": order,
            },
        )


def unload(apps, schema_editor):
    Jurisdiction = apps.get_model("accounts", "Jurisdiction")
    Jurisdiction.objects.filter(code__in=[row[0] for row in JURISDICTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
