"""Who summarised the year on time, late, or not at all (Art. 12(1)), by jurisdiction."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision import services
from supervision.models import AnnualSummary, EventReport
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
TZ = datetime.timezone(datetime.timedelta(hours=8))
YEAR = 2025  # due 2026-03-31
ON_TIME = datetime.datetime(2026, 3, 20, 10, tzinfo=TZ)
LATE = datetime.datetime(2026, 4, 15, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _mid_2026():
    # "Last year" is the default year of the page.
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=TZ)):
        yield


def _summary(alliance, submitted_at):
    summary = AnnualSummary.objects.create(
        alliance=alliance, year=YEAR, state="submitted", work_done="完成"
    )
    # Set after creation, as a late hand-in would have it.
    AnnualSummary.objects.filter(pk=summary.pk).update(submitted_at=submitted_at)


def _alliance_in(code):
    return filed_alliance(
        lead_user=LeadUnitUserFactory(
            organisation=OrganisationFactory(jurisdiction=jurisdiction(code))
        )
    )


@pytest.fixture
def world():
    staff = MunicipalStaffFactory()
    on_time = _alliance_in("130602")
    late = _alliance_in("130602")
    missing = _alliance_in(OTHER_COUNTY)
    _summary(on_time, ON_TIME)
    _summary(late, LATE)
    EventReport.objects.create(
        alliance=on_time,
        kind=EventReport.Kind.PROJECT,
        title="启动联合攻关项目",
        event_date=datetime.date(2026, 5, 1),
        description="说明",
        created_by=on_time.lead_unit.users.get(),
        state="submitted",
    )
    services.case_open(alliance=missing, by=staff, grounds=["2"], facts="未开展活动")
    return {
        "staff": staff,
        "on_time": on_time,
        "late": late,
        "missing": missing,
        "county_a": CountyReviewerFactory(),
        "county_b": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
    }


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("supervision:compliance"), params)


def _totals(response):
    totals = response.context["totals"]
    return {key: totals[key] for key in ("alliances", "on_time", "late", "missing")}


def test_municipal_totals_count_every_jurisdiction(client, world):
    response = _get(client, world["staff"])
    assert response.status_code == 200
    assert response.context["year"] == YEAR
    assert _totals(response) == {"alliances": 3, "on_time": 1, "late": 1, "missing": 1}
    rows = {row.pk: row for row in response.context["page_obj"]}
    assert rows[world["on_time"].pk].on_time and rows[world["on_time"].pk].open_events == 1
    assert rows[world["late"].pk].handed_in and not rows[world["late"].pk].on_time
    assert not rows[world["missing"].pk].handed_in and rows[world["missing"].pk].open_cases == 1
    body = response.content.decode()
    assert "逾期提交" in body and "未提交" in body and "按期提交" in body


def test_municipal_staff_can_narrow_to_one_jurisdiction(client, world):
    response = _get(client, world["staff"], jurisdiction=OTHER_COUNTY)
    assert _totals(response) == {"alliances": 1, "on_time": 0, "late": 0, "missing": 1}
    assert [row.pk for row in response.context["page_obj"]] == [world["missing"].pk]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("county_a", {"alliances": 2, "on_time": 1, "late": 1, "missing": 0}),
        ("county_b", {"alliances": 1, "on_time": 0, "late": 0, "missing": 1}),
    ],
)
def test_a_county_reviewer_counts_only_its_own_jurisdiction(client, world, who, expected):
    # The jurisdiction parameter cannot widen a county's view.
    response = _get(
        client, world[who], jurisdiction="130602" if who == "county_b" else OTHER_COUNTY
    )
    assert response.status_code == 200
    assert _totals(response) == expected
    assert response.context["jurisdictions"] == []


def test_other_years_are_counted_separately(client, world):
    response = _get(client, world["staff"], year=2024)
    assert response.context["year"] == 2024
    assert _totals(response) == {"alliances": 3, "on_time": 0, "late": 0, "missing": 3}
    assert _get(client, world["staff"], year="abc").context["year"] == YEAR


def test_alliances_filed_after_the_year_are_not_counted(client, world):
    filed_alliance(filed_on=datetime.date(2026, 2, 1))
    assert _totals(_get(client, world["staff"]))["alliances"] == 3


@pytest.mark.parametrize("factory", [LeadUnitUserFactory, EvaluatorFactory])
def test_lead_units_and_evaluators_may_not_see_it(client, factory):
    assert _get(client, factory()).status_code == 403


def test_anonymous_users_go_to_login(client):
    response = client.get(reverse("supervision:compliance"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def _queries(client, user):
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, user).status_code == 200
    return len(queries)


def test_the_query_count_does_not_depend_on_the_number_of_alliances(client, world):
    staff = world["staff"]
    _get(client, staff)  # warm up (content types, session)
    few = _queries(client, staff)
    for n in range(12):
        alliance = _alliance_in("130602")
        if n % 2:
            _summary(alliance, LATE if n % 4 == 1 else ON_TIME)
    many_response = _get(client, staff)
    assert many_response.context["totals"]["alliances"] == 15
    assert _queries(client, staff) == few


@pytest.mark.parametrize(
    ("status", "expected"),
    [("missing", ["missing"]), ("late", ["late"]), ("on_time", ["on_time"]), ("", None)],
)
def test_the_status_filter_lists_only_those_alliances_and_keeps_the_totals(
    client, world, status, expected
):
    response = _get(client, world["staff"], status=status)
    shown = {row.pk for row in response.context["page_obj"]}
    wanted = {world[k].pk for k in expected or ("on_time", "late", "missing")}
    assert shown == wanted
    assert _totals(response) == {"alliances": 3, "on_time": 1, "late": 1, "missing": 1}
    assert response.context["status"] == status


def test_the_home_card_opens_the_alliances_it_counts(client, world):
    client.force_login(world["staff"])
    home = client.get(reverse("portal:home"))
    cards = home.content.decode().split('data-testid="home-supervision"')[1]
    link = html.unescape(re.search(r'href="([^"]*/supervision/compliance/[^"]*)"', cards)[1])
    listed = client.get(link).context["page_obj"]
    assert [row.pk for row in listed] == [world["missing"].pk]
    assert home.context["supervision"]["compliance"]["missing"] == 1
