import pytest

from tests.factories import PASSWORD, LeadUnitUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_unit_logs_in_and_sees_the_chinese_home_page(page, live_server):
    user = LeadUnitUserFactory(organisation__name="保定浏览器测试科技有限公司")
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("home-title").inner_text() == "牵头单位工作台"
    assert "保定浏览器测试科技有限公司" in page.content()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    # Bootstrap is served from static/vendor, not a CDN: its CSS has been applied.
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"
    assert console_errors == []
