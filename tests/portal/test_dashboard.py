import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filings.models import Alliance
from policy import selectors as policy_selectors
from portal.dashboard import dashboard_data
from tests.factories import (
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
    jurisdiction,
)

pytestmark = pytest.mark.django_db


def alliance_in(code, **kwargs):
    lead = LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=jurisdiction(code)))
    return filed_alliance(lead_user=lead, **kwargs)


def total(rows):
    return sum(r["value"] for r in rows)


def test_county_dashboard_counts_only_its_jurisdiction():
    for _ in range(2):
        alliance_in("130602")
    for _ in range(3):
        alliance_in("130683")
    county = CountyReviewerFactory(jurisdiction=jurisdiction("130602"))
    staff = MunicipalStaffFactory()
    county_data = dashboard_data(county, year=2026)
    city_data = dashboard_data(staff, year=2026)
    assert total(county_data["by_category"]) == 2
    assert total(county_data["by_status"]) == 2
    assert [r["label"] for r in county_data["by_jurisdiction"]] == ["竞秀区"]
    assert total(city_data["by_category"]) == 5
    assert {r["label"]: r["value"] for r in city_data["by_jurisdiction"]} == {
        "竞秀区": 2,
        "安国市": 3,
    }


def test_municipal_jurisdiction_filter():
    alliance_in("130602")
    alliance_in("130683")
    data = dashboard_data(MunicipalStaffFactory(), year=2026, jurisdiction=jurisdiction("130683"))
    assert total(data["by_category"]) == 1


def test_compliance_by_year_counts_on_time_late_and_missing():
    from supervision.models import AnnualSummary

    on_time, late, _missing = (alliance_in("130602") for _ in range(3))
    AnnualSummary.objects.create(alliance=on_time, year=2025, state="accepted")
    AnnualSummary.objects.create(alliance=late, year=2025, state="submitted")
    tz = datetime.timezone(datetime.timedelta(hours=8))
    AnnualSummary.objects.filter(alliance=on_time).update(
        submitted_at=datetime.datetime(2026, 3, 1, tzinfo=tz)
    )
    AnnualSummary.objects.filter(alliance=late).update(
        submitted_at=datetime.datetime(2026, 5, 1, tzinfo=tz)
    )
    data = dashboard_data(MunicipalStaffFactory(), year=2026)
    row = next(r for r in data["compliance"] if r["year"] == 2025)
    assert (row["alliances"], row["on_time"], row["late"], row["missing"]) == (3, 1, 1, 1)


def test_query_count_does_not_grow_with_alliances():
    staff = MunicipalStaffFactory()
    for _ in range(3):
        alliance_in("130602")
    with CaptureQueriesContext(connection) as small:
        dashboard_data(staff, year=2026)
    for _ in range(12):
        alliance_in("130683")
    with CaptureQueriesContext(connection) as large:
        dashboard_data(staff, year=2026)
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    ("factory", "status"),
    [
        (MunicipalStaffFactory, 200),
        (CountyReviewerFactory, 200),
        (LeadUnitUserFactory, 403),
        (EvaluatorFactory, 403),
    ],
)
def test_dashboard_page_access(client, factory, status):
    client.force_login(factory())
    assert client.get("/dashboard/").status_code == status


def test_dashboard_page_embeds_data_and_tables(client):
    alliance_in("130602")
    client.force_login(MunicipalStaffFactory())
    body = client.get("/dashboard/?year=2026").content.decode()
    assert 'id="dashboard-data"' in body
    assert 'data-testid="table-chart-category"' in body
    assert "chart.umd.min.js" in body
    assert Alliance.objects.count() == 1


@pytest.mark.postgres
def test_median_review_days_in_the_database():
    from django.utils import timezone

    from filings.models import Filing
    from tests.factories import filing_in_state

    filings = [filing_in_state("municipal_review") for _ in range(3)]
    now = timezone.now()
    for days, filing in zip((2, 4, 9), filings, strict=True):
        Filing.objects.filter(pk=filing.pk).update(
            submitted_at=now - datetime.timedelta(days=days), recommended_at=now
        )
    data = dashboard_data(MunicipalStaffFactory(), year=now.year)
    assert data["review_days"]["county"] == 4.0


def test_breakdowns_and_compliance_from_one_pass_equal_separate_counts():
    """The dashboard counts categories, statuses, jurisdictions and the filed alliances per
    year in one grouped query; each equals its own count, for every scope."""
    from django.db.models import Count

    from accounts.models import Jurisdiction
    from supervision.models import AnnualSummary
    from supervision.selectors import compliance_totals

    for i, (code, filed_on, status, category) in enumerate(
        [
            ("130602", datetime.date(2021, 5, 1), "filed", "industrial_technology"),
            ("130602", datetime.date(2023, 5, 1), "filed", "strategic"),
            ("130683", datetime.date(2022, 5, 1), "revoked", "industrial_technology"),
            ("130683", datetime.date(2024, 5, 1), "filed", "industrial"),
            ("130606", None, "unfiled", "industrial"),
            (None, datetime.date(2020, 5, 1), "filed", "strategic"),  # lead unit outside Baoding
        ]
    ):
        lead = LeadUnitUserFactory(
            organisation=OrganisationFactory(jurisdiction=jurisdiction(code) if code else None)
        )
        alliance = filed_alliance(lead_user=lead)
        Alliance.objects.filter(pk=alliance.pk).update(
            status=status, category=category, filed_on=filed_on, name=f"一次统计联盟{i}"
        )
        AnnualSummary.objects.create(alliance=alliance, year=2024, state="accepted")
    AnnualSummary.objects.update(submitted_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC))
    staff, county = MunicipalStaffFactory(), CountyReviewerFactory(jurisdiction=jurisdiction())
    scopes = [(staff, None), (staff, Jurisdiction.objects.get(code="130683")), (county, None)]
    for user, place in scopes:
        data = dashboard_data(user, year=2026, jurisdiction=place)
        alliances = Alliance.objects.all()
        if user == county:
            alliances = alliances.filter(lead_unit__jurisdiction=county.jurisdiction)
        if place is not None:
            alliances = alliances.filter(lead_unit__jurisdiction=place)
        categories = dict(alliances.values_list("category").annotate(n=Count("pk")).order_by())
        assert {r["label"]: r["value"] for r in data["by_category"]} == {
            label: categories.get(value, 0) for value, label in policy_selectors.category_choices()
        }
        assert sum(r["value"] for r in data["by_category"]) == alliances.count()
        statuses = dict(alliances.values_list("status").annotate(n=Count("pk")).order_by())
        assert [r["value"] for r in data["by_status"]] == [
            statuses.get(s, 0) for s in Alliance.Status.values
        ]
        places = (
            alliances.values_list("lead_unit__jurisdiction__name")
            .annotate(n=Count("pk"))
            .order_by("lead_unit__jurisdiction__sort_order")
        )
        assert [(r["label"], r["value"]) for r in data["by_jurisdiction"]] == [
            (name or "—", n) for name, n in places
        ]
        years = [r["year"] for r in data["compliance"]]
        separate = compliance_totals(user, years, place)
        assert [{k: v for k, v in r.items() if k != "year"} for r in data["compliance"]] == [
            separate[y] for y in years
        ]


@pytest.mark.postgres
def test_median_review_days_equal_in_the_database_and_in_python(monkeypatch):
    """PostgreSQL computes both medians in one query; the embedded SQLite database in
    Python: the same figures."""
    from django.utils import timezone

    from filings.models import Filing
    from tests.factories import filing_in_state

    filings = [filing_in_state("municipal_review") for _ in range(4)]
    now = timezone.now()
    for days, filing in zip((2, 4, 9, 11), filings, strict=True):
        Filing.objects.filter(pk=filing.pk).update(
            submitted_at=now - datetime.timedelta(days=days + 3),
            recommended_at=now - datetime.timedelta(days=days),
            decided_at=now,
            state="filed" if days < 10 else "municipal_review",
        )
    staff = MunicipalStaffFactory()
    in_database = dashboard_data(staff, year=now.year)["review_days"]
    assert in_database == {"county": 3.0, "municipal": 4.0}
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert dashboard_data(staff, year=now.year)["review_days"] == in_database
