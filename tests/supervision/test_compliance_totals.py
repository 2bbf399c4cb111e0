"""The dashboard's compliance figures (supervision.selectors.compliance_totals, counted from
the summaries' side) equal the per-year compliance view's totals (compliance(), counted
from the alliances' side), for every scope."""

import datetime
import random

import pytest

from accounts.models import Jurisdiction
from supervision.models import AnnualSummary
from supervision.models.summaries import annual_summary_due_date
from supervision.selectors import compliance, compliance_totals
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
YEARS = [2021, 2022, 2023, 2024, 2025]
STATES = ["draft", "submitted", "accepted", "returned", "resubmitted"]


def _world(seed: int):
    rng = random.Random(seed)
    for i in range(24):
        place = jurisdiction(rng.choice(["130602", "130606", "130681"]))
        lead = LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=place))
        alliance = filed_alliance(
            lead_user=lead,
            filed_on=datetime.date(rng.choice([2020, 2021, 2022, 2023, 2024, 2025]), 6, 1),
            name=f"合规统计联盟{seed}-{i}",
        )
        for year in rng.sample(YEARS, rng.randint(0, len(YEARS))):
            due = annual_summary_due_date(year)
            submitted = datetime.datetime.combine(
                due + datetime.timedelta(days=rng.choice([-20, -1, 0, 1, 40])),
                datetime.time(23, 30),  # late evening: the date is Beijing's, not UTC's
                tzinfo=datetime.timezone(datetime.timedelta(hours=8)),
            )
            state = rng.choice(STATES)
            AnnualSummary.objects.create(
                alliance=alliance,
                year=year,
                state=state,
                submitted_at=None if state == "draft" else submitted,
            )
        if rng.random() < 0.2:  # revoked alliances count for neither
            type(alliance).objects.filter(pk=alliance.pk).update(status="revoked")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_match_the_compliance_view_for_every_scope(seed):
    _world(seed)
    staff = MunicipalStaffFactory()
    scopes = [(staff, None), (staff, Jurisdiction.objects.get(code="130606"))]
    scopes += [(CountyReviewerFactory(jurisdiction=jurisdiction("130681")), None)]
    seen = []
    for user, place in scopes:
        expected = {y: compliance(user, y, place)["totals"] for y in YEARS}
        assert compliance_totals(user, YEARS, place) == expected
        seen += expected.values()
    # The data exercises every case: on time, late and missing in the same year.
    assert any(t["late"] and t["on_time"] and t["missing"] for t in seen)


def test_no_years_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert compliance_totals(MunicipalStaffFactory.build(), []) == {}
