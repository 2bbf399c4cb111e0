"""Art. 17: the municipal bureau recommends filed alliances to the province and exports them."""

import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEntry
from filings.models import Alliance
from supervision.models import ProvincialRecommendation
from supervision.services.recommendations import recommendation_create
from tests.factories import (
    AdminFactory,
    AllianceFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    complete_members,
    filed_alliance,
)

pytestmark = pytest.mark.django_db

FILING = ProvincialRecommendation.Kind.PROVINCIAL_FILING
PROGRAMME = ProvincialRecommendation.Kind.PROVINCIAL_PROGRAMME
HEADERS = [
    "联盟名称",
    "类别",
    "牵头单位",
    "统一社会信用代码",
    "所在县（市、区）",
    "成员单位数",
    "备案编号",
    "备案日期",
    "推荐类型",
    "推荐日期",
    "推荐说明",
]


def new_url(alliance):
    return f"/supervision/recommendations/alliances/{alliance.pk}/new/"


@pytest.fixture
def staff():
    return MunicipalStaffFactory()


@pytest.fixture
def recommended(staff):
    """Three recommendations of two alliances, on different dates and of both kinds."""
    a = filed_alliance(name="保定电力装备产业技术创新战略联盟", filed_on=datetime.date(2023, 4, 2))
    b = filed_alliance(name="保定氢能产业技术创新战略联盟", filed_on=datetime.date(2024, 8, 20))
    rows = [
        recommendation_create(
            alliance=a,
            by=staff,
            kind=FILING,
            note="运行规范",
            recommended_on=datetime.date(2025, 3, 1),
        ),
        recommendation_create(
            alliance=b,
            by=staff,
            kind=PROGRAMME,
            note="牵头申报省重点研发计划",
            recommended_on=datetime.date(2025, 6, 1),
        ),
        recommendation_create(
            alliance=a,
            by=staff,
            kind=PROGRAMME,
            note="再次推荐",
            recommended_on=datetime.date(2026, 1, 5),
        ),
    ]
    return {"a": a, "b": b, "rows": rows}


def test_staff_marks_a_filed_alliance_with_an_audit_entry(client, staff):
    alliance = filed_alliance()
    client.force_login(staff)
    page = client.get(new_url(alliance))
    assert page.status_code == 200
    assert timezone.localdate().isoformat() in page.content.decode()  # default date: today

    response = client.post(
        new_url(alliance),
        {"kind": FILING, "note": "联盟运行成效突出", "recommended_on": "2026-02-03"},
    )
    assert response.status_code == 302
    recommendation = ProvincialRecommendation.objects.get()
    assert recommendation.alliance == alliance
    assert recommendation.kind == FILING
    assert recommendation.recommended_on == datetime.date(2026, 2, 3)
    assert recommendation.recommended_by == staff
    entry = AuditEntry.objects.for_object(alliance).get(action="recommend_provincial")
    assert entry.actor == staff and entry.reason == "联盟运行成效突出"


def test_the_system_administrator_does_not_recommend(client):
    """三员分立: the system administrator keeps accounts and policy, not business records."""
    alliance = filed_alliance()
    client.force_login(AdminFactory())
    response = client.post(
        new_url(alliance), {"kind": PROGRAMME, "note": "推荐", "recommended_on": "2026-02-03"}
    )
    assert response.status_code == 403
    assert not ProvincialRecommendation.objects.filter(alliance=alliance).exists()


def test_missing_note_is_an_error_next_to_the_field_and_input_is_kept(client, staff):
    alliance = filed_alliance()
    client.force_login(staff)
    response = client.post(
        new_url(alliance), {"kind": PROGRAMME, "note": "  ", "recommended_on": "2026-02-03"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["请填写推荐说明。"]
    html = response.content.decode()
    assert 'value="2026-02-03"' in html
    assert re.search(rf'value="{PROGRAMME}"[^>]*checked', html)
    assert not ProvincialRecommendation.objects.exists()


@pytest.mark.parametrize("status", [Alliance.Status.UNFILED, Alliance.Status.REVOKED])
def test_unfiled_or_revoked_alliance_cannot_be_recommended(client, staff, status):
    alliance = complete_members(AllianceFactory(name="未备案测试联盟"))
    Alliance.objects.filter(pk=alliance.pk).update(status=status)
    client.force_login(staff)
    assert "只有已备案的联盟可以推荐至省级" in client.get(new_url(alliance)).content.decode()
    response = client.post(
        new_url(alliance), {"kind": FILING, "note": "推荐", "recommended_on": "2026-02-03"}
    )
    assert response.status_code == 200
    assert "只有已备案的联盟可以推荐至省级" in " ".join(response.context["form"].non_field_errors())
    assert not ProvincialRecommendation.objects.exists()
    assert not AuditEntry.objects.filter(action="recommend_provincial").exists()


def test_service_refuses_other_roles():
    alliance = filed_alliance()
    for user in (LeadUnitUserFactory(), CountyReviewerFactory(), EvaluatorFactory()):
        with pytest.raises(PermissionDenied):
            recommendation_create(
                alliance=alliance,
                by=user,
                kind=FILING,
                note="推荐",
                recommended_on=datetime.date(2026, 1, 1),
            )
    assert not ProvincialRecommendation.objects.exists()


@pytest.mark.parametrize("factory", [LeadUnitUserFactory, CountyReviewerFactory, EvaluatorFactory])
def test_other_roles_get_403_everywhere(client, factory):
    alliance = filed_alliance()
    user = factory()
    if factory is LeadUnitUserFactory:
        alliance = filed_alliance(lead_user=user)  # even the alliance's own lead unit
    client.force_login(user)
    base = "/supervision/recommendations/"
    for url in (
        base,
        base + "candidates/",
        new_url(alliance),
        base + "export.xlsx",
        base + "export.pdf",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        new_url(alliance), {"kind": FILING, "note": "推荐", "recommended_on": "2026-02-03"}
    )
    assert response.status_code == 403
    assert not ProvincialRecommendation.objects.exists()


def test_anonymous_is_sent_to_login(client):
    alliance = filed_alliance()
    base = "/supervision/recommendations/"
    for url in (
        base,
        base + "candidates/",
        new_url(alliance),
        base + "export.xlsx",
        base + "export.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_list_filters_by_kind_and_year_and_links_to_alliances(client, staff, recommended):
    client.force_login(staff)
    html = client.get("/supervision/recommendations/").content.decode()
    assert f"/supervision/alliances/{recommended['a'].pk}/" in html
    assert "/supervision/recommendations/export.xlsx" in html
    page = client.get("/supervision/recommendations/", {"kind": FILING})
    assert [r.pk for r in page.context["page_obj"]] == [recommended["rows"][0].pk]
    page = client.get("/supervision/recommendations/", {"year": 2025})
    assert {r.pk for r in page.context["page_obj"]} == {r.pk for r in recommended["rows"][:2]}
    # The export buttons carry the filters.
    assert "export.xlsx?year=2025" in page.content.decode()


def sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.getvalue())).active


def test_excel_rows_equal_the_database(client, staff, recommended):
    client.force_login(staff)
    response = client.get("/supervision/recommendations/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" + quote("保定市推荐省级产业技术创新联盟名单") in disposition
    rows = list(sheet(response).iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    got = sorted((r[0], r[7].date(), r[9].date(), r[8], r[10], r[5]) for r in rows[1:])
    expected = sorted(
        (
            rec.alliance.name,
            rec.alliance.filed_on,
            rec.recommended_on,
            rec.get_kind_display(),
            rec.note,
            rec.alliance.members.count(),
        )
        for rec in ProvincialRecommendation.objects.select_related("alliance")
    )
    assert got == expected
    lead = recommended["a"].lead_unit
    row_a = next(r for r in rows[1:] if r[0] == recommended["a"].name)
    assert row_a[2] == lead.name and row_a[3] == lead.uscc and row_a[4] == lead.jurisdiction.name
    assert row_a[6] == recommended["a"].filing_number


def test_excel_respects_the_list_filters(client, staff, recommended):
    client.force_login(staff)
    rows = list(
        sheet(
            client.get("/supervision/recommendations/export.xlsx", {"kind": PROGRAMME})
        ).iter_rows(values_only=True)
    )
    expected = ProvincialRecommendation.objects.filter(kind=PROGRAMME)
    assert sorted((r[0], r[9].date()) for r in rows[1:]) == sorted(
        (rec.alliance.name, rec.recommended_on) for rec in expected
    )
    assert len(rows) - 1 == expected.count() == 2


def test_excel_headers_are_chinese_even_in_english(client, staff, recommended):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    rows = list(
        sheet(client.get("/supervision/recommendations/export.xlsx")).iter_rows(values_only=True)
    )
    assert list(rows[0]) == HEADERS


def test_pdf_lists_the_recommended_alliances(client, staff, recommended, cjk_font):
    client.force_login(staff)
    response = client.get("/supervision/recommendations/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "filename*=utf-8''" + quote("保定市推荐省级产业技术创新联盟名单")
        in response["Content-Disposition"]
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.getvalue())).pages)
    compact = "".join(text.split())
    assert "保定市推荐省级产业技术创新联盟名单" in compact
    assert recommended["a"].name in compact and recommended["b"].name in compact
    # Filtered like the list: only the 2026 row (alliance A).
    response = client.get("/supervision/recommendations/export.pdf", {"year": 2026})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.getvalue())).pages)
    compact = "".join(text.split())
    assert recommended["a"].name in compact and recommended["b"].name not in compact


def test_the_year_filter_offers_all_years_so_filtering_by_kind_keeps_every_year(
    client, staff, recommended
):
    """Without a blank year choice the browser sent the latest year with every filter:
    filtering by kind through the form hid the earlier years' recommendations."""
    client.force_login(staff)
    html = client.get("/supervision/recommendations/").content.decode()
    options = re.findall(r'<option value="([^"]*)"[^>]*>', html.split('name="year"')[1])
    assert options[:3] == ["", "2026", "2025"]
    # What the browser submits after choosing only a kind: the year left blank.
    page = client.get("/supervision/recommendations/", {"kind": PROGRAMME, "year": ""})
    assert {r.pk for r in page.context["page_obj"]} == {
        recommended["rows"][1].pk,
        recommended["rows"][2].pk,
    }


def test_the_list_leads_to_the_alliances_that_may_be_recommended(
    client, staff, recommended, django_assert_max_num_queries
):
    """Art. 17 from the list: 新增推荐 opens the filed alliances (not a revoked one), each
    with last year's summary and earlier recommendations, and a 推荐 button to the form."""
    revoked = filed_alliance(name="已取消备案的联盟")
    Alliance.objects.filter(pk=revoked.pk).update(status=Alliance.Status.REVOKED)
    client.force_login(staff)
    listing = client.get("/supervision/recommendations/").content.decode()
    assert 'href="/supervision/recommendations/candidates/"' in listing
    with django_assert_max_num_queries(12):
        html = client.get("/supervision/recommendations/candidates/").content.decode()
    assert "已取消备案的联盟" not in html
    for key in ("a", "b"):
        assert f'href="{new_url(recommended[key])}"' in html
    a_row = re.search(r"<tr>\s*<td><a [^>]*>保定电力装备[^<]*</a>.*?</tr>", html, re.S).group(0)
    assert "2次，最近2026-01-05" in a_row and "未提交" in a_row
    narrowed = client.get("/supervision/recommendations/candidates/", {"q": "氢能"})
    assert new_url(recommended["b"]) in narrowed.content.decode()
    assert new_url(recommended["a"]) not in narrowed.content.decode()


def test_the_candidates_page_does_not_grow_in_queries(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = "/supervision/recommendations/candidates/"
    filed_alliance()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(5):
        filed_alliance()
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six.captured_queries) == len(one.captured_queries)


def test_a_candidate_filed_after_last_year_owes_no_summary(client, staff):
    """The candidates page said 未提交 for an alliance filed this year (the walk): what is
    owed comes from the one rule the summaries pages use."""
    this_year = timezone.localdate().year
    filed_alliance(name="今年备案的联盟", filed_on=datetime.date(this_year, 1, 2))
    filed_alliance(name="早年备案的联盟", filed_on=datetime.date(this_year - 3, 1, 2))
    client.force_login(staff)
    html = client.get("/supervision/recommendations/candidates/").content.decode()
    new_row = re.search(r"今年备案的联盟</a>.*?</tr>", html, re.S).group(0)
    old_row = re.search(r"早年备案的联盟</a>.*?</tr>", html, re.S).group(0)
    assert "无需提交" in new_row and "未提交" not in new_row
    assert "未提交" in old_row
