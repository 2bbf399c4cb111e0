"""The reviewers' queues cost the same number of SQL queries for 5 filings as for 50."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filings.models import Alliance, Category, Filing
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
S = Filing.State


def bulk_queue(
    state, n, *, code="130602", name="批量联盟", category=Category.INDUSTRIAL, oldest_days=None
):
    """``n`` filings in ``state`` created in bulk, one alliance each (one open filing per
    alliance); queued one day apart, the first ``oldest_days`` (default ``n``) days ago."""
    place = jurisdiction(code)
    lead = LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=place))
    alliances = Alliance.objects.bulk_create(
        Alliance(name=f"{name}{i:03d}", category=category, lead_unit=lead.organisation)
        for i in range(n)
    )
    now = timezone.now()
    start = oldest_days if oldest_days is not None else n
    filings = Filing.objects.bulk_create(
        Filing(
            alliance=alliance,
            state=state,  # the protected FSM field may be set in the constructor
            jurisdiction=place,
            created_by=lead,
            submitted_at=now - datetime.timedelta(days=start - i),
            queued_at=now - datetime.timedelta(days=start - i),
        )
        for i, alliance in enumerate(alliances)
    )
    return filings


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("state", "url_name", "user_factory"),
    [
        (S.COUNTY_REVIEW, "filings:county_queue", CountyReviewerFactory),
        (S.MUNICIPAL_REVIEW, "filings:municipal_queue", MunicipalStaffFactory),
    ],
)
def test_queue_query_count_does_not_grow_with_rows(client, state, url_name, user_factory):
    real = filing_in_state(state)  # one walked through the services, PDFs and all
    client.force_login(
        user_factory(jurisdiction=real.jurisdiction) if state == S.COUNTY_REVIEW else user_factory()
    )
    bulk_queue(state, 4)
    url = reverse(url_name)
    assert _queries(client, url) > 0
    few = _queries(client, url)
    assert Filing.objects.filter(state=state).count() == 5
    bulk_queue(state, 45)
    many = _queries(client, url)
    body = client.get(url).content.decode()
    assert body.count('data-filing="') == 25  # a full page: the rows were really rendered
    assert few == many


@pytest.mark.parametrize(
    ("state", "user_factory"),
    [(S.COUNTY_REVIEW, CountyReviewerFactory), (S.MUNICIPAL_REVIEW, MunicipalStaffFactory)],
)
def test_home_page_queue_summary_query_count_does_not_grow(client, state, user_factory):
    client.force_login(user_factory())
    bulk_queue(state, 5)
    few = _queries(client, reverse("portal:home"))
    bulk_queue(state, 45)
    many = _queries(client, reverse("portal:home"))
    assert few == many
