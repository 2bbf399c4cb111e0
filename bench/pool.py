"""Users, sessions and the review pool of the load test (Django must be set up).

The bench users (municipal staff, county reviewers of the jurisdictions with most filings,
a lead unit), logged-in sessions written straight to the session store (no login form, no
axes lockout), the pool of filings waiting in county and municipal review, and
``prepare``, which sets all of it up on top of the bench data (bench/seed.py). Shared by
bench/run.py, bench/load.py and tests/ops/test_load_short.py.
"""

import random
import time

from seed import member_rows

PASSWORD = "Bench-pass-2026"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
POOL_PREFIX = "负载联盟"


def top_jurisdictions(count: int):
    """The enabled jurisdictions with the most filings, most first."""
    from django.db.models import Count

    from accounts.models import Jurisdiction

    return list(
        Jurisdiction.objects.filter(enabled=True)
        .annotate(n=Count("filings"))
        .order_by("-n", "sort_order", "code")[:count]
    )


def ensure_users(*, staff: int, jurisdictions, county_per_jurisdiction: int) -> dict:
    """bench_staff_<k> (municipal staff), bench_county_<code>_<k> (county reviewers),
    bench_lead (lead unit of the first bench alliance) and bench_admin (a superuser, for the
    bench admin site's changelist, bench/admin.py), password ``PASSWORD``."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User
    from filings.models import Alliance

    hashed = []

    def password():
        if not hashed:  # one PBKDF2 run for all of them
            hashed.append(make_password(PASSWORD))
        return hashed[0]

    def user(username, **fields):
        found = User.objects.filter(username=username).first()
        if found is None:
            found = User.objects.create(
                username=username,
                password=password(),
                email=f"{username}@bench.invalid",
                last_name="基准",
                first_name=username[-6:],
                **fields,
            )
        return found

    users = {
        "admin": user("bench_admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "staff": [user(f"bench_staff_{k}", role=Role.MUNICIPAL_STAFF) for k in range(staff)],
        "county": {
            j.pk: [
                user(f"bench_county_{j.code}_{k}", role=Role.COUNTY_REVIEWER, jurisdiction=j)
                for k in range(county_per_jurisdiction)
            ]
            for j in jurisdictions
        },
    }
    alliance = Alliance.objects.filter(name__startswith="基准联盟").order_by("name").first()
    if alliance is not None:
        users["lead"] = user("bench_lead", role=Role.LEAD_UNIT, organisation=alliance.lead_unit)
        users["lead_alliance"] = alliance
        users["verify_code"] = issued_notice(alliance).code
    return users


def issued_notice(alliance):
    """A filing notice of ``alliance`` in the register of issued documents (issue 18), to
    time its verification page; issued through the real pipeline once, then reused."""
    from django.db import transaction

    from filings import documents
    from filings.issuance import issue_document
    from filings.models import IssuedDocument

    found = IssuedDocument.objects.filter(
        alliance=alliance, kind=IssuedDocument.Kind.FILING_NOTICE
    ).first()
    if found is not None:
        return found
    filing = alliance.filings.order_by("pk").first()
    with transaction.atomic():
        return issue_document(
            kind=IssuedDocument.Kind.FILING_NOTICE,
            number=alliance.filing_number,
            issued_on=alliance.filed_on,
            alliance=alliance,
            render=lambda v: documents.filing_notice_pdf(filing, alliance.filing_number, v),
        )


def verify_session(session, user) -> None:
    """Mark ``session`` as past the second factor, as the code page does: staff must give
    one (PORTAL_2FA_REQUIRED_ROLES), and the page measured is the one they then see, with
    django-otp's lookup of the device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def session_cookies(user, count: int, created: list | None = None) -> list[dict]:
    """``count`` logged-in sessions of ``user``, written straight to the session store
    (what django.contrib.auth.login and the two-factor code page store), as cookie dicts.
    Keys go to ``created``."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for _ in range(count):
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = MODEL_BACKEND
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        verify_session(session, user)
        session.create()
        if created is not None:
            created.append(session.session_key)
        cookies.append(
            {
                settings.SESSION_COOKIE_NAME: session.session_key,
                settings.CSRF_COOKIE_NAME: get_random_string(32),
            }
        )
    return cookies


def delete_sessions(keys: list[str]):
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


def seed_pending(*, county: int, municipal: int, jurisdictions) -> dict:
    """Top up the pool of filings waiting in county review and in municipal review to
    ``county`` and ``municipal``: new unfiled alliances (lead unit, user, two partners)
    with their filing written in bulk in that state, with the audit entries that led there."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation, Role, User
    from audit.models import AuditEntry
    from demo.accounts import demo_uscc
    from filings.models import Alliance, AllianceMember, Category, Filing

    pool = Filing.objects.filter(alliance__name__startswith=POOL_PREFIX)
    need = {
        Filing.State.COUNTY_REVIEW: county - pool.filter(state=Filing.State.COUNTY_REVIEW).count(),
        Filing.State.MUNICIPAL_REVIEW: municipal
        - pool.filter(state=Filing.State.MUNICIPAL_REVIEW).count(),
    }
    states = [s for s, n in need.items() for _ in range(max(0, n))]
    if states:
        rng = random.Random(len(states))
        start = Alliance.objects.filter(name__startswith=POOL_PREFIX).count()
        partners = list(Organisation.objects.filter(name__startswith="基准合作院所")[:40])
        for k in range(len(partners), 2):
            name = f"基准合作院所{k:02d}"
            partners.append(
                Organisation.objects.get_or_create(
                    uscc=demo_uscc(name, authority="12", division="110108"),
                    defaults={"name": name, "kind": "institute", "industry": "M"},
                )[0]
            )
        now = timezone.now()
        names = [f"{POOL_PREFIX}{start + i:06d}" for i in range(len(states))]
        js = [jurisdictions[i % len(jurisdictions)] for i in range(len(states))]
        filing_ct = ContentType.objects.get_for_model(Filing)
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"{name}牵头企业有限公司",
                        uscc=demo_uscc(name, authority="91", division=j.code),
                        kind="enterprise",
                        industry="C",
                        legal_representative="李",
                        jurisdiction=j,
                    )
                    for name, j in zip(names, js, strict=True)
                ]
            )
            leads = User.objects.bulk_create(
                [
                    User(
                        username=f"load_lead_{start + i:06d}",
                        password=make_password(None),
                        role=Role.LEAD_UNIT,
                        organisation=org,
                        email=f"load{start + i:06d}@bench.invalid",
                    )
                    for i, org in enumerate(orgs)
                ]
            )
            alliances = Alliance.objects.bulk_create(
                [
                    Alliance(
                        name=name,
                        category=rng.choice(list(Category)),
                        lead_unit=org,
                        industry_chain="负载测试数据",
                        innovation_goals="负载测试数据",
                        office_fulltime_staff=2,
                    )
                    for name, org in zip(names, orgs, strict=True)
                ]
            )
            AllianceMember.objects.bulk_create(member_rows(alliances, orgs, partners, rng))
            filings = []
            for i, (alliance, lead, state, j) in enumerate(
                zip(alliances, leads, states, js, strict=True)
            ):
                submitted = now - datetime.timedelta(days=20, minutes=len(states) - i)
                municipal_state = state == Filing.State.MUNICIPAL_REVIEW
                filings.append(
                    Filing(
                        alliance=alliance,
                        jurisdiction=j,
                        state=state,
                        created_by=lead,
                        submitted_at=submitted,
                        queued_at=submitted + datetime.timedelta(days=5 if municipal_state else 0),
                        recommended_at=submitted + datetime.timedelta(days=5)
                        if municipal_state
                        else None,
                        recommendation_number=f"负载荐{alliance.pk}" if municipal_state else "",
                        county_opinion="同意推荐" if municipal_state else "",
                    )
                )
            filings = Filing.objects.bulk_create(filings)
            steps = [("submit", "提交初审", "draft", "county_review", "lead_unit")]
            recommend = (
                "recommend",
                "初审通过并推荐",
                "county_review",
                "municipal_review",
                "county_reviewer",
            )
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        content_type=filing_ct,
                        object_id=f.pk,
                        action=action,
                        action_label=label,
                        source=src,
                        target=dst,
                        actor_name="负载测试",
                        actor_role=role,
                    )
                    for f in filings
                    for action, label, src, dst, role in steps
                    + ([recommend] if f.state == Filing.State.MUNICIPAL_REVIEW else [])
                ]
            )
    return {
        "created": len(states),
        "county_review": pool.filter(state=Filing.State.COUNTY_REVIEW).count(),
        "municipal_review": pool.filter(state=Filing.State.MUNICIPAL_REVIEW).count(),
    }


def prepare(n: int, *, pool: int, jurisdictions: int = 5) -> dict:
    """Bench data (bench/seed.py), users, review pool, sealed audit chain."""
    import seed as seeding
    from django.db import connection

    from audit.chain import seal_pending

    seeding.seed(n)
    top = top_jurisdictions(jurisdictions)
    users = ensure_users(staff=5, jurisdictions=top, county_per_jurisdiction=2)
    pending = seed_pending(county=pool, municipal=pool, jurisdictions=top)
    # Vacuumed, with fresh planner statistics, as autovacuum keeps tables in production (it
    # may be off on a development server: bulk-seeded tables would then be planned as if
    # empty, and no index-only scan could skip the heap without the visibility map).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    # Bulk-seeded entries are not in the hash chain yet; in production each request seals
    # its own entries after commit, so seal the backlog now, not in the first request.
    started = time.perf_counter()
    sealed = seal_pending()
    return {
        "users": users,
        "pending": pending,
        "sealed": sealed,
        "seal_seconds": round(time.perf_counter() - started, 1),
        "top_jurisdiction": top[0],
    }
