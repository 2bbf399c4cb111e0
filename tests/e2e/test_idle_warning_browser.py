"""No time limit a user cannot extend (issue 17; GB/T 37668 / WCAG 2.2.1): two minutes
before the 30 idle minutes end the session, a dialog says so and offers 继续使用 and 退出登录.
The browser's clock is Playwright's (``page.clock``): the test moves it on. The server's
clock is real, so where the server's side matters the test moves the session's end instead.
"""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import MunicipalStaffFactory

from .common import log_in
from .keyboard import assert_focus_visible, focused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/filings/review/municipal/"


def session_of(page) -> Session:
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return Session.objects.get(session_key=key)


def idle_on_the_server(key: str, minutes: int) -> None:
    """The session's last request, as the server keeps it, ``minutes`` ago."""
    from django.contrib.sessions.backends.db import SessionStore

    from core.middleware import SessionIdleMiddleware

    store = SessionStore(session_key=key)
    store[SessionIdleMiddleware.KEY] = int(time.time()) - minutes * 60
    store.save()


@pytest.fixture
def idle_page(page, live_server):
    """A municipal staff member on a page, with the browser's clock under the test's hand."""
    assert settings.SESSION_IDLE_MINUTES == 30
    page.clock.install()
    log_in(page, live_server.url, MunicipalStaffFactory(), PAGE)
    return page


def test_the_warning_comes_two_minutes_ahead_with_focus_in_it(idle_page):
    page = idle_page
    dialog = page.get_by_role("alertdialog", name="即将自动退出登录")
    page.clock.fast_forward("27:58")
    page.clock.run_for(1000)
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("00:02")
    expect(dialog).to_be_visible()
    # Focus moved into it, on 继续使用, and shows.
    assert focused(page)["text"] == "继续使用"
    assert_focus_visible(page)
    # The time left, for the eye and (in a live region) for a screen reader.
    countdown = page.get_by_test_id("idle-countdown")
    assert re.fullmatch(r"剩余时间：1分5\d秒", countdown.inner_text())
    announced = page.get_by_test_id("idle-time-left")
    assert announced.get_attribute("aria-live") == "assertive"
    assert re.fullmatch(r"剩余时间：1分5\d秒", announced.inner_text())
    before = countdown.inner_text()
    page.clock.run_for(3000)
    assert countdown.inner_text() != before


def test_continuing_extends_the_session_on_the_server_too(idle_page, live_server):
    page = idle_page
    typed = "尚未保存的文字"
    page.get_by_label("联盟或牵头单位名称、信用代码").fill(typed)
    page.clock.fast_forward("28:30")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    # On the server, too, the session is about to end: in 3 seconds.
    soon = timezone.now() + datetime.timedelta(seconds=3)
    Session.objects.filter(pk=session_of(page).pk).update(expire_date=soon)

    page.keyboard.press("Enter")  # 继续使用 has focus
    expect(dialog).to_be_hidden()
    # Pushed forward at once, not within the minute SessionIdleMiddleware waits.
    assert session_of(page).expire_date >= timezone.now() + datetime.timedelta(minutes=30)
    # Nothing reloaded: what was typed is still there, focus is back where it was.
    assert page.get_by_label("联盟或牵头单位名称、信用代码").input_value() == typed
    # The count starts again: no warning for another 28 minutes.
    page.clock.fast_forward("27:00")
    expect(dialog).to_be_hidden()

    time.sleep(3.5)  # past the session's original end
    page.reload()
    assert page.url == f"{live_server.url}{PAGE}"
    assert page.get_by_test_id("user-menu").count() == 1


def test_not_continuing_ends_the_session_and_the_login_page_says_why(idle_page, live_server):
    page = idle_page
    key = session_of(page).session_key
    page.clock.fast_forward("28:30")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    # The server, whose clock is real, must agree that nothing came in meanwhile.
    idle_on_the_server(key, minutes=30)
    page.clock.fast_forward("01:31")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "由于超过30分钟没有操作，您已自动退出登录" in page.locator("main").inner_text()
    assert not Session.objects.filter(session_key=key).exists()
    # Logging in again leads back to the page the user was on.
    assert page.url.endswith("?next=%2Ffilings%2Freview%2Fmunicipal%2F")


def test_logging_out_from_the_warning(idle_page, live_server):
    page = idle_page
    page.clock.fast_forward("29:00")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def test_another_tab_s_request_counts(idle_page, live_server):
    """Two tabs of one browser share the session: a page loaded in one keeps the other's
    warning away (localStorage)."""
    page = idle_page
    page.clock.fast_forward("20:00")
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    page.clock.fast_forward("09:00")  # 29 minutes for this tab, 9 since the other's load
    page.clock.run_for(1000)
    expect(page.get_by_role("alertdialog")).to_be_hidden()


def test_escape_counts_as_continuing(idle_page):
    page = idle_page
    page.clock.fast_forward("28:30")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    soon = timezone.now() + datetime.timedelta(seconds=30)
    Session.objects.filter(pk=session_of(page).pk).update(expire_date=soon)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()  # once the keep-alive has answered
    assert session_of(page).expire_date >= timezone.now() + datetime.timedelta(minutes=29)
