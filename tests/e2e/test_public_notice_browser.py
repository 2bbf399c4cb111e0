"""A member of the public reads a subsidy round's 公示 (issue 15 item 11): while it runs,
the page proposes ("拟…给予") and says until when, where and by which phone objections
are received; once the round is decided the same page says "已确定" and no longer asks for
objections."""

import datetime

import pytest
import time_machine

from subsidies import services
from tests.factories import MunicipalStaffFactory
from tests.subsidies.test_public_and_export import round_with_awards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "保定市某某路100号科技大厦301室"
PHONE = "0312-5550123"


def test_the_public_reads_the_notice_then_the_decision(page, live_server, settings):
    settings.PORTAL_OBJECTION_ADDRESS = ADDRESS
    settings.PORTAL_OBJECTION_PHONE = PHONE
    base = live_server.url
    staff = MunicipalStaffFactory()
    round_, applications, _ = round_with_awards(staff, title="2026年度补贴", amounts=[400_000])
    last_day = round_.notice_ends_on.strftime("%Y年%-m月%-d日")

    page.goto(f"{base}/subsidies/results/")
    page.get_by_role("link", name="2026年度补贴").click()
    page.wait_for_url(f"{base}/subsidies/results/{round_.pk}/")
    assert "拟对以下" in page.get_by_test_id("round-wording").inner_text()
    box = page.get_by_test_id("how-to-object")
    assert box.is_visible()
    assert page.get_by_test_id("objection-deadline").inner_text() == f"异议受理截止日期：{last_day}"
    assert page.get_by_test_id("objection-address").inner_text() == f"异议受理地址：{ADDRESS}"
    assert page.get_by_test_id("objection-phone").inner_text() == f"联系电话：{PHONE}"
    assert applications[0].alliance.name in page.get_by_test_id("awards").inner_text()

    with time_machine.travel(round_.notice_ends_on + datetime.timedelta(days=1)):
        services.round_finalise(round_=round_, by=staff)
    page.reload()
    wording = page.get_by_test_id("round-wording").inner_text()
    assert "已确定" in wording and "拟" not in page.locator("main").inner_text()
    assert page.get_by_test_id("how-to-object").count() == 0
    assert page.get_by_test_id("status").inner_text() == "已办结"
