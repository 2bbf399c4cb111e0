"""The system administrator puts a successor of the 2018 measures into the portal (issue 13):
a draft copied from version 1 with a later summary due date and a new Art. 9 condition that
the lead unit declares; a bad condition is refused and what was typed kept; publication
after a page that states its consequences. The lapsed-measures banner shows until the new
version's first day; from then on new filings follow it, and a filing submitted before
still shows version 1."""

import datetime
import zoneinfo

import pytest
import time_machine

from filings.models import Filing
from policy import selectors
from policy.models import PolicyVersion
from tests.e2e.common import log_in, log_out
from tests.factories import (
    AdminFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    draft_filing,
    filing_in_state,
    policy_v1,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BANNER = "policy-banner"


def test_an_administrator_puts_version_two_in_force(page, live_server):
    base = live_server.url
    admin, staff, lead = AdminFactory(), MunicipalStaffFactory(), LeadUnitUserFactory()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    v1 = policy_v1()

    with time_machine.travel(datetime.datetime(2027, 1, 11, 9, 0, tzinfo=SHANGHAI)):
        # Before: version 1 lapsed in 2023 and is still applied; staff see the banner.
        log_in(page, base, admin)
        assert page.get_by_test_id(BANNER).is_visible()
        page.get_by_test_id("policy-link").click()
        page.get_by_test_id("policy-new").click()
        assert page.locator("#id_copy_from").input_value() == str(v1.pk)
        page.locator("#id_document_number").fill("保政办发〔2027〕3号")
        page.locator("#id_title").fill("保定市推进产业创新战略联盟建设实施办法")
        page.locator("#id_issuing_body").fill("保定市人民政府办公厅")
        page.locator("#id_effective_from").fill("2027-02-01")
        page.locator("#id_summary_due_month").fill("4")
        page.locator("#id_summary_due_day").fill("30")
        page.get_by_test_id("version-save").click()
        page.wait_for_url(f"{base}/policy/*/")
        v2 = PolicyVersion.objects.get(document_number="保政办发〔2027〕3号")
        assert v2.state == "draft" and (v2.summary_due_month, v2.summary_due_day) == (4, 30)
        assert "4" in page.get_by_test_id("parameters").inner_text()

        # A new Art. 9 condition the code cannot check: the lead unit declares it. The
        # first try has no article text: refused, and what was typed is kept.
        page.get_by_test_id("add-conditions").click()
        page.locator("#id_key").fill("data_security")
        page.locator("#id_number").fill("8")
        page.locator("#id_title").fill("数据安全承诺")
        page.locator("#id_evidence").fill("牵头单位声明遵守数据安全管理规定")
        page.locator("#id_check_key").select_option("declaration")
        page.get_by_test_id("part-save").click()
        assert page.locator("#id_title").input_value() == "数据安全承诺"
        assert page.locator("#id_article_text").get_attribute("aria-invalid") == "true"
        assert not v2.conditions.filter(key="data_security").exists()
        page.locator("#id_article_text").fill("联盟成员承诺遵守数据安全和保密管理规定。")
        page.get_by_test_id("part-save").click()
        page.wait_for_url(f"{base}/policy/{v2.pk}/#conditions")
        assert "数据安全承诺" in page.get_by_test_id("list-conditions").inner_text()

        # The checklist a lead unit will see under the draft.
        page.get_by_test_id("policy-preview").click()
        assert "数据安全承诺" in page.get_by_test_id("preview-conditions").inner_text()
        page.go_back()

        # Publication states its consequences and needs a confirmation.
        page.get_by_test_id("policy-publish").click()
        consequences = page.get_by_test_id("publish-consequences").inner_text()
        assert "发布后自2027年2月1日起施行" in consequences
        assert "2023年9月18日至2027年1月31日之间没有施行中的版本" in consequences
        page.get_by_label("我已核对以上施行日期和后果").check()
        page.get_by_test_id("publish-button").click()
        page.wait_for_url(f"{base}/policy/{v2.pk}/")
        assert page.get_by_test_id("state").inner_text() == "已发布"
        # Published, not yet in force: the banner stays; version 1 is still applied.
        assert page.get_by_test_id(BANNER).is_visible()
        log_out(page, base)

        # A filing submitted now is bound to version 1.
        early = filing_in_state(Filing.State.COUNTY_REVIEW, lead_user=lead)
        assert early.policy_version == v1

    selectors.forget()
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=SHANGHAI)):
        # Version 2 is in force on its first day: no banner for staff.
        log_in(page, base, staff)
        assert page.get_by_test_id(BANNER).count() == 0
        log_out(page, base)

        # A new filing follows version 2: its checklist quotes it and asks for the
        # declaration; the earlier filing still shows version 1.
        late = draft_filing(lead)
        log_in(page, base, lead, f"/filings/{late.pk}/edit/")
        checklist = page.get_by_test_id("checklist").inner_text()
        assert "数据安全承诺" in checklist
        assert "保政办发〔2027〕3号" in page.get_by_test_id("checklist-version").inner_text()
        page.get_by_label("联盟成员承诺遵守数据安全和保密管理规定").check()
        page.get_by_role("button", name="保存声明").click()
        page.wait_for_load_state()
        late.refresh_from_db()
        assert late.declarations == ["data_security"]

        page.goto(f"{base}/filings/{early.pk}/")
        early_page = page.locator("main").inner_text()
        assert "保政办发〔2018〕18号" in early_page and "数据安全承诺" not in early_page

    from filings import services

    with time_machine.travel(datetime.datetime(2027, 2, 1, 10, 0, tzinfo=SHANGHAI)):
        services.filing_submit(filing=late, by=lead)
        assert Filing.objects.get(pk=late.pk).policy_version == v2
        assert Filing.objects.get(pk=early.pk).policy_version == v1
        # The summary of 2027's work is due under version 2's date.
        assert selectors.summary_due_date(2027) == datetime.date(2028, 4, 30)
        assert selectors.summary_due_date(2026) == datetime.date(2027, 3, 31)
    # The one refused form (a condition without its text) answered 400, as refusals do.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
