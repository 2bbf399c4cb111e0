"""适老化 mode in Chromium (issue 17): the switch in the header makes text 1.5 times the
size and high contrast, survives logout, and every role's main pages stay usable at 200 %
zoom — 1366×768 at 200 % is a CSS viewport of 683×384: nothing wider than the window, and
the header's controls (behind the menu button there) reachable with the keyboard.
"""

import pytest

from accounts.preferences import COOKIE
from filings.models import Filing
from tests import factories as f

from .common import log_in, log_out
from .keyboard import skip_link_is_first_and_works, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOOMED = {"width": 683, "height": 384}

LOOK = """() => {
  const body = getComputedStyle(document.body);
  const link = document.querySelector('main a:not(.btn)');
  return {
    elder: document.documentElement.classList.contains('elder'),
    fontSize: parseFloat(body.fontSize),
    color: body.color,
    background: body.backgroundColor,
    navbar: getComputedStyle(document.querySelector('nav.navbar')).backgroundColor,
    linkDecoration: link ? getComputedStyle(link).textDecorationLine : 'underline',
  };
}"""


def switch(page):
    with page.expect_navigation():
        page.get_by_test_id("elder-switch").click()
    page.wait_for_load_state()


def test_the_switch_gives_large_high_contrast_text_and_survives_logout(page, live_server):
    base = live_server.url
    f.filed_alliance(name="适老化测试联盟")  # a link in the page's content
    page.goto(f"{base}/registry/")
    normal = page.evaluate(LOOK)
    assert not normal["elder"]
    switch(page)
    look = page.evaluate(LOOK)
    assert look["elder"]
    assert look["fontSize"] >= 1.5 * normal["fontSize"]
    assert look["color"] == "rgb(0, 0, 0)" and look["background"] == "rgb(255, 255, 255)"
    assert look["navbar"] == "rgb(0, 0, 0)"
    assert "underline" in look["linkDecoration"]
    assert page.get_by_test_id("elder-switch").inner_text() == "退出适老化模式"

    # Switched on while signed out, then logged in: kept, and stored on the account.
    lead = f.LeadUnitUserFactory()
    log_in(page, base, lead)
    assert page.evaluate(LOOK)["elder"]
    lead.refresh_from_db()
    assert lead.elder_mode
    log_out(page, base)
    # Logged out, the login page keeps it (the cookie stayed).
    assert page.evaluate(LOOK)["elder"]
    # Someone else signing in on this browser is not given it: the cookie is the account's.
    other = f.LeadUnitUserFactory()
    log_in(page, base, other)
    assert not page.evaluate(LOOK)["elder"]
    log_out(page, base)
    # A fresh browser (no cookie): at login the account's choice applies.
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    assert not page.evaluate(LOOK)["elder"]
    log_in(page, base, lead)
    assert page.evaluate(LOOK)["elder"]
    assert {c["name"]: c["value"] for c in page.context.cookies()}[COOKIE] == "1"


def _lead():
    lead = f.LeadUnitUserFactory()
    draft = f.draft_filing(lead_user=lead, name="保定市二百倍缩放测试产业技术创新战略联盟")
    return lead, ["/", "/filings/mine/", f"/filings/{draft.pk}/edit/", "/inbox/"]


def _county():
    in_review = f.filing_in_state(Filing.State.COUNTY_REVIEW, lead_user=f.LeadUnitUserFactory())
    county = f.CountyReviewerFactory(jurisdiction=in_review.alliance.lead_unit.jurisdiction)
    return county, ["/", "/filings/review/county/", f"/filings/{in_review.pk}/"]


def _municipal():
    staff = f.MunicipalStaffFactory()
    f.filed_alliance(name="保定市二百倍缩放测试已备案联盟")
    pages = ["/", "/filings/review/municipal/", "/supervision/compliance/", "/subsidies/rounds/"]
    return staff, [*pages, "/subsidies/rounds/new/"]


def _evaluator():
    evaluator = f.EvaluatorFactory()
    staff = f.MunicipalStaffFactory()
    f.scored_application(staff=staff, evaluators=[evaluator], scores=(85,), year=2026)
    return evaluator, ["/", "/subsidies/evaluation/"]


# Each role and its main pages, with records so that lists and forms have rows.
ROLES = {
    "visitor": lambda: (
        None,
        ["/", "/registry/", "/subsidies/results/", "/accounts/login/", "/accounts/register/"],
    ),
    "lead": _lead,
    "county": _county,
    "municipal": _municipal,
    "evaluator": _evaluator,
    "admin": lambda: (f.AdminFactory(), ["/", "/policy/"]),
    "auditor": lambda: (f.AuditorFactory(), ["/", "/logs/operations/", "/logs/logins/"]),
    "security": lambda: (
        f.SecurityAdminFactory(),
        ["/", "/security/sessions/", "/security/lockouts/"],
    ),
}


def header_controls_reachable(page):
    """With the keyboard, back from the content: the 适老化 switch and the language button
    (on the header's own row at this width), and the role's menu behind its button, which
    Enter opens; each inside the window."""
    skip_link_is_first_and_works(page)
    width = page.evaluate("document.documentElement.clientWidth")
    for control in ("[data-testid=elder-switch]", "[data-testid=language-button]"):
        tab_to(page, control, backwards=True)
        box = page.locator(control).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, control
    if page.locator(".navbar-toggler").count():  # signed in: the role's menu
        tab_to(page, ".navbar-toggler", backwards=True)
        page.keyboard.press("Enter")
        page.locator("#nav.show").wait_for()
        tab_to(page, "#nav .nav-link")
        box = page.locator("#nav .nav-link").first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_s_pages_fit_at_200_percent_zoom_in_elder_mode(page, live_server, role):
    base = live_server.url
    user, paths = ROLES[role]()
    page.set_viewport_size(ZOOMED)
    page.context.add_cookies([{"name": COOKIE, "value": "1", "url": base}])
    if user is not None:
        user.elder_mode = True
        user.save(update_fields=["elder_mode"])
        log_in(page, base, user)
    too_wide = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        look = page.evaluate(LOOK)
        assert look["elder"] and look["fontSize"] >= 24, path
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            too_wide.append(f"{path}: {widths[0]} > {widths[1]}")
    assert too_wide == []
    header_controls_reachable(page)
