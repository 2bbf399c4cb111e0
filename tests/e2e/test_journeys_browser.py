"""Problems a real user hit while walking the release through the UI (QA journeys).

Each test drives Chromium the way the user did; the set-up uses the services and factories.
"""

import datetime

import pytest
from django.urls import reverse

from filings.models import Alliance, Category
from subsidies.models import SubsidyRound
from tests.factories import (
    PASSWORD,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    draft_filing,
    filed_alliance,
    scored_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, next_url="/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_registry_search_by_category_keeps_alliances_filed_in_earlier_years(page, live_server):
    """A visitor picks 联盟类别 and clicks 查询: the form also sent 备案年度, preselected to
    the latest year with no 'all' choice, so alliances filed earlier silently vanished."""
    filed_alliance(
        name="二类早年联盟", category=Category.INDUSTRIAL, filed_on=datetime.date(2021, 5, 1)
    )
    filed_alliance(
        name="二类今年联盟", category=Category.INDUSTRIAL, filed_on=datetime.date(2026, 5, 1)
    )
    filed_alliance(
        name="一类今年联盟",
        category=Category.INDUSTRIAL_TECHNOLOGY,
        filed_on=datetime.date(2026, 6, 1),
    )
    page.goto(f"{live_server.url}/registry/")
    page.get_by_label("联盟类别").select_option(Category.INDUSTRIAL)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    shown = page.locator("main").inner_text()
    assert "二类早年联盟" in shown and "二类今年联盟" in shown
    assert "一类今年联盟" not in shown
    # Choosing a year still narrows the list.
    page.get_by_label("备案年度").select_option("2021")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    shown = page.locator("main").inner_text()
    assert "二类早年联盟" in shown and "二类今年联盟" not in shown


def test_staff_reach_the_dossier_and_provincial_recommendation_from_the_alliance_page(
    page, live_server
):
    """docs/guide-municipal.md: the alliance page has “推荐至省级” and “生成档案包”. No page
    links to either, so staff cannot reach them without typing a URL."""
    alliance = filed_alliance(name="档案包测试联盟")
    staff = MunicipalStaffFactory()
    url = reverse("supervision:alliance_detail", args=[alliance.pk])
    log_in(page, live_server, staff, url)
    dossier = reverse("portal:dossier_new", args=[alliance.pk])
    recommend = reverse("recommendations:new", args=[alliance.pk])
    assert page.locator(f"form[action='{dossier}'] button, a[href='{dossier}']").count() == 1
    assert page.locator(f"a[href='{recommend}']").count() == 1
    page.locator(f"form[action='{dossier}'] button, a[href='{dossier}']").click()
    page.wait_for_load_state()
    assert "/exports/" in page.url


def test_a_closed_round_keeps_its_ranking_when_an_evaluator_unit_joins_later(page, live_server):
    """A member change accepted after a round was finalised rewrote that round's ranking:
    the evaluator's score left the average (the awarded alliance's 评审得分 changed), the
    page asked staff to assign a replacement for a finished round, and the evaluator lost
    access to a score sheet of a decided round. Recusal concerns rounds still evaluated."""
    staff = MunicipalStaffFactory()
    evaluators = [EvaluatorFactory(last_name="早", first_name="评"), EvaluatorFactory()]
    round_, application, assignments = scored_application(
        staff=staff, evaluators=evaluators, scores=(90, 70), year=2026
    )
    # The round was decided long ago (publishing and the notice period are not the point).
    SubsidyRound.objects.filter(pk=round_.pk).update(state=SubsidyRound.State.FINAL)
    # Months later the first evaluator's unit joins the alliance (accepted member change).
    application.alliance.members.create(
        organisation=evaluators[0].organisation, task_division="新成员", charter_signed=True
    )

    log_in(page, live_server, staff, reverse("subsidies:ranking", args=[round_.pk]))
    row = page.locator("main table tbody tr").first
    assert page.get_by_test_id("recused").count() == 0
    assert "须回避" not in page.locator("main").inner_text()
    assert "80.00" in row.inner_text()  # (90 + 70) / 2, as when the round was decided

    page.context.clear_cookies()
    log_in(page, live_server, evaluators[0], reverse("subsidies:assignment_list"))
    assert "需回避" not in page.locator("main").inner_text()
    sheet = reverse("subsidies:score_sheet", args=[assignments[0].pk])
    assert page.goto(f"{live_server.url}{sheet}").status == 200


def test_two_tabs_editing_the_same_draft_do_not_silently_lose_a_change(page, live_server):
    """Two people of a lead unit (or one person in two tabs) edit the same draft: the second
    “保存草稿” overwrote the first one's change without a word. The second save must be
    refused with “该记录已被他人修改” and keep what the first saved."""
    lead = LeadUnitUserFactory()
    filing = draft_filing(lead_user=lead, name="两个标签页的联盟")
    url = reverse("filings:edit", args=[filing.pk])
    log_in(page, live_server, lead, url)
    other = page.context.new_page()
    other.goto(f"{live_server.url}{url}")

    first_goals = "标签页一写入的创新目标：三年内突破关键技术十项，形成团体标准三项。"
    page.get_by_label("创新目标").fill(first_goals)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.locator("body").inner_text()

    other.get_by_label("决策机构").fill("标签页二写入的决策机构：理事会每年召开两次会议。")
    other.get_by_role("button", name="保存草稿").click()
    other.wait_for_load_state()
    assert "该记录已被他人修改" in other.locator("body").inner_text()
    assert Alliance.objects.get(pk=filing.alliance.pk).innovation_goals == first_goals


def test_the_lead_units_navigation_fits_a_laptop_screen(page, live_server):
    """The walk: with 参加的联盟 (and its badge) and 单位用户 the lead unit's bar was 1,288 px
    wide at 1,280 px and pushed the language button off-screen. They share one menu now."""
    from filings import services as filing_services

    lead = LeadUnitUserFactory(is_unit_admin=True)
    # Another lead unit added it to its draft: the badge of a membership to confirm.
    other = LeadUnitUserFactory()
    filing_services.member_add(
        filing=draft_filing(lead_user=other),
        by=other,
        organisation=lead.organisation,
        role="member",
        task_division="联合攻关",
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, lead)
    assert page.get_by_test_id("nav-unit-menu").inner_text().endswith("1")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
    page.get_by_test_id("nav-unit-menu").click()
    page.get_by_test_id("nav-unit-users").click()
    page.wait_for_url(f"{live_server.url}/accounts/unit/")
