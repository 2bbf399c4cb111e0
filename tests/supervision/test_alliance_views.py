"""Alliance records under supervision (Art. 12) and liaison officers (Art. 16)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from filings.models import Alliance
from supervision.models import AllianceChange
from supervision.reminders import send_reminders
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

OTHER_COUNTY = "130607"


@pytest.fixture
def world():
    """Alliance A in the default jurisdiction, alliance B in another, and one user per role."""
    lead_a = LeadUnitUserFactory()
    lead_b = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
    )
    return {
        "a": filed_alliance(lead_user=lead_a),
        "b": filed_alliance(lead_user=lead_b),
        "lead_a": lead_a,
        "lead_b": lead_b,
        "staff": MunicipalStaffFactory(),
        "county_a": CountyReviewerFactory(),
        "county_b": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
        "evaluator": EvaluatorFactory(),
        "liaison": MunicipalStaffFactory(is_liaison_officer=True),
    }


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Role matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", 200),
        ("county_a", 200),
        ("county_b", 404),
        ("lead_a", 200),
        ("lead_b", 404),
        ("evaluator", 403),
    ],
)
def test_alliance_detail_role_matrix(client, world, who, expected):
    url = reverse("supervision:alliance_detail", args=[world["a"].pk])
    assert _as(client, world[who]).get(url).status_code == expected


def test_alliance_pages_send_anonymous_users_to_login(client, world):
    for url in [
        reverse("supervision:alliance_list"),
        reverse("supervision:alliance_detail", args=[world["a"].pk]),
        reverse("supervision:compliance"),
    ]:
        assert_login_redirect(client.get(url))
    assert_login_redirect(
        client.post(
            reverse("supervision:liaison_assign", args=[world["a"].pk]),
            {"officer": world["liaison"].pk},
        )
    )


@pytest.mark.parametrize(
    ("who", "sees_a", "sees_b"),
    [
        ("staff", True, True),
        ("county_a", True, False),
        ("county_b", False, True),
        ("lead_a", True, False),
        ("lead_b", False, True),
    ],
)
def test_alliance_list_is_scoped_to_the_user(client, world, who, sees_a, sees_b):
    body = _as(client, world[who]).get(reverse("supervision:alliance_list")).content.decode()
    assert (world["a"].name in body) is sees_a
    assert (world["b"].name in body) is sees_b


def test_evaluator_cannot_open_the_alliance_list(client, world):
    assert (
        _as(client, world["evaluator"]).get(reverse("supervision:alliance_list")).status_code == 403
    )


@pytest.mark.parametrize("who", ["county_a", "county_b", "lead_a", "lead_b", "evaluator"])
def test_only_municipal_staff_may_assign_a_liaison_officer(client, world, who):
    url = reverse("supervision:liaison_assign", args=[world["a"].pk])
    response = _as(client, world[who]).post(url, {"officer": world["liaison"].pk})
    assert response.status_code == 403
    world["a"].refresh_from_db()
    assert world["a"].liaison_officer is None
    assert not AuditEntry.objects.for_object(world["a"]).filter(action="assign_liaison").exists()


def test_liaison_assign_is_post_only(client, world):
    url = reverse("supervision:liaison_assign", args=[world["a"].pk])
    assert _as(client, world["staff"]).get(url).status_code == 405


# --- The list --------------------------------------------------------------------------


def test_list_filters_by_status_and_missing_liaison_officer(client, world):
    world["b"].liaison_officer = world["liaison"]
    world["b"].save()
    unfiled = Alliance.objects.create(name="尚未备案的联盟", lead_unit=OrganisationFactory())
    client = _as(client, world["staff"])
    url = reverse("supervision:alliance_list")
    body = client.get(url, {"status": "unfiled"}).content.decode()
    assert unfiled.name in body and world["a"].name not in body
    body = client.get(url, {"liaison": "none"}).content.decode()
    assert world["a"].name in body and world["b"].name not in body
    body = client.get(url, {"q": world["a"].lead_unit.name}).content.decode()
    assert world["a"].name in body and world["b"].name not in body


def test_jurisdiction_filter_is_for_municipal_staff_only(client, world):
    url = reverse("supervision:alliance_list")
    body = (
        _as(client, world["staff"])
        .get(url, {"jurisdiction": jurisdiction(OTHER_COUNTY).pk})
        .content.decode()
    )
    assert world["b"].name in body and world["a"].name not in body
    response = _as(client, world["county_a"]).get(
        url, {"jurisdiction": jurisdiction(OTHER_COUNTY).pk}
    )
    assert (
        "filter" in response.context
        and "jurisdiction" not in response.context["filter"].form.fields
    )
    assert world["b"].name not in response.content.decode()


def test_list_query_count_does_not_grow_with_the_rows(client, world):
    client = _as(client, world["staff"])
    url = reverse("supervision:alliance_list")
    for alliance in Alliance.objects.all():
        alliance.liaison_officer = world["liaison"]
        alliance.save()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(12):
        filed_alliance(liaison=world["liaison"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 14
    assert len(many) == len(few)


# --- The record ------------------------------------------------------------------------


def test_detail_shows_the_record_members_and_history(client, world):
    alliance = world["a"]
    AllianceChange.objects.create(
        alliance=alliance,
        field_label="秘书长",
        old_value="李四",
        new_value="赵六",
        changed_by=world["staff"],
    )
    body = (
        _as(client, world["county_a"])
        .get(reverse("supervision:alliance_detail", args=[alliance.pk]))
        .content.decode()
    )
    assert alliance.office_address in body
    assert alliance.filing_number in body
    for member in alliance.members.all():
        assert member.organisation.name in body
    assert "李四" in body and "赵六" in body and "变更前" in body
    # Readers see no actions.
    assert reverse("supervision:liaison_assign", args=[alliance.pk]) not in body
    assert reverse("supervision:case_new", args=[alliance.pk]) not in body


def test_staff_see_liaison_and_revocation_actions(client, world):
    alliance = world["a"]
    body = (
        _as(client, world["staff"])
        .get(reverse("supervision:alliance_detail", args=[alliance.pk]))
        .content.decode()
    )
    assert reverse("supervision:liaison_assign", args=[alliance.pk]) in body
    assert f'value="{world["liaison"].pk}"' in body
    assert reverse("supervision:case_new", args=[alliance.pk]) in body
    assert reverse("supervision:summary_new", args=[alliance.pk]) not in body


def test_lead_unit_of_a_filed_alliance_can_report_and_dissolve(client, world):
    alliance = world["a"]
    body = (
        _as(client, world["lead_a"])
        .get(reverse("supervision:alliance_detail", args=[alliance.pk]))
        .content.decode()
    )
    assert reverse("supervision:summary_new", args=[alliance.pk]) in body
    assert 'name="year"' in body and "填报年度工作总结" in body
    assert reverse("supervision:event_new", args=[alliance.pk]) in body
    assert reverse("supervision:dissolve", args=[alliance.pk]) in body
    assert reverse("supervision:liaison_assign", args=[alliance.pk]) not in body


def test_lead_unit_of_an_unfiled_alliance_gets_no_supervision_actions(client):
    lead = LeadUnitUserFactory()
    alliance = Alliance.objects.create(name="草稿联盟", lead_unit=lead.organisation)
    body = (
        _as(client, lead)
        .get(reverse("supervision:alliance_detail", args=[alliance.pk]))
        .content.decode()
    )
    assert reverse("supervision:summary_new", args=[alliance.pk]) not in body
    assert reverse("supervision:dissolve", args=[alliance.pk]) not in body


# --- Liaison officers (Art. 16) --------------------------------------------------------


def test_assigning_a_liaison_officer_records_it_and_tells_the_officer(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    alliance, officer = world["a"], world["liaison"]
    url = reverse("supervision:liaison_assign", args=[alliance.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, world["staff"]).post(url, {"officer": officer.pk}, follow=True)
    assert "已指定" in response.content.decode()
    alliance.refresh_from_db()
    assert alliance.liaison_officer == officer
    entry = AuditEntry.objects.for_object(alliance).get(action="assign_liaison")
    assert entry.actor == world["staff"]
    assert any(m.to == [officer.email] and "科技联络员" in m.subject for m in mailoutbox)
    # The history on the record shows the assignment.
    assert "指定科技联络员" in response.content.decode()


def test_a_user_who_is_not_a_liaison_officer_cannot_be_assigned(client, world, mailoutbox):
    alliance = world["a"]
    not_liaison = MunicipalStaffFactory()
    url = reverse("supervision:liaison_assign", args=[alliance.pk])
    for candidate in (not_liaison, world["lead_a"]):
        response = _as(client, world["staff"]).post(url, {"officer": candidate.pk}, follow=True)
        assert response.status_code == 200
        assert "科技联络员须是登记为联络员的市科技局工作人员" in response.content.decode()
    alliance.refresh_from_db()
    assert alliance.liaison_officer is None
    assert not AuditEntry.objects.for_object(alliance).filter(action="assign_liaison").exists()
    assert mailoutbox == []


def test_unknown_officer_id_is_a_message_not_an_error(client, world):
    url = reverse("supervision:liaison_assign", args=[world["a"].pk])
    response = _as(client, world["staff"]).post(url, {"officer": "999999"}, follow=True)
    assert "所选人员不存在" in response.content.decode()


def test_staff_cannot_assign_on_another_alliance_they_cannot_see(client, world):
    url = reverse("supervision:liaison_assign", args=[987654])
    assert (
        _as(client, world["staff"]).post(url, {"officer": world["liaison"].pk}).status_code == 404
    )


def test_assigned_officer_sees_the_alliance_and_is_copied_on_overdue_reminders(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    alliance, officer = world["a"], world["liaison"]
    _as(client, world["staff"]).post(
        reverse("supervision:liaison_assign", args=[alliance.pk]), {"officer": officer.pk}
    )
    alliance.refresh_from_db()
    assert alliance.liaison_officer == officer
    assert alliance.filed_on.year == 2024
    response = _as(client, officer).get(reverse("supervision:alliance_detail", args=[alliance.pk]))
    assert response.status_code == 200
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(datetime.date(2027, 4, 1))
    assert [m for m in mailoutbox if m.to == [world["lead_a"].email]]
    # The officer gets a copy of alliance a's reminder, and only of that one.
    copies = [m for m in mailoutbox if m.to == [officer.email] and "抄送" in m.subject]
    assert len(copies) == 1
    assert alliance.name in copies[0].body
    assert [m for m in mailoutbox if m.to == [world["lead_b"].email]]
