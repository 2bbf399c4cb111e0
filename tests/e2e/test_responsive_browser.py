"""Phones and laptops (issue 17, item 5): every role's home, a list page and a form page at
390×844 in Chinese and in English, and every role's home at 1,366×768, fit their screen.

On a phone the list tables become cards (static/js/responsive-tables.js) and forms one
column; nothing in <main> may reach past the screen's edge and the page may not scroll
sideways. At 1,366 px the header keeps the notices, the user menu and the language button
on screen (in English the county reviewer's bar once ran 1,000 px past the edge). Every
link of the role's menu is reachable on the phone, and the menu opens and closes from the
keyboard.

A full-page screenshot of each page goes to test-results/responsive/ (git-ignored), or to
$PORTAL_SCREENSHOT_DIR: CI keeps it as an artifact for a person to look at.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.common import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path(
    os.environ.get("PORTAL_SCREENSHOT_DIR")
    or Path(settings.BASE_DIR) / "test-results" / "responsive"
)

# What sticks out: the page's own width, and every element inside ``root`` whose box
# leaves the screen. A table inside a scrolling wrapper counts (it is still wider than the
# phone), unless ``scrolling`` lets a box that scrolls sideways hold it (the Django admin's
# lists); what an ancestor cuts off (overflow: hidden, e.g. the cards' header row, kept
# for screen readers in a 1-pixel box) is not on the screen at all.
OVERFLOW = """({root, scrolling}) => {
  const width = document.documentElement.clientWidth;
  const held = ['hidden', 'clip'].concat(scrolling ? ['auto', 'scroll'] : []);
  const cut = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (held.includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll(`${root} *`)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if ((box.right > width + 1 || box.left < -1) && !cut(el)) {
      const name = el.tagName.toLowerCase() + (el.dataset.testid ? `[${el.dataset.testid}]` : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(`${name} ${Math.round(box.left)}–${Math.round(box.right)}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, out: out.slice(0, 8)};
}"""


@dataclass
class Pages:
    user: object  # None: a visitor
    list: str
    form: str
    # The list page's table, so that a table with rows is measured.
    row_marker: str
    home: str = "/"


def lead_unit():
    lead = f.LeadUnitUserFactory(is_unit_admin=True)
    f.filing_in_state("municipal_review", lead_user=lead)
    long_name = "保定测试氢能与燃料电池汽车关键零部件产业技术创新战略联盟"
    draft = f.draft_filing(lead_user=lead, name=long_name)
    form = reverse("filings:edit", args=[draft.pk])
    return Pages(lead, reverse("filings:mine"), form, "my-filings")


def county_reviewer():
    county = f.CountyReviewerFactory()
    filing = f.filing_in_state("county_review")  # the county's own jurisdiction (130602)
    form = reverse("filings:detail", args=[filing.pk])  # recommend, return, reject
    return Pages(county, reverse("filings:county_queue"), form, "queue")


def municipal_staff():
    staff = f.MunicipalStaffFactory()
    evaluators = [f.EvaluatorFactory(), f.EvaluatorFactory()]
    round_, _, _ = f.scored_application(staff=staff, evaluators=evaluators, scores=[82, 76])
    ranking = reverse("subsidies:ranking", args=[round_.pk])
    return Pages(staff, ranking, reverse("subsidies:round_new"), "ranking")


def evaluator():
    from subsidies import services as subsidy_services

    staff, expert = f.MunicipalStaffFactory(), f.EvaluatorFactory()
    round_ = f.subsidy_round(staff=staff)
    application = f.submitted_application(round_)
    assignment = subsidy_services.assign_evaluator(
        application=application, by=staff, evaluator=expert
    )
    subsidy_services.round_start_evaluation(round_=round_, by=staff)
    form = reverse("subsidies:declare", args=[assignment.pk])
    return Pages(expert, reverse("subsidies:assignment_list"), form, "assignments")


def system_admin():
    form = reverse("portal:policy_new")
    return Pages(f.AdminFactory(), reverse("portal:policy_list"), form, "policy-versions")


def security_admin():
    form = reverse("accounts:password_change")
    return Pages(f.SecurityAdminFactory(), reverse("security:sessions"), form, "session-table")


def auditor():
    f.draft_filing()  # entries in the operation log
    form = reverse("accounts:password_change")
    return Pages(f.AuditorFactory(), reverse("logs:operations"), form, "log-table")


def visitor():
    f.filed_alliance()
    f.filed_alliance(name="保定市新一代信息技术与智能网联汽车产业技术创新战略联盟")
    return Pages(None, reverse("registry:list"), reverse("accounts:register"), "")


ROLES = {
    "public": visitor,
    "lead_unit": lead_unit,
    "county_reviewer": county_reviewer,
    "municipal_staff": municipal_staff,
    "evaluator": evaluator,
    "admin": system_admin,
    "security_admin": security_admin,
    "auditor": auditor,
}


def assert_fits(page, what, *, root="main", scrolling=False):
    found = page.evaluate(OVERFLOW, {"root": root, "scrolling": scrolling})
    assert found["scrollWidth"] <= found["clientWidth"], (what, found)
    assert found["out"] == [], (what, found)


def visit(page, base, path, shot):
    response = page.goto(f"{base}{path}")
    assert response.status == 200, (path, response.status)
    page.wait_for_load_state("load")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def check_laptop_header(page, base, role, language):
    page.set_viewport_size(LAPTOP)
    visit(page, base, "/", f"{role}-{language}-1366-home")
    assert_fits(page, f"{role} {language} 1366 home")
    # The bar's last items: on screen, whole, and not folded behind the menu button.
    names = ["language-button"] + (["inbox-link", "user-menu"] if role != "public" else [])
    for test_id in names:
        item = page.get_by_test_id(test_id)
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= LAPTOP["width"], (test_id, box)
    expect(page.get_by_test_id("menu-button")).to_have_count(0 if role == "public" else 1)
    if role != "public":
        expect(page.get_by_test_id("menu-button")).to_be_hidden()
        expect(page.get_by_test_id("nav-menu")).to_be_visible()
        user_menu_on_screen(page, LAPTOP["width"])


def check_phone_menu(page, role):
    """Every link of the role's menu, the ones in its sub-menus too, opens on screen."""
    if role == "public":
        return
    page.get_by_test_id("menu-button").click()
    menu = page.get_by_test_id("nav-menu")
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bcollapse show\b"))
    toggles = menu.locator("[data-bs-toggle='dropdown']")
    groups = [None] + list(range(toggles.count()))
    for group in groups:
        if group is not None:
            toggles.nth(group).click()
            links = menu.locator(".dropdown-menu.show a")
        else:
            links = menu.locator(":scope > li > a.nav-link:not(.dropdown-toggle)")
        assert links.count() > 0
        for i in range(links.count()):
            expect(links.nth(i)).to_be_visible()
            box = links.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        if group is not None:
            toggles.nth(group).click()  # closed again
    page.get_by_test_id("menu-button").click()
    expect(menu).to_be_hidden()
    user_menu_on_screen(page, PHONE["width"])


def user_menu_on_screen(page, width):
    """The user menu opens over the page and on screen (password change, logout)."""
    page.get_by_test_id("user-menu").click()
    items = page.get_by_test_id("nav-utility").locator(".dropdown-menu.show li")
    expect(items.last).to_be_visible()
    for i in range(items.count()):
        box = items.nth(i).bounding_box()
        if box is not None:  # the role's line shows on a phone only
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    page.keyboard.press("Escape")
    expect(items.last).to_be_hidden()


@pytest.mark.parametrize("role", ROLES)
def test_every_roles_pages_fit_a_phone_and_its_home_a_laptop(role, page, live_server):
    base = live_server.url
    pages = ROLES[role]()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size(PHONE)
    if pages.user is not None:
        log_in(page, base, pages.user)
    for language in ("zh", "en"):
        page.set_viewport_size(PHONE)
        for name in ("home", "list", "form"):
            visit(page, base, getattr(pages, name), f"{role}-{language}-390-{name}")
            assert_fits(page, f"{role} {language} 390 {name}")
            if name == "list" and pages.row_marker:
                table = page.get_by_test_id(pages.row_marker).first
                expect(table).to_be_visible()
                # A card per row: the table is no longer laid out as a grid.
                assert "table-cards" in table.get_attribute("class")
                assert table.locator("tbody td[data-label]").count() > 0
        check_phone_menu(page, role)
        check_laptop_header(page, base, role, language)
        if language == "zh":
            page.get_by_test_id("language-button").click()
            page.wait_for_load_state("load")
            expect(page.locator("html")).to_have_attribute("lang", "en")
    assert errors == []


def test_the_phone_menu_opens_and_closes_with_the_keyboard(page, live_server):
    base = live_server.url
    lead = f.LeadUnitUserFactory(is_unit_admin=True)
    page.set_viewport_size(PHONE)
    log_in(page, base, lead)
    button = page.get_by_test_id("menu-button")
    menu = page.get_by_test_id("nav-menu")
    expect(menu).to_be_hidden()
    # Tab from the portal's name reaches the menu button first (the order on the screen).
    page.locator(".navbar-brand").focus()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    # Opened, not still opening: Bootstrap ignores a second press during the animation.
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bcollapse show\b"))
    # Into the menu: past the notices, the user menu and the language button.
    reports = menu.get_by_role("button", name="报告")
    reports.focus()
    page.keyboard.press("Enter")
    first = menu.get_by_role("link", name="年度工作总结")
    expect(first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Escape")  # closes the sub-menu, back on its button
    expect(first).to_be_hidden()
    expect(reports).to_be_focused()
    button.focus()
    page.keyboard.press("Space")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")


def test_a_table_without_a_header_row_or_marked_off_stays_a_table(page, live_server):
    """The registry's alliance page shows key/value tables (no header row): they are not
    cut into cards of one line each. A table marked data-cards="off" stays a grid too, and
    a table htmx puts in the page later becomes cards like the others."""
    alliance = f.filed_alliance()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('registry:alliance', args=[alliance.pk])}")
    tables = page.locator("main table")
    assert tables.count() > 0
    for i in range(tables.count()):
        table = tables.nth(i)
        has_header = table.locator("thead th").count() > 0
        marked = "table-cards" in (table.get_attribute("class") or "")
        assert marked == has_header
    assert_fits(page, "registry alliance 390")

    # Two tables arriving as htmx would put them in: one marked off, one not.
    page.evaluate("""() => {
      for (const off of [true, false]) {
        const holder = document.createElement('div');
        holder.innerHTML = `<table class="table" data-testid="late-${off ? 'off' : 'on'}"
          ${off ? 'data-cards="off"' : ''}><thead><tr><th>年度</th><th colspan="2">金额</th></tr></thead>
          <tbody><tr><td>2026</td><td>10</td><td>20</td></tr><tr><td colspan="3">合计</td></tr></tbody></table>`;
        document.querySelector('main').append(holder);
        holder.dispatchEvent(new CustomEvent('htmx:load', {bubbles: true}));
      }
    }""")
    off, on = page.get_by_test_id("late-off"), page.get_by_test_id("late-on")
    assert "table-cards" not in off.get_attribute("class")
    assert off.locator("[data-label]").count() == 0
    assert "table-cards" in on.get_attribute("class")
    labels = on.locator("tbody tr").first.locator("td")
    # A header spanning two columns names both; a cell spanning them all has no label.
    assert [labels.nth(i).get_attribute("data-label") for i in range(3)] == ["年度", "金额", "金额"]
    assert on.locator("tbody tr").last.locator("td").get_attribute("data-label") == ""
    assert on.get_attribute("role") == "table"
    assert labels.first.get_attribute("role") == "cell"
    # On the phone the first row is a card: its cells stacked, not side by side.
    first, second = labels.nth(0).bounding_box(), labels.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1


def test_the_administrators_admin_pages_fit_a_phone(page, live_server):
    """The system administrator's Django admin (users, units, counties) at 390×844 in both
    languages: no page scrolls sideways. Django's stylesheet lays its pages out for phones;
    a list of records keeps its grid and scrolls inside its own box (WCAG 1.4.10 leaves
    data tables that need two dimensions out of reflow), so what lies in such a box is not
    counted."""
    base = live_server.url
    admin = f.AdminFactory()
    unit = f.OrganisationFactory(
        name="保定市新一代信息技术与智能网联汽车产业技术创新战略联盟研究院"
    )
    lead = f.LeadUnitUserFactory(organisation=unit)
    page.set_viewport_size(PHONE)
    log_in(page, base, admin)
    paths = [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{lead.pk}/change/",
        "/admin/accounts/organisation/",
        f"/admin/accounts/organisation/{unit.pk}/change/",
        "/admin/accounts/jurisdiction/",
    ]
    for language in ("zh-hans", "en"):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
        )
        for path in paths:
            visit(page, base, path, f"admin-{language}-390-{path.strip('/').replace('/', '-')}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            assert_fits(page, f"admin {language} 390 {path}", root="#content", scrolling=True)
            if language == "zh-hans":
                # Column headers in Chinese (one read "Get full name").
                headers = page.locator("#result_list thead th").all_inner_texts()
                assert not [h for h in headers if re.search("[A-Za-z]{3}", h)], headers
