"""Every page and action of units and their change requests, as every role.

The expectations are written out here, not derived from the selectors under test. The
unit is in 竞秀区; "county" is 竞秀区's bureau, "other_county" 安国市's.
"""

import pytest
from django.urls import reverse

from accounts.models import OrganisationChange
from tests.factories import (
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    SecurityAdminFactory,
    jurisdiction,
)

from .conftest import OTHER, form_facts, request_change

pytestmark = pytest.mark.django_db
ACTORS = [
    "lead",
    "other_lead",
    "county",
    "other_county",
    "staff",
    "admin",
    "evaluator",
    "auditor",
    "security_admin",
]


@pytest.fixture
def actors(lead):
    return {
        "lead": lead,
        "other_lead": LeadUnitUserFactory(),
        "county": CountyReviewerFactory(jurisdiction=lead.organisation.jurisdiction),
        "other_county": CountyReviewerFactory(jurisdiction=jurisdiction("130683")),
        "staff": MunicipalStaffFactory(),
        "admin": AdminFactory(),
        "evaluator": EvaluatorFactory(),
        "auditor": AuditorFactory(),
        "security_admin": SecurityAdminFactory(),
    }


# (URL name, its arguments, GET status per actor in ACTORS order)
PAGES = {
    "accounts:organisation_detail": (
        lambda change: [change.organisation_id],
        [200, 404, 200, 404, 200, 200, 403, 403, 403],
    ),
    "accounts:organisation_edit": (
        lambda change: [change.organisation_id],
        [200, 404, 403, 403, 200, 200, 403, 403, 403],
    ),
    "accounts:change_list": (lambda change: [], [403, 403, 200, 200, 200, 200, 403, 403, 403]),
    "accounts:change_detail": (
        lambda change: [change.pk],
        [200, 404, 200, 404, 200, 200, 403, 403, 403],
    ),
}


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("actor", ACTORS)
def test_pages_by_role(client, lead, actors, url_name, actor):
    change = request_change(lead, name="保定新名称有限公司")
    args, statuses = PAGES[url_name]
    client.force_login(actors[actor])
    response = client.get(reverse(url_name, args=args(change)))
    assert response.status_code == statuses[ACTORS.index(actor)]


# (action, the change asked for, POST data, actors who succeed, the state they reach).
# The others: 403 when their role never takes the action or when they see the request
# but may not take it; 404 when their role could, but the request is not theirs to see.
DECISIONS = [
    ("approve", {"name": "保定新名称有限公司"}, {}, {"staff", "county"}, "approved"),
    ("approve", {"jurisdiction": OTHER}, {}, {"staff"}, "approved"),
    ("reject", {"name": "保定新名称有限公司"}, {"reason": "不符"}, {"staff", "county"}, "rejected"),
    ("reject", {"jurisdiction": OTHER}, {"reason": "不符"}, {"staff"}, "rejected"),
    ("withdraw", {"name": "保定新名称有限公司"}, {}, {"lead"}, "withdrawn"),
]
SEES = {"lead", "county", "staff", "admin"}
ROLE_TAKES = {
    "approve": {"staff", "county", "other_county"},
    "reject": {"staff", "county", "other_county"},
    "withdraw": {"lead", "other_lead"},
}


@pytest.mark.parametrize(("action", "asked", "data", "allowed", "target"), DECISIONS)
@pytest.mark.parametrize("actor", ACTORS)
def test_decisions_by_role(client, lead, actors, action, asked, data, allowed, target, actor):
    if "jurisdiction" in asked:
        asked = {"jurisdiction": jurisdiction(asked["jurisdiction"])}
    change = request_change(lead, **asked)
    client.force_login(actors[actor])

    response = client.post(
        reverse(f"accounts:change_{action}", args=[change.pk]),
        {"expected_state": "pending", **data},
    )

    state = OrganisationChange.objects.get(pk=change.pk).state
    if actor in allowed:
        assert response.status_code == 302
        assert state == target
    else:
        hidden = actor in ROLE_TAKES[action] and actor not in SEES
        assert response.status_code == (404 if hidden else 403)
        assert state == "pending"


# Asking for (or, for municipal staff, making) a change of the lead unit's legal facts.
ASKS = {
    "lead": (302, "pending"),
    "other_lead": (404, None),
    "county": (403, None),
    "other_county": (403, None),
    "staff": (302, "approved"),
    "admin": (403, None),
    "evaluator": (403, None),
    "auditor": (403, None),
    "security_admin": (403, None),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_asking_for_a_change_by_role(client, lead, actors, actor):
    client.force_login(actors[actor])
    response = client.post(
        reverse("accounts:organisation_change_new", args=[lead.organisation_id]),
        {**form_facts(lead.organisation, legal_representative="李四"), "reason": "法人变更"},
    )
    status, state = ASKS[actor]
    assert response.status_code == status
    assert list(OrganisationChange.objects.values_list("state", flat=True)) == (
        [state] if state else []
    )


def test_anonymous_visitors_are_sent_to_login(client, lead):
    change = request_change(lead, name="保定新名称有限公司")
    login = reverse("accounts:login")
    pk = lead.organisation_id
    for url in [
        reverse("accounts:organisation_detail", args=[pk]),
        reverse("accounts:organisation_edit", args=[pk]),
        reverse("accounts:change_list"),
        reverse("accounts:change_detail", args=[change.pk]),
    ]:
        assert client.get(url)["Location"].startswith(login)
    for name in ("approve", "reject", "withdraw"):
        response = client.post(reverse(f"accounts:change_{name}", args=[change.pk]))
        assert response["Location"].startswith(login)


@pytest.mark.parametrize("name", ["approve", "reject", "withdraw"])
def test_actions_are_post_only(client, lead, staff, name):
    change = request_change(lead, name="保定新名称有限公司")
    client.force_login(staff if name != "withdraw" else lead)
    assert client.get(reverse(f"accounts:change_{name}", args=[change.pk])).status_code == 405
    url = reverse("accounts:organisation_change_new", args=[lead.organisation_id])
    assert client.get(url).status_code == 405


def test_actions_need_the_csrf_token(lead, staff):
    from django.test import Client

    change = request_change(lead, name="保定新名称有限公司")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        reverse("accounts:change_approve", args=[change.pk]), {"expected_state": "pending"}
    )
    assert response.status_code == 403
    assert OrganisationChange.objects.get(pk=change.pk).state == "pending"
