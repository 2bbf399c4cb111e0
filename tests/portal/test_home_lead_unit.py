"""The lead unit's home page: what each filed alliance owes for last year's summary, by the
one rule the summaries page, compliance and subsidy eligibility use (``owes_summary_q``)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from supervision.models import AnnualSummary
from supervision.models.summaries import owes_summary
from supervision.selectors import summaries_missing
from tests.factories import LeadUnitUserFactory, filed_alliance

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 6, 10, 0, tzinfo=datetime.UTC)


def statuses(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return {a.name: a for a in response.context["my_alliances"]}


@time_machine.travel(TODAY, tick=False)
def test_an_alliance_filed_this_year_is_not_overdue_for_last_year(client):
    lead = LeadUnitUserFactory()
    late_filer = filed_alliance(lead_user=lead, name="甲联盟", filed_on=datetime.date(2026, 12, 2))
    old = filed_alliance(lead_user=lead, name="乙联盟", filed_on=datetime.date(2025, 3, 1))
    summarised = filed_alliance(lead_user=lead, name="丙联盟", filed_on=datetime.date(2024, 6, 1))
    AnnualSummary.objects.create(
        alliance=summarised,
        year=2025,
        state=AnnualSummary.State.SUBMITTED,
        submitted_at=timezone.now(),
    )

    rows = statuses(client, lead)
    assert not rows["甲联盟"].owes
    assert rows["乙联盟"].owes and not rows["乙联盟"].handed_in
    assert rows["丙联盟"].owes and rows["丙联盟"].handed_in
    page = client.get(reverse("portal:home")).content.decode()
    assert "2025年度后备案，无需提交" in page
    # Exactly one 逾期: the alliance filed in 2025 that has not summarised (due 2026).
    cells = page.split('data-testid="summary-status"')[1:]
    assert sum("逾期" in c.split("</td>")[0] for c in cells) == 1
    # The same rule as the summaries page and the in-memory check.
    missing_2025 = {r["alliance"].name for r in summaries_missing(lead) if r["year"] == 2025}
    assert missing_2025 == {"乙联盟"}
    assert [owes_summary(a, 2025) for a in (late_filer, old, summarised)] == [False, True, True]
