"""No private field ever: every value the API emits appears on the public page of its
record, and records the public pages do not show never appear in the API.

The comparison walks every field of every record emitted (not a list of expected fields):
a field added to a serializer that the public pages do not show fails here.
"""

import datetime
import html as html_lib
from urllib.parse import urlsplit

import pytest
from django.utils.formats import date_format

from filings.models import Alliance, Filing
from subsidies.models import Award, SubsidyRound
from supervision.models import RevocationCase
from tests.factories import (
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    eligible_alliance,
    filed_alliance,
    filing_in_state,
    submitted_application,
    subsidy_round,
)
from tests.portal.test_registry import make_case

pytestmark = pytest.mark.django_db

SECRETS = (
    "赵联络",
    "13912345678",
    "lead-contact@example.test",
    "秘密路",
    "0312-5555555",
    "王五",
    "朝阳北大街",
    "内部调查事实",
    "陈述申辩：我们不同意",
    "内部决定理由",
    "评审中批次",
    "审查中联盟",
    "草稿联盟",
    "保科不予取消",  # a case decided not to revoke: its alliance stays filed, unannounced
    "已取消联盟",  # gone from the registry; only its notice names it
)


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html_lib.unescape(response.content.decode())


def leaves(value, path=""):
    """(path, leaf value) of every scalar in an emitted record."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def shown(value, text: str) -> bool:
    """Whether ``text`` (a public page) shows the emitted ``value``: a date as the page
    writes dates (Y-m-d, or the long Chinese form of the 公示 pages), a URL by its path."""
    if value in (None, ""):
        return True  # nothing emitted
    value = str(value)
    if value.startswith("http://") or value.startswith("https://"):
        return f'href="{urlsplit(value).path}"' in text
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value in text
    return value in text or date_format(day, "DATE_FORMAT") in text


@pytest.fixture
def world():
    staff = MunicipalStaffFactory()
    lead = LeadUnitUserFactory(
        organisation=OrganisationFactory(
            contact_person="赵联络",
            contact_phone="13912345678",
            contact_email="lead-contact@example.test",
            address="保定市莲池区秘密路9号",
        )
    )
    public = eligible_alliance(2027, name="公开联盟", lead_user=lead)
    filed_alliance(name="另一公开联盟", filed_on=datetime.date(2025, 2, 3))
    # Not public: a draft, a filing under review, a revoked alliance, a dismissed case.
    draft = filing_in_state(Filing.State.DRAFT)
    Alliance.objects.filter(pk=draft.alliance_id).update(name="草稿联盟")
    review = filing_in_state(Filing.State.MUNICIPAL_REVIEW)
    Alliance.objects.filter(pk=review.alliance_id).update(name="审查中联盟")
    revoked = filed_alliance(name="已取消联盟")
    Alliance.objects.filter(pk=revoked.pk).update(status=Alliance.Status.REVOKED)
    dismissed = filed_alliance(name="不予取消联盟")
    # The cases' facts, statement and reasons ("内部调查事实", …) are internal.
    make_case(revoked, RevocationCase.State.REVOKED, "保科取消〔2026〕3号")
    make_case(dismissed, RevocationCase.State.DISMISSED, "保科不予取消〔2026〕4号")
    # Awards: a round in 公示, and one still under evaluation (not public).
    published = subsidy_round(staff=staff, title="2027年度公示批次")
    application = submitted_application(published, public)
    Award.objects.create(application=application, amount_yuan=230000, decided_by=staff)
    SubsidyRound.objects.filter(pk=published.pk).update(
        state=SubsidyRound.State.NOTICE,
        notice_starts_on=datetime.date(2027, 3, 1),
        notice_ends_on=datetime.date(2027, 3, 8),
    )
    hidden = subsidy_round(staff=staff, title="2027年度评审中批次")
    other = submitted_application(hidden, eligible_alliance(2027, name="另一补贴联盟"))
    Award.objects.create(application=other, amount_yuan=170001, decided_by=staff)
    SubsidyRound.objects.filter(pk=hidden.pk).update(state=SubsidyRound.State.EVALUATING)
    return {"public": public, "revoked": revoked}


def test_every_alliance_value_is_on_its_public_page(client, world):
    registry = page_text(client, "/registry/")
    records = client.get("/api/v1/alliances/").json()["results"]
    assert {r["name"] for r in records} == {
        "公开联盟",
        "另一公开联盟",
        "另一补贴联盟",
        "不予取消联盟",
    }
    for record in records:
        detail = client.get(f"/api/v1/alliances/{record['id']}/").json()
        page = page_text(client, f"/registry/alliances/{record['id']}/")
        for path, value in [*leaves(record), *leaves(detail)]:
            if path in ("id", "page_url"):  # the page's own address, linked from the registry
                own = f"/registry/alliances/{record['id']}/"
                assert urlsplit(record["page_url"]).path == own
                assert f'href="{own}"' in registry
                continue
            assert shown(value, page), (record["name"], path, value)
        # The registry's row shows the list's values too (members by name).
        for key in ("name", "category", "lead_unit", "lead_unit_region", "filing_number"):
            assert shown(record[key], registry), key


def test_every_revocation_value_is_on_the_notice_page(client, world):
    page = page_text(client, "/registry/revocations/")
    records = client.get("/api/v1/revocations/").json()["results"]
    assert [r["decision_number"] for r in records] == ["保科取消〔2026〕3号"]
    assert records[0]["grounds"] and records[0]["filing_number"] == world["revoked"].filing_number
    for record in records:
        for path, value in leaves(record):
            assert shown(value, page), (path, value)


def test_every_award_value_is_on_the_results_page(client, world):
    records = client.get("/api/v1/awards/").json()["results"]
    assert [(r["alliance_name"], r["amount_yuan"]) for r in records] == [("公开联盟", 230000)]
    for record in records:
        page = page_text(client, f"/subsidies/results/{record['round_id']}/")
        for path, value in leaves(record):
            if path == "round_id":
                continue  # the page's own address
            assert shown(value, page), (path, value)
        assert shown(record["amount_yuan"], page_text(client, "/subsidies/results/"))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/alliances/?page_size=100",
        "/api/v1/alliances/?format=csv",
        "/api/v1/revocations/",
        "/api/v1/revocations/?format=csv",
        "/api/v1/awards/",
        "/api/v1/awards/?format=csv",
        "/registry/download.csv",
    ],
)
def test_records_and_fields_not_public_never_appear(client, world, url):
    response = client.get(url)
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8-sig")
    assert "公开联盟" in body or "保科取消" in body
    for secret in SECRETS:
        if secret == "已取消联盟" and "revocations" in url:
            continue  # the notice names the revoked alliance: that is what it publishes
        assert secret not in body, (url, secret)
    assert "170001" not in body  # the award of a round under evaluation


def test_records_not_public_are_404(client, world):
    hidden = Alliance.objects.exclude(status=Alliance.Status.FILED)
    assert hidden.count() == 3
    for alliance in hidden:
        assert client.get(f"/api/v1/alliances/{alliance.pk}/").status_code == 404
