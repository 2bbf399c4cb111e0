"""The open-data API (portal.api): read only, paginated, filterable like the registry,
JSON and CSV, rate-limited, with a valid OpenAPI schema and a documentation page."""

import csv
import datetime
import io

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from filings.models import Category
from tests.factories import (
    LeadUnitUserFactory,
    OrganisationFactory,
    filed_alliance,
    jurisdiction,
)

pytestmark = pytest.mark.django_db

OTHER_COUNTY = "130607"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_alliances_are_paginated_25_a_page_with_page_size_up_to_100(client):
    for i in range(27):
        filed_alliance(name=f"分页联盟{i:02d}")
    first = client.get("/api/v1/alliances/").json()
    assert first["count"] == 27 and len(first["results"]) == 25
    assert first["next"].endswith("/api/v1/alliances/?page=2") and first["previous"] is None
    second = client.get("/api/v1/alliances/", {"page": 2}).json()
    assert [r["name"] for r in second["results"]] == ["分页联盟25", "分页联盟26"]
    assert len(client.get("/api/v1/alliances/", {"page_size": 500}).json()["results"]) == 27
    missing = client.get("/api/v1/alliances/", {"page": 9})
    assert missing.status_code == 404 and "无效页面" in missing.json()["detail"]


def test_alliances_filter_like_the_registry(client):
    first = filed_alliance(name="一类联盟甲", filed_on=datetime.date(2023, 5, 1))
    second = filed_alliance(
        name="二类联盟乙",
        category=Category.INDUSTRIAL,
        filed_on=datetime.date(2025, 5, 1),
        lead_user=LeadUnitUserFactory(
            organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
        ),
    )
    url = "/api/v1/alliances/"
    assert names(client.get(url, {"category": Category.INDUSTRIAL})) == [second.name]
    assert names(client.get(url, {"jurisdiction": jurisdiction(OTHER_COUNTY).pk})) == [second.name]
    assert names(client.get(url, {"year": 2023})) == [first.name]
    member = second.members.exclude(organisation=second.lead_unit).first().organisation
    assert second.name in names(client.get(url, {"q": member.name}))
    refused = client.get(url, {"year": 1999})
    assert refused.status_code == 400 and "year" in refused.json()


def test_csv_is_utf8_with_bom_and_flattens_members(client):
    alliance = filed_alliance(name='=HYPERLINK("http://evil.example")联盟')
    response = client.get("/api/v1/alliances/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="alliances.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "'" + alliance.name  # a formula is never live in Excel
    assert row["filing_number"] == alliance.filing_number
    for member in alliance.members.select_related("organisation"):
        assert member.organisation.name in row["members"]
    # The same content negotiated by the Accept header.
    by_header = client.get("/api/v1/alliances/", headers={"accept": "text/csv"})
    assert by_header.content == response.content


def test_detail_and_404_for_a_record_that_is_not_public(client):
    alliance = filed_alliance(name="详情联盟")
    data = client.get(f"/api/v1/alliances/{alliance.pk}/").json()
    assert data["name"] == "详情联盟" and "industry_chain" in data and "filed_under" in data
    missing = client.get("/api/v1/alliances/999999/")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到。"


@pytest.mark.parametrize(
    "url", ["/api/v1/alliances/", "/api/v1/revocations/", "/api/v1/awards/", "/api/schema/"]
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_refused(client, url, method):
    response = getattr(client, method)(url, {"name": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert "GET" in response["Allow"] and "POST" not in response["Allow"]


def test_write_methods_on_a_record_are_refused(client):
    alliance = filed_alliance()
    url = f"/api/v1/alliances/{alliance.pk}/"
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 405
    assert client.head(url).status_code == 200
    assert client.options(url).status_code == 200


@override_settings(PORTAL_API_RATE="3/min")
def test_anonymous_rate_limit_answers_429_in_chinese(client):
    for _ in range(3):
        assert client.get("/api/v1/awards/").status_code == 200
    refused = client.get("/api/v1/awards/")
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.json()["detail"]
    assert "秒后重试" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    # Per client address: another address is not refused.
    assert client.get("/api/v1/awards/", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_schema_is_valid_openapi_in_chinese(client):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["info"]["title"] == "保定市产业创新战略联盟开放数据接口"
    assert set(schema["paths"]) == {
        "/api/v1/alliances/",
        "/api/v1/alliances/{id}/",
        "/api/v1/revocations/",
        "/api/v1/awards/",
    }
    for path in schema["paths"].values():
        assert set(path) <= {"get", "parameters"}  # nothing but reading
    assert schema["paths"]["/api/v1/awards/"]["get"]["summary"] == "联盟运行经费补贴结果"


def test_docs_page_renders_with_local_assets_and_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "开放数据接口文档" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/js/api-docs.js" in html
    assert "<script>" not in html and "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # Each asset is a local static file (served under /static/; the browser test loads them).
    for asset in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "js/api-docs.js",
    ):
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset


@pytest.mark.parametrize("url", ["/api/v1/alliances/", "/api/v1/revocations/", "/api/v1/awards/"])
def test_endpoints_answer_when_empty(client, url):
    data = client.get(url).json()
    assert data == {"count": 0, "next": None, "previous": None, "results": []}


def _revoked_notice(staff, policy):
    from filings.models import Alliance
    from supervision.models import RevocationCase
    from tests.portal.test_registry import make_case

    alliance = filed_alliance()
    Alliance.objects.filter(pk=alliance.pk).update(status=Alliance.Status.REVOKED)
    make_case(alliance, RevocationCase.State.REVOKED, f"保科取消〔2026〕{alliance.pk}号")


def _award(staff, round_):
    from subsidies.models import Award
    from tests.factories import eligible_alliance, submitted_application

    application = submitted_application(round_, eligible_alliance(round_.year))
    Award.objects.create(application=application, amount_yuan=100000, decided_by=staff)


@pytest.mark.parametrize("endpoint", ["alliances", "revocations", "awards"])
def test_list_query_count_does_not_grow_with_rows(client, endpoint, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from subsidies.models import SubsidyRound
    from tests.factories import MunicipalStaffFactory, policy_v1, subsidy_round

    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)

    def add(n):
        for _ in range(n):
            if endpoint == "alliances":
                filed_alliance()
            elif endpoint == "revocations":
                _revoked_notice(staff, policy_v1())
            else:
                _award(staff, round_)
        SubsidyRound.objects.filter(pk=round_.pk).update(state=SubsidyRound.State.FINAL)

    url = f"/api/v1/{endpoint}/"
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).json()["count"] == 2
    SubsidyRound.objects.filter(pk=round_.pk).update(state=SubsidyRound.State.OPEN)
    add(12)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(url).json()["results"]) == 14
    with django_assert_max_num_queries(len(few)):
        assert client.get(url, {"format": "csv"}).status_code == 200
