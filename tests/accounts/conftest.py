"""A lead unit in 竞秀区 and the people around it, and a way to ask for a change."""

import pytest

from accounts.models import Organisation
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    jurisdiction,
)

HOME, OTHER = "130602", "130606"  # 竞秀区, 莲池区


@pytest.fixture
def lead(db):
    organisation = OrganisationFactory(
        jurisdiction=jurisdiction(HOME),
        legal_representative="张三",
        contact_person="张三",
        address="保定市竞秀区朝阳北大街1号",
    )
    return LeadUnitUserFactory(organisation=organisation)


@pytest.fixture
def staff(db):
    return MunicipalStaffFactory()


@pytest.fixture
def county(db):
    """The county bureau of the lead unit's jurisdiction."""
    return CountyReviewerFactory(jurisdiction=jurisdiction(HOME))


@pytest.fixture
def other_county(db):
    return CountyReviewerFactory(jurisdiction=jurisdiction(OTHER))


def facts(organisation: Organisation, **changes) -> dict:
    """The unit's legal facts with ``changes``, as the service takes them."""
    values = {f: getattr(organisation, f) for f in Organisation.LEGAL_FACTS}
    values.update(changes)
    return values


def form_facts(organisation: Organisation, **changes) -> dict:
    """The same, as the change form posts them."""
    values = facts(organisation, **changes)
    values["jurisdiction"] = values["jurisdiction"].pk if values["jurisdiction"] else ""
    return values


def request_change(lead, reason="营业执照已变更", **changes):
    from accounts import services

    return services.organisation_change_submit(
        organisation=lead.organisation,
        by=lead,
        values=facts(lead.organisation, **changes),
        reason=reason,
    )
