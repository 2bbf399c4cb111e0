"""Issue 12, High: "a lead unit rewrites its own organisation, unaudited, and escapes its
county". The penetration test's request, replayed: POST the unit's edit page with another
jurisdiction and a new name. Nothing of the unit changes, its alliances and its next 初审
stay with its county, and the same change asked for properly is a pending request with
an audit entry holding the old and new values.

(Imports of what the fix added stay inside the test, so that on the code before the fix
the test fails on its first assertion rather than on an import.)"""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from filings.selectors import alliances_visible_to, county_queue
from tests.factories import AllianceFactory, filing_in_state, jurisdiction

from .conftest import HOME, OTHER

pytestmark = pytest.mark.django_db


def test_lead_unit_cannot_rewrite_its_legal_facts_and_leave_its_county(client, lead, county):
    organisation = lead.organisation
    alliance = AllianceFactory(lead_unit=organisation)
    old_name, old_uscc = organisation.name, organisation.uscc
    client.force_login(lead)
    posted = {
        "name": "改名后的公司",
        "uscc": old_uscc,
        "kind": organisation.kind,
        "industry": organisation.industry,
        "legal_representative": organisation.legal_representative,
        "address": organisation.address,
        "contact_person": organisation.contact_person,
        "contact_phone": "",
        "contact_email": "",
        "jurisdiction": jurisdiction(OTHER).pk,
    }

    client.post(f"/accounts/organisations/{organisation.pk}/edit/", posted)

    organisation.refresh_from_db()
    assert organisation.name == old_name
    assert organisation.jurisdiction.code == HOME
    assert alliance in alliances_visible_to(county)
    filing = filing_in_state("county_review", lead_user=lead)
    assert filing.jurisdiction.code == HOME
    assert filing in county_queue(county)

    response = client.post(
        reverse("accounts:organisation_change_new", args=[organisation.pk]),
        {**posted, "reason": "公司迁址并更名"},
    )

    from accounts.models import OrganisationChange

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.jurisdiction.code) == (old_name, HOME)
    change = OrganisationChange.objects.get(organisation=organisation)
    assert change.state == "pending"
    assert (change.old_name, change.new_name) == (old_name, "改名后的公司")
    assert (change.old_jurisdiction.code, change.new_jurisdiction.code) == (HOME, OTHER)
    assert change.reason == "公司迁址并更名"
    entry = AuditEntry.objects.for_object(change).get()
    assert (entry.action, entry.actor, entry.target) == ("request", lead, "pending")
    assert f"单位名称：“{old_name}” → “改名后的公司”" in entry.reason
    assert "所在县（市、区）/开发区：“竞秀区” → “莲池区”" in entry.reason
    assert "理由：公司迁址并更名" in entry.reason
