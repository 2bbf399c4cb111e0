"""The system administrator's Django admin with a keyboard and a screen reader's ears
(issue 17; what a walk found after the axe crawl passed): the unit select is named by its
label and its choice, the search box and the yes/no icons speak Chinese, and a sorted
column's "stop sorting" link takes the keyboard's focus."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import AdminFactory, LeadUnitUserFactory, OrganisationFactory

from .common import log_in
from .keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_unit_select_is_named_by_its_label_and_its_choice(page, live_server):
    unit = OrganisationFactory(name="保定瑞驰汽车零部件有限公司")
    log_in(page, live_server.url, AdminFactory(), next_url="/admin/")
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    combobox = ".field-organisation .select2-selection[role=combobox]"
    page.wait_for_selector(f"{combobox}[aria-label]")
    expect(page.locator(combobox)).to_have_accessible_name("所属单位")

    tab_to(page, combobox)
    page.keyboard.press("Enter")
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_have_attribute("aria-label", "所属单位")
    page.keyboard.type("瑞驰")
    expect(page.locator(".select2-results__option", has_text=unit.name)).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("#select2-id_organisation-container")).to_contain_text(unit.name)
    # The name Chromium computes (an aria-labelledby to the value's box read its "×").
    expect(page.locator(combobox)).to_have_accessible_name(f"所属单位：{unit.name}")
    # The clear button's "×" is not read out with it.
    expect(
        page.locator("#select2-id_organisation-container .select2-selection__clear")
    ).to_have_attribute("aria-hidden", "true")


def test_the_lists_search_box_and_icons_speak_the_pages_language(page, live_server):
    LeadUnitUserFactory()
    admin = AdminFactory()
    log_in(page, live_server.url, admin, next_url="/admin/")
    for language, search, yes, no in (
        ("zh-hans", "搜索", "是", "否"),
        ("en", "Search", "Yes", "No"),
    ):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/admin/accounts/user/")
        expect(page.get_by_role("textbox", name=search, exact=True)).to_be_visible()
        expect(page.locator("#result_list img[alt]").first).to_have_attribute(
            "alt", re.compile(rf"^({yes}|{no})$")
        )


def test_a_sorted_columns_stop_sorting_link_takes_the_focus(page, live_server):
    LeadUnitUserFactory()
    log_in(page, live_server.url, AdminFactory(), next_url="/admin/")
    page.goto(f"{live_server.url}/admin/accounts/user/?o=3.1")
    remove = page.locator("#result_list thead th.sorted a.sortremove").first
    expect(remove).to_be_visible()
    # Django's stylesheet draws it as a "\\": it is named in words.
    expect(remove).to_have_accessible_name("不按此列排序")
    page.locator("#searchbar").focus()
    tab_to(page, "#result_list thead th.sorted a.sortremove")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "o=3.1" not in url)
