"""The keyed lists follow the record's policy version (issue 13): the Art. 8 categories, the
Art. 10 materials and the Art. 12(2) event kinds that a form offers, that a service accepts
and whose titles a page shows are those of the version the record is bound to, not a list
in the code. Version 2 here adds a category, a material and an event kind, and rewords a
category and a change kind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filings import services as filing_services
from filings.conformance import check_conformance, materials_for, missing_materials
from filings.models import Alliance, Filing
from policy import selectors as policy_selectors
from policy import services as policy_services
from policy.models import Category, EventKind, Material
from supervision import services as supervision_services
from supervision.models import AllianceChange, EventReport
from tests.factories import (
    AdminFactory,
    MunicipalStaffFactory,
    draft_filing,
    filed_alliance,
    filing_in_state,
    pdf_upload,
    policy_v1,
    publish_on_time,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
V2_FROM = D(2025, 1, 1)

NEW_CATEGORY = ("digital_economy", "四类：数字经济创新联盟")
V1_INDUSTRIAL = "二类：产业创新联盟"
V2_INDUSTRIAL = "二类：传统产业转型升级创新联盟"
NEW_MATERIAL = ("ip_plan", "联盟知识产权管理方案")
NEW_EVENT_KIND = ("award", "获得省级以上科技奖励")
V1_ADDRESS_CHANGE = "机构办公室地址变迁"
V2_ADDRESS_CHANGE = "联盟工作办公室地址变更"


def version_two(*, drop_categories=(), drop_event_kinds=()):
    """Version 2, in force since 2025 (so today): a copy of version 1 with rows added,
    reworded and (when asked) dropped directly, then published through the service."""
    admin = AdminFactory()
    version = policy_services.version_create(
        by=admin,
        copy_from=policy_v1(),
        data={
            "document_number": "保政办发〔2024〕7号",
            "title": "保定市推进产业创新战略联盟建设实施办法（修订）",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": V2_FROM,
        },
    )
    Category.objects.create(
        version=version,
        number=4,
        key=NEW_CATEGORY[0],
        title=NEW_CATEGORY[1],
        description="围绕数字经济核心产业，推动数据要素与实体经济融合。",
    )
    version.categories.filter(key="industrial").update(title=V2_INDUSTRIAL)
    version.categories.filter(key__in=drop_categories).delete()
    Material.objects.create(
        version=version,
        number=5,
        kind=NEW_MATERIAL[0],
        title=NEW_MATERIAL[1],
        required=True,
        accepted_types=["pdf"],
        max_bytes=10 * 1024 * 1024,
    )
    EventKind.objects.create(
        version=version, number=7, key=NEW_EVENT_KIND[0], title=NEW_EVENT_KIND[1]
    )
    version.event_kinds.filter(key="address_change").update(title=V2_ADDRESS_CHANGE)
    version.event_kinds.filter(key__in=drop_event_kinds).delete()
    return publish_on_time(version, admin)


def _edit_page(client, filing) -> str:
    client.force_login(filing.created_by)
    response = client.get(reverse("filings:edit", args=[filing.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- Art. 8 categories and Art. 10 materials of a filing ------------------------------------


def test_a_new_draft_is_offered_the_new_versions_categories_and_materials(client):
    v2 = version_two()
    filing = draft_filing()
    page = _edit_page(client, filing)

    assert f'<option value="{NEW_CATEGORY[0]}">{NEW_CATEGORY[1]}</option>' in page
    assert f'<option value="industrial">{V2_INDUSTRIAL}</option>' in page
    assert V1_INDUSTRIAL not in page
    assert "围绕数字经济核心产业" in page  # Art. 8 quoted from version 2
    assert NEW_MATERIAL[1] in page
    assert [m.kind for m in materials_for(filing)][-1] == NEW_MATERIAL[0]
    assert missing_materials(filing) == [NEW_MATERIAL[1]]

    # The new category is accepted, saved, and shown with version 2's title.
    filing_services.filing_save_draft(
        filing=filing, by=filing.created_by, data={"category": NEW_CATEGORY[0]}
    )
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    assert alliance.category == NEW_CATEGORY[0]
    assert alliance.category_version == v2
    assert alliance.category_title == NEW_CATEGORY[1]

    # So is the new material; with it the draft is complete and binds to version 2.
    filing_services.material_upload(
        filing=filing, by=filing.created_by, kind=NEW_MATERIAL[0], uploaded=pdf_upload()
    )
    assert missing_materials(filing) == []
    filing_services.filing_submit(filing=filing, by=filing.created_by)
    filing.refresh_from_db()
    assert filing.policy_version == v2
    assert filing.category_title == NEW_CATEGORY[1]
    assert filing.materials.get(kind=NEW_MATERIAL[0]).kind_title == NEW_MATERIAL[1]


def test_a_filing_bound_to_version_one_keeps_version_ones_titles_and_lists(client):
    old = filing_in_state(Filing.State.RETURNED)
    Alliance.objects.filter(pk=old.alliance_id).update(category="industrial")
    version_two()
    old.refresh_from_db()

    assert old.policy_version == policy_v1()
    assert old.category_title == V1_INDUSTRIAL
    assert old.alliance.category_title == V1_INDUSTRIAL
    assert NEW_MATERIAL[0] not in [m.kind for m in materials_for(old)]
    assert missing_materials(old) == []
    assert old.materials.get(kind="charter").kind_title == "创新联盟协议书（章程）"

    page = _edit_page(client, old)
    assert f'<option value="industrial" selected>{V1_INDUSTRIAL}</option>' in page
    assert NEW_CATEGORY[1] not in page and V2_INDUSTRIAL not in page
    assert NEW_MATERIAL[1] not in page

    # A new draft in the same category reads version 2's title.
    new = draft_filing(category="industrial")
    assert new.category_title == new.alliance.category_title == V2_INDUSTRIAL

    # The reviewers' queue and the staff list name the category as the record's version does.
    filing_services.material_upload(
        filing=new, by=new.created_by, kind=NEW_MATERIAL[0], uploaded=pdf_upload()
    )
    filing_services.filing_submit(filing=new, by=new.created_by)
    assert Filing.objects.get(pk=new.pk).policy_version.document_number == "保政办发〔2024〕7号"
    Filing.objects.filter(pk__in=[old.pk, new.pk]).update(state=Filing.State.MUNICIPAL_REVIEW)
    client.force_login(MunicipalStaffFactory())
    queue = client.get(reverse("filings:municipal_queue")).content.decode()
    assert V1_INDUSTRIAL in queue and V2_INDUSTRIAL in queue
    alliances = client.get(reverse("supervision:alliance_list")).content.decode()
    assert V1_INDUSTRIAL in alliances and V2_INDUSTRIAL in alliances


def test_a_category_outside_the_version_is_refused_nothing_saved_input_kept(client):
    old = filing_in_state(Filing.State.RETURNED)  # bound to version 1
    version_two()

    # The service refuses version 2's new category for a filing bound to version 1 …
    with pytest.raises(ValidationError) as refused:
        filing_services.filing_save_draft(
            filing=old, by=old.created_by, data={"category": NEW_CATEGORY[0]}
        )
    assert "不是《保定市推进产业创新战略联盟建设实施办法》" in str(refused.value)
    assert "category" in refused.value.message_dict

    # … and the form does too, keeping what was typed.
    client.force_login(old.created_by)
    before = Alliance.objects.get(pk=old.alliance_id)
    response = client.post(
        reverse("filings:edit", args=[old.pk]),
        {
            "loaded_at": before.updated_at.isoformat(),
            "name": "改过名字的联盟",
            "category": "no_such_category",
            "industry_chain": "改写后的产业创新链及构建任务，二十个字以上的说明文字。",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“no_such_category”不是《保定市推进产业创新战略联盟建设实施办法》" in page
    assert "改过名字的联盟" in page and "改写后的产业创新链" in page
    after = Alliance.objects.get(pk=old.alliance_id)
    assert (after.name, after.category, after.updated_at) == (
        before.name,
        before.category,
        before.updated_at,
    )

    # Submission checks the category against the version it binds to (Art. 9(2)).
    new = draft_filing()
    Alliance.objects.filter(pk=new.alliance_id).update(category="no_such_category")
    alliance = Alliance.objects.get(pk=new.alliance_id)
    goals = next(c for c in check_conformance(alliance, new) if c.key == "goals")
    assert goals.failed and "no_such_category" in goals.failures[0]


def test_a_material_outside_the_filings_version_is_refused():
    old = filing_in_state(Filing.State.RETURNED)  # bound to version 1
    version_two()
    count = old.materials.count()
    with pytest.raises(ValidationError) as refused:
        filing_services.material_upload(
            filing=old, by=old.created_by, kind=NEW_MATERIAL[0], uploaded=pdf_upload()
        )
    assert "“ip_plan”不是《保定市推进产业创新战略联盟建设实施办法》" in str(refused.value)
    assert old.materials.count() == count


def test_a_key_no_version_lists_shows_as_itself():
    alliance = filed_alliance(category="retired_key")
    assert alliance.category_title == "retired_key"
    assert policy_selectors.material_title(policy_v1(), "unknown_kind") == "unknown_kind"
    assert policy_selectors.category_title(None, "industrial") == "industrial"
    assert policy_selectors.category_title(policy_v1(), "") == ""


def test_filters_offer_the_categories_of_every_published_version(client):
    version_two(drop_categories=["strategic"])
    choices = dict(policy_selectors.category_choices())
    # Version 2's order and titles first; a category only version 1 lists stays findable.
    assert list(choices) == ["industrial_technology", "industrial", NEW_CATEGORY[0], "strategic"]
    # A reworded category names both titles, so that the choice matches rows of either.
    assert choices["industrial"] == f"{V2_INDUSTRIAL}（原：二类：产业创新联盟）"
    assert choices["strategic"] == "三类：创新战略联盟"

    strategic = filed_alliance(category="strategic", filed_on=D(2022, 3, 1))  # version 1
    other = filed_alliance(category="industrial", filed_on=D(2025, 3, 1))  # version 2
    page = client.get(reverse("registry:list"), {"category": "strategic"}).content.decode()
    assert strategic.name in page and other.name not in page
    assert "三类：创新战略联盟" in page
    page = client.get(reverse("registry:list")).content.decode()
    assert V2_INDUSTRIAL in page


def test_the_registry_names_each_category_as_its_version_does_without_a_query_per_row(client):
    version_two()
    policy_selectors.published()  # publishing emptied the cache: the versions, read once

    def registry():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("registry:list"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    filed_alliance(category="industrial", filed_on=D(2022, 3, 1))  # before version 2
    filed_alliance(category="industrial", filed_on=D(2025, 3, 1))
    few, page = registry()
    assert V1_INDUSTRIAL in page and V2_INDUSTRIAL in page
    for year in (2021, 2025):
        for _ in range(6):
            filed_alliance(category="industrial", filed_on=D(year, 3, 1))
    many, _page = registry()
    assert many == few


# --- Art. 12(2) event kinds ---------------------------------------------------------------


@pytest.fixture
def lead_and_alliance():
    alliance = filed_alliance()
    return alliance.lead_unit.users.get(), alliance


def _event_data(**data):
    return {
        "kind": NEW_EVENT_KIND[0],
        "title": "联盟荣获省科学技术进步奖",
        "event_date": TODAY - datetime.timedelta(days=2),
        "description": "联盟成员联合完成的项目获得省科学技术进步一等奖。",
        **data,
    }


def test_an_event_of_a_new_kind_is_reported_and_accepted_without_changing_the_record(
    client, lead_and_alliance
):
    version_two()
    lead, alliance = lead_and_alliance
    client.force_login(lead)
    form = client.get(reverse("supervision:event_new", args=[alliance.pk])).content.decode()
    assert f'<option value="{NEW_EVENT_KIND[0]}">{NEW_EVENT_KIND[1]}</option>' in form
    assert f"仅“{V2_ADDRESS_CHANGE}”填写" in form  # a reworded change kind

    before = (
        Alliance.objects.filter(pk=alliance.pk).values().get(),
        list(alliance.members.values_list("organisation_id", "role")),
    )
    report = supervision_services.event_create(alliance=alliance, by=lead, data=_event_data())
    assert not report.is_change
    assert report.kind_title == NEW_EVENT_KIND[1]
    supervision_services.event_submit(report=report, by=lead)
    supervision_services.event_accept(report=report, by=MunicipalStaffFactory())
    report.refresh_from_db()
    assert report.state == EventReport.State.ACCEPTED

    after = (
        Alliance.objects.filter(pk=alliance.pk).values().get(),
        list(alliance.members.values_list("organisation_id", "role")),
    )
    assert after == before
    assert not AllianceChange.objects.filter(alliance=alliance).exists()
    listed = client.get(reverse("supervision:event_list")).content.decode()
    assert NEW_EVENT_KIND[1] in listed


def test_an_event_kind_is_the_version_of_the_event_dates(client, lead_and_alliance):
    version_two()
    lead, alliance = lead_and_alliance
    # Before version 2 took effect the kind did not exist: refused, nothing saved.
    with pytest.raises(ValidationError) as refused:
        supervision_services.event_create(
            alliance=alliance, by=lead, data=_event_data(event_date=D(2024, 12, 20))
        )
    assert "kind" in refused.value.message_dict
    message = refused.value.message_dict["kind"][0]
    # Named by its title, not its key.
    assert "“获得省级以上科技奖励”不是事项发生之日（2024-12-20）施行的" in message
    assert not EventReport.objects.exists()

    # An unknown key is refused on the page, with what was typed kept.
    client.force_login(lead)
    response = client.post(
        reverse("supervision:event_new", args=[alliance.pk]),
        {**_event_data(kind="no_such_kind"), "event_date": TODAY.isoformat()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"“no_such_kind”不是事项发生之日（{TODAY:%Y-%m-%d}）施行的" in page
    assert "《保定市推进产业创新战略联盟建设实施办法（修订）》" in page
    assert "联盟荣获省科学技术进步奖" in page
    assert not EventReport.objects.exists()

    # The same key is titled by each report's own version.
    data = {"kind": "address_change", "new_office_address": "保定市莲池区新址路8号"}
    under_v1 = supervision_services.event_create(
        alliance=alliance, by=lead, data=_event_data(event_date=D(2024, 12, 20), **data)
    )
    under_v2 = supervision_services.event_create(
        alliance=alliance, by=lead, data=_event_data(**data)
    )
    assert under_v1.kind_title == V1_ADDRESS_CHANGE
    assert under_v2.kind_title == V2_ADDRESS_CHANGE
    assert dict(policy_selectors.event_kind_choices())["address_change"] == (
        f"{V2_ADDRESS_CHANGE}（原：机构办公室地址变迁）"
    )


def test_a_version_that_drops_a_change_kind_stops_new_reports_not_old_ones(
    client, lead_and_alliance
):
    lead, alliance = lead_and_alliance
    data = {"kind": "address_change", "new_office_address": "保定市莲池区新址路8号"}
    old = supervision_services.event_create(
        alliance=alliance, by=lead, data=_event_data(event_date=D(2024, 12, 20), **data)
    )
    supervision_services.event_submit(report=old, by=lead)
    version_two(drop_event_kinds=["address_change"])

    client.force_login(lead)
    form = client.get(reverse("supervision:event_new", args=[alliance.pk])).content.decode()
    assert 'value="address_change"' not in form
    assert "section-address_change" not in form
    with pytest.raises(ValidationError):
        supervision_services.event_create(alliance=alliance, by=lead, data=_event_data(**data))

    # The report made under version 1 is still accepted, and still changes the record.
    supervision_services.event_accept(report=old, by=MunicipalStaffFactory())
    alliance.refresh_from_db()
    assert alliance.office_address == "保定市莲池区新址路8号"
    old.refresh_from_db()
    assert old.kind_title == V1_ADDRESS_CHANGE


def test_the_alliance_form_quotes_the_versions_own_art9_wording(client):
    from tests.factories import LeadUnitUserFactory, draft_filing, policy_successor

    policy_successor(
        effective_from=datetime.date(2025, 1, 1),
        conditions=[
            {
                "key": "goals",
                "number": 2,
                "article_text": "围绕保定市主导产业链明确创新任务和量化目标。",
            }
        ],
    )
    lead = LeadUnitUserFactory()
    filing = draft_filing(lead)
    client.force_login(lead)
    page = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert "第九条（二）围绕保定市主导产业链明确创新任务和量化目标。" in page
    assert "产业创新链构建任务明确、目标清晰" not in page
    assert "二、任务与目标（第九条第二项）" in page


def test_a_scheduled_version_renames_no_filter_choice_before_its_first_day():
    from tests.factories import AdminFactory

    admin = AdminFactory()
    scheduled = policy_services.version_create(
        by=admin,
        copy_from=policy_v1(),
        data={
            "document_number": "保政办发〔2031〕1号",
            "title": "保定市推进产业创新战略联盟建设实施办法",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": D(2031, 1, 1),
        },
    )
    scheduled.categories.filter(key="industrial").update(title="二类：将来的名称")
    policy_services.version_publish(version=scheduled, by=admin)
    assert dict(policy_selectors.category_choices())["industrial"] == "二类：产业创新联盟"
