"""Keyboard only (issue 17 item 2; GB/T 37668 / WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): a lead
unit files an alliance and the county bureau recommends it with Tab, Shift+Tab, Enter,
Space and typing — no mouse. At every stop focus must show; every page starts with
“跳到主要内容”; Tab leaves the content and comes round again (no trap).
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from filings.models import Filing, FilingMaterial
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    CountyReviewerFactory,
    draft_filing,
    filed_alliance,
    jurisdiction,
)

from .keyboard import (
    activate,
    assert_focus_visible,
    focused,
    is_focused,
    skip_link_is_first_and_works,
    tab_to,
    walk_round,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOALS = "三年内突破电池管理芯片等关键技术十项，形成团体标准三项。"
OPINION = "符合第九条条件，同意推荐。"


def keyboard_login(page, base, user):
    """The login page puts focus in 用户名 (autofocus); type, Tab, type, Enter."""
    page.goto(f"{base}/accounts/login/")
    assert is_focused(page, "input[name=username]")
    assert_focus_visible(page)
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert is_focused(page, "input[name=password]")
    assert_focus_visible(page)
    page.keyboard.type(PASSWORD)
    activate(page)
    assert page.url == f"{base}/"


def open_file_chooser_with_keyboard(page):
    """Space on the focused file field opens the chooser; Enter does too. Once, on a loaded
    machine, Chromium let a Space pass without opening it (the whole test otherwise passed):
    a user presses again, and so does the test, with Enter — still the keyboard only."""
    for key in ("Space", "Enter"):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press(key)
            return chooser.value
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("neither Space nor Enter opened the file chooser")


def confirm_with_keyboard(page):
    """An irreversible action's confirmation page (core.confirm): Tab to 确定…, Enter."""
    if page.get_by_test_id("confirmation").count():
        skip_link_is_first_and_works(page)
        tab_to(page, "[data-testid=confirm-button]")
        activate(page)


def keyboard_logout(page, base):
    """The user menu is a dropdown: Enter opens it, the arrow keys move through it."""
    tab_to(page, "[data-testid=user-menu]", backwards=True)
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    for _ in range(5):
        assert_focus_visible(page)
        if is_focused(page, ".dropdown-item[type=submit]"):
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["text"] == "退出登录"
    activate(page)
    assert page.url.startswith(f"{base}/accounts/login/")


def test_a_lead_unit_files_and_the_county_recommends_with_the_keyboard_alone(
    page, live_server, tmp_path
):
    base = live_server.url
    filing = draft_filing(name="键盘操作测试产业技术创新战略联盟")
    lead = filing.created_by
    alliance = filing.alliance
    # Left to do in the browser: one field and one material.
    alliance.innovation_goals = ""
    alliance.save(update_fields=["innovation_goals"])
    FilingMaterial.objects.filter(filing=filing, kind="charter").delete()
    charter = tmp_path / "联盟章程.pdf"
    charter.write_bytes(PDF_BYTES)

    # The lead unit: home, its to-do item, the draft.
    keyboard_login(page, base, lead)
    skip_link_is_first_and_works(page)
    tab_to(page, f"[data-testid=todo] a[href='/filings/{filing.pk}/edit/']")
    activate(page)
    assert page.url == f"{base}/filings/{filing.pk}/edit/"

    skip_link_is_first_and_works(page)
    tab_to(page, "textarea[name=innovation_goals]")
    page.keyboard.type(GOALS)
    # The file field opens the file chooser with Space, like a button.
    tab_to(page, "[data-kind=charter] input[type=file]")
    open_file_chooser_with_keyboard(page).set_files(charter)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "上传"
    assert_focus_visible(page)
    activate(page)
    assert FilingMaterial.objects.filter(filing=filing, kind="charter").count() == 1
    # What was typed went with the upload.
    assert page.locator("textarea[name=innovation_goals]").input_value() == GOALS

    tab_to(page, "[data-testid=submit-button]")
    activate(page)
    confirm_with_keyboard(page)
    assert Filing.objects.get(pk=filing.pk).state == Filing.State.COUNTY_REVIEW
    keyboard_logout(page, base)

    # The county bureau: its to-do item, the queue, the filing, 推荐.
    county = CountyReviewerFactory(jurisdiction=jurisdiction(alliance.lead_unit.jurisdiction.code))
    keyboard_login(page, base, county)
    skip_link_is_first_and_works(page)
    tab_to(page, "[data-todo=county_queue] [data-testid=todo-link]")
    activate(page)
    skip_link_is_first_and_works(page)
    tab_to(page, f"tr[data-filing='{filing.pk}'] a")
    activate(page)
    assert re.search(rf"/filings/{filing.pk}/$", page.url)
    skip_link_is_first_and_works(page)
    tab_to(page, "form[data-action=recommend] textarea")
    page.keyboard.type(OPINION)
    page.keyboard.press("Tab")
    assert is_focused(page, "form[data-action=recommend] [type=submit]")
    assert_focus_visible(page)
    activate(page)
    confirm_with_keyboard(page)
    filing.refresh_from_db()
    assert filing.state == Filing.State.MUNICIPAL_REVIEW
    assert filing.county_opinion == OPINION


def test_every_kind_of_control_shows_focus_and_tab_comes_round(page, live_server, monkeypatch):
    """A visitor's registry (navigation links on blue, filters, buttons, links, pages) and
    a lead unit's draft (text, text areas, choices, files): Tab visits every control, each
    shows focus, and after the footer focus comes round to the top (no trap)."""
    from portal.views import registry

    monkeypatch.setattr(registry, "PAGE_SIZE", 2)  # pagination with three alliances
    for n in range(3):
        filed_alliance(name=f"键盘焦点测试联盟{n}")
    page.goto(f"{live_server.url}/registry/")
    kinds = walk_round(page)
    assert {"nav-link", "navbar-brand", "select", "input-text", "button", "a", "page-link"} <= set(
        kinds
    )

    filing = draft_filing(name="键盘焦点测试草稿联盟")
    keyboard_login(page, live_server.url, filing.created_by)
    page.goto(f"{live_server.url}/filings/{filing.pk}/edit/")
    kinds = walk_round(page, limit=600)
    assert {"textarea", "select", "input-file", "input-checkbox", "input-text"} <= set(kinds)
    # And back: Shift+Tab from the content's first control reaches the navigation.
    page.goto(f"{live_server.url}/filings/{filing.pk}/edit/")
    skip_link_is_first_and_works(page)
    page.keyboard.press("Shift+Tab")
    info = assert_focus_visible(page)
    assert not info["inMain"]
