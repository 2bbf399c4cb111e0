"""Seed N filed alliances (default 10,000) with realistic history into the bench database.

    .venv/bin/python bench/seed.py [N]

Idempotent per N: alliances named "基准联盟NNNNN" that already exist are kept. Each has a
lead unit with a user, two other members, a filing walked to `filed` (rows written in bulk,
not through the services: seeding 10,000 filings through WeasyPrint would take an hour),
audit entries for each step, and an accepted annual summary for some years.
"""

import datetime
import random
import sys
import time

from _django import machine, setup


def member_rows(alliances, orgs, partners, rng) -> list:
    """Each alliance's members: its lead unit and two partners (in bulk, unsaved)."""
    from filings.models import AllianceMember

    rows = []
    for alliance, org in zip(alliances, orgs, strict=True):
        rows.append(
            AllianceMember(alliance=alliance, organisation=org, role="lead", charter_signed=True)
        )
        rows += [
            AllianceMember(alliance=alliance, organisation=partner, charter_signed=True)
            for partner in rng.sample(partners, 2)
        ]
    return rows


def seed(n: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Jurisdiction, Organisation, Role, User
    from audit.models import AuditEntry
    from demo.accounts import demo_uscc
    from filings.models import Alliance, AllianceMember, Category, Filing
    from supervision.models import AnnualSummary

    rng = random.Random(20261124)
    existing = set(
        Alliance.objects.filter(name__startswith="基准联盟").values_list("name", flat=True)
    )
    todo = [i for i in range(n) if f"基准联盟{i:05d}" not in existing]
    jurisdictions = list(Jurisdiction.objects.filter(enabled=True))
    partners = []
    for k in range(40):
        name = f"基准合作院所{k:02d}"
        org, _ = Organisation.objects.get_or_create(
            uscc=demo_uscc(name, authority="12", division="110108"),
            defaults={
                "name": name,
                "kind": "institute",
                "industry": "M",
                "legal_representative": "王",
            },
        )
        partners.append(org)
    password = make_password("Bench-pass-2026")
    filing_ct = ContentType.objects.get_for_model(Filing)
    categories = list(Category)
    batch = 1000
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"基准企业{i:05d}有限公司",
                        uscc=demo_uscc(f"基准企业{i:05d}", authority="91", division="130602"),
                        kind="enterprise",
                        industry=rng.choice("CCCIM"),
                        legal_representative="张",
                        jurisdiction=rng.choice(jurisdictions),
                        contact_phone="0312-0000000",
                    )
                    for i in chunk
                ]
            )
            User.objects.bulk_create(
                [
                    User(
                        username=f"bench_lead_{i:05d}",
                        password=password,
                        role=Role.LEAD_UNIT,
                        organisation=org,
                        email=f"bench{i:05d}@bench.invalid",
                    )
                    for i, org in zip(chunk, orgs, strict=True)
                ]
            )
            now = timezone.now()
            alliances = []
            for i, org in zip(chunk, orgs, strict=True):
                filed_on = datetime.date(
                    rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
                )
                alliances.append(
                    Alliance(
                        name=f"基准联盟{i:05d}",
                        category=rng.choice(categories),
                        lead_unit=org,
                        industry_chain="基准数据",
                        innovation_goals="基准数据",
                        status=Alliance.Status.FILED,
                        filing_number=f"保科联备〔{filed_on.year}〕B{i:05d}号",
                        filed_on=filed_on,
                        office_fulltime_staff=2,
                    )
                )
            alliances = Alliance.objects.bulk_create(alliances)
            AllianceMember.objects.bulk_create(member_rows(alliances, orgs, partners, rng))
            filings = []
            for alliance, org in zip(alliances, orgs, strict=True):
                submitted = datetime.datetime.combine(
                    alliance.filed_on - datetime.timedelta(days=rng.randint(20, 60)),
                    datetime.time(9),
                    tzinfo=datetime.UTC,
                )
                recommended = submitted + datetime.timedelta(days=rng.randint(3, 15))
                filings.append(
                    Filing(
                        alliance=alliance,
                        jurisdiction=org.jurisdiction,
                        state=Filing.State.FILED,
                        created_by_id=None,
                        submitted_at=submitted,
                        recommended_at=recommended,
                        decided_at=recommended + datetime.timedelta(days=rng.randint(3, 20)),
                        recommendation_number=f"基荐{alliance.pk}",
                    )
                )
            users = dict(
                User.objects.filter(organisation__in=orgs).values_list("organisation_id", "pk")
            )
            for filing, org in zip(filings, orgs, strict=True):
                filing.created_by_id = users[org.pk]
            filings = Filing.objects.bulk_create(filings)
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        content_type=filing_ct,
                        object_id=f.pk,
                        action=action,
                        action_label=label,
                        source=src,
                        target=dst,
                        actor_name="基准",
                        actor_role=role,
                    )
                    for f in filings
                    for action, label, src, dst, role in [
                        ("submit", "提交初审", "draft", "county_review", "lead_unit"),
                        (
                            "recommend",
                            "初审通过并推荐",
                            "county_review",
                            "municipal_review",
                            "county_reviewer",
                        ),
                        ("approve", "予以备案", "municipal_review", "filed", "municipal_staff"),
                    ]
                ]
            )
            AnnualSummary.objects.bulk_create(
                [
                    AnnualSummary(
                        alliance=a, year=y, state="accepted", work_done="基准", submitted_at=now
                    )
                    for a in alliances
                    for y in range(a.filed_on.year, 2025)
                    if rng.random() < 0.7
                ]
            )
    return {
        "alliances": Alliance.objects.filter(name__startswith="基准联盟").count(),
        "created": len(todo),
    }


if __name__ == "__main__":
    setup()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    started = time.perf_counter()
    result = seed(n)
    print(
        f"seeded {result['created']} new, {result['alliances']} bench alliances in {time.perf_counter() - started:.1f} s"
    )
    print(f"machine: {machine()}")
