"""The public registry (名录): filed alliances only, public fields only, no login."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from filings.models import Alliance, AllianceMember, Category
from subsidies.models import Award, SubsidyRound
from supervision.models import RevocationCase
from tests.factories import (
    AllianceFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    complete_members,
    eligible_alliance,
    filed_alliance,
    jurisdiction,
    policy_v1,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db

OTHER_COUNTY = "130607"


def names_on(client, url="/registry/", **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def three_states():
    filed = filed_alliance(name="清苑新能源汽车产业技术创新战略联盟")
    unfiled = complete_members(AllianceFactory(name="满城草稿纸业联盟"))
    revoked = filed_alliance(name="涞水已撤销联盟")
    Alliance.objects.filter(pk=revoked.pk).update(status=Alliance.Status.REVOKED)
    return filed, unfiled, revoked


def test_registry_lists_only_filed_alliances(client, three_states):
    html = names_on(client)
    assert "清苑新能源汽车产业技术创新战略联盟" in html
    assert "满城草稿纸业联盟" not in html
    assert "涞水已撤销联盟" not in html


def test_registry_is_the_same_for_logged_in_users(client, three_states):
    client.force_login(MunicipalStaffFactory())
    html = names_on(client)
    assert "清苑新能源汽车产业技术创新战略联盟" in html
    assert "满城草稿纸业联盟" not in html
    assert "涞水已撤销联盟" not in html


def test_list_shows_members_number_date_and_links(client):
    alliance = filed_alliance(name="徐水汽车零部件联盟", filed_on=datetime.date(2025, 3, 9))
    html = names_on(client)
    for member in alliance.members.select_related("organisation"):
        assert member.organisation.name in html
    assert alliance.filing_number in html
    assert "2025-03-09" in html
    assert f"/registry/alliances/{alliance.pk}/" in html
    assert "/subsidies/results/" in html


def test_unfiled_and_revoked_alliance_pages_are_404(client, three_states):
    filed, unfiled, revoked = three_states
    assert client.get(f"/registry/alliances/{filed.pk}/").status_code == 200
    assert client.get(f"/registry/alliances/{unfiled.pk}/").status_code == 404
    assert client.get(f"/registry/alliances/{revoked.pk}/").status_code == 404


def test_search_by_alliance_lead_unit_or_member_name(client):
    by_name = filed_alliance(name="定兴食品产业创新联盟")
    by_lead = filed_alliance(
        name="甲联盟",
        lead_user=LeadUnitUserFactory(organisation=OrganisationFactory(name="长城精工集团")),
    )
    by_member = filed_alliance(name="乙联盟")
    AllianceMember.objects.create(
        alliance=by_member, organisation=OrganisationFactory(name="燕赵光电研究院")
    )
    other = filed_alliance(name="丙联盟")

    html = names_on(client, q="食品")
    assert by_name.name in html and other.name not in html
    html = names_on(client, q="长城精工")
    assert by_lead.name in html and by_name.name not in html and other.name not in html
    html = names_on(client, q="燕赵光电")
    assert by_member.name in html and by_lead.name not in html and other.name not in html
    # A member matching twice must not list its alliance twice.
    AllianceMember.objects.create(
        alliance=by_member, organisation=OrganisationFactory(name="燕赵光电二所")
    )
    assert names_on(client, q="燕赵光电").count(f"/registry/alliances/{by_member.pk}/") == 1


def test_filters_by_category_jurisdiction_and_year(client):
    first = filed_alliance(name="一类联盟甲", filed_on=datetime.date(2023, 5, 1))
    second = filed_alliance(
        name="二类联盟乙",
        category=Category.INDUSTRIAL,
        filed_on=datetime.date(2025, 5, 1),
        lead_user=LeadUnitUserFactory(
            organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
        ),
    )
    html = names_on(client, category=Category.INDUSTRIAL)
    assert second.name in html and first.name not in html
    html = names_on(client, jurisdiction=jurisdiction(OTHER_COUNTY).pk)
    assert second.name in html and first.name not in html
    html = names_on(client, year=2023)
    assert first.name in html and second.name not in html


def test_list_is_ordered_by_filing_date(client):
    later = filed_alliance(name="后备案联盟", filed_on=datetime.date(2025, 1, 1))
    earlier = filed_alliance(name="先备案联盟", filed_on=datetime.date(2022, 1, 1))
    html = names_on(client)
    assert html.index(earlier.name) < html.index(later.name)


def test_list_query_count_does_not_grow_with_rows(client):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/registry/")
        assert response.status_code == 200
        return len(queries), response.content.decode()

    for _ in range(5):
        filed_alliance()  # lead unit + 2 members = 3 members each
    few, _html = count_queries()
    for _ in range(25):
        filed_alliance()
    many, html = count_queries()
    assert html.count("/registry/alliances/") == 25  # a full page of 30 alliances
    assert many == few


def test_no_contact_data_of_lead_unit_is_published(client):
    lead = LeadUnitUserFactory(
        organisation=OrganisationFactory(
            contact_person="赵联络",
            contact_phone="13912345678",
            contact_email="lead-contact@example.test",
            address="保定市莲池区秘密路9号",
        )
    )
    alliance = filed_alliance(
        lead_user=lead,
        office_contact_name="钱办公",
        office_contact_phone="0312-7654321",
        office_contact_email="office@example.test",
    )
    for url in ("/registry/", f"/registry/alliances/{alliance.pk}/"):
        html = names_on(client, url)
        assert alliance.name in html
        for secret in (
            "13912345678",
            "lead-contact@example.test",
            "赵联络",
            "秘密路",
            "0312-7654321",
            "office@example.test",
            "钱办公",
            alliance.office_address,
            lead.email,
        ):
            assert secret not in html, secret


def test_alliance_page_shows_members_with_kind_and_region(client):
    alliance = filed_alliance(name="雄安数字联盟")
    html = names_on(client, f"/registry/alliances/{alliance.pk}/")
    assert "科研机构" in html and "高等学校" in html and "企业" in html
    assert "北京市" in html  # the Beijing institute, outside Baoding's jurisdictions
    assert jurisdiction().name in html
    assert alliance.filing_number in html


def make_case(alliance, state, number):
    staff = MunicipalStaffFactory()
    return RevocationCase.objects.create(
        alliance=alliance,
        grounds=["2", "4"],
        facts="内部调查事实：某成员拖欠经费",
        statement="陈述申辩：我们不同意",
        state=state,
        opened_by=staff,
        statement_deadline=datetime.date(2025, 1, 10),
        decision_reasons="内部决定理由",
        decision_number=number,
        decided_at=timezone.now(),
        policy_version=policy_v1(),
    )


def test_revocation_list_shows_revoked_cases_only(client):
    revoked = filed_alliance(name="已取消联盟")
    Alliance.objects.filter(pk=revoked.pk).update(status=Alliance.Status.REVOKED)
    make_case(revoked, RevocationCase.State.REVOKED, "保科取消〔2025〕7号")
    dismissed = filed_alliance(name="未取消联盟")
    make_case(dismissed, RevocationCase.State.DISMISSED, "保科不予取消〔2025〕8号")

    html = names_on(client, "/registry/revocations/")
    assert "保科取消〔2025〕7号" in html
    assert "已取消联盟" in html and revoked.filing_number in html
    assert "不能按照创新联盟协议（章程）开展创新活动" in html  # Art. 13(2)
    assert "保科不予取消〔2025〕8号" not in html and "未取消联盟" not in html
    # Statements, facts and internal reasons stay internal.
    for internal in ("陈述申辩：我们不同意", "内部调查事实", "内部决定理由"):
        assert internal not in html


def test_awards_appear_only_once_the_round_is_published(client):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, title="2027年度联盟运行经费补贴（测试批次）")
    alliance = eligible_alliance(round_.year, name="阜平中药材联盟")
    application = submitted_application(round_, alliance)
    SubsidyRound.objects.filter(pk=round_.pk).update(state=SubsidyRound.State.EVALUATING)
    Award.objects.create(application=application, amount_yuan=200000, decided_by=staff)
    page = f"/registry/alliances/{alliance.pk}/"

    html = names_on(client, page)
    assert "测试批次" not in html and "200000" not in html

    for state in (SubsidyRound.State.NOTICE, SubsidyRound.State.FINAL):
        SubsidyRound.objects.filter(pk=round_.pk).update(state=state)
        html = names_on(client, page)
        assert "测试批次" in html and "200000" in html


def test_year_choices_are_the_years_with_a_public_filing(client, monkeypatch):
    """Listed by index look-ups, year after year (PostgreSQL) or one probe per year
    between the first and last filing (elsewhere): a year without a filing (2022 here),
    an unfiled or a revoked alliance's year is not offered."""
    from portal.filters_registry import filing_years
    from portal.selectors import public_alliances

    for year in (2020, 2021, 2023):
        filed_alliance(name=f"{year}年联盟", filed_on=datetime.date(year, 3, 1))
    revoked = filed_alliance(name="已取消联盟", filed_on=datetime.date(2024, 3, 1))
    Alliance.objects.filter(pk=revoked.pk).update(status=Alliance.Status.REVOKED)
    assert filing_years(public_alliances()) == [2023, 2021, 2020]
    assert filing_years(public_alliances().none()) == []
    html = names_on(client)
    assert '<option value="2021">2021</option>' in html
    assert '<option value="2022">' not in html and '<option value="2024">' not in html
    monkeypatch.setattr(connection, "vendor", "other")  # the portable way, on this database
    assert filing_years(public_alliances()) == [2023, 2021, 2020]
    assert filing_years(public_alliances().none()) == []


def test_filter_form_keeps_the_choices_and_explains_an_invalid_one(client):
    filed_alliance(name="一类联盟丙", filed_on=datetime.date(2023, 5, 1))
    place = jurisdiction(OTHER_COUNTY)
    html = names_on(client, q="联盟<丙", jurisdiction=place.pk, year="2023", category="nonsense")
    assert 'name="q" value="联盟&lt;丙" class="form-control" id="id_q"' in html
    assert f'<option value="{place.pk}" selected>{place.name}</option>' in html
    assert '<option value="2023" selected>2023</option>' in html
    assert 'class="form-select is-invalid" aria-invalid="true"' in html
    assert 'aria-describedby="id_category_error"' in html
    assert '<div id="id_category_error" class="invalid-feedback">' in html
