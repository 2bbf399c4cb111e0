"""#15 items 4–6 in Chromium: typed text survives an upload, leaving a changed form asks
first, the error summary is in view and leads to the field, and 截止申请 restates the
published deadline and waits for 确定."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filings import services
from filings.models import FilingMaterial
from subsidies.models import SubsidyRound
from tests.e2e.common import log_in
from tests.factories import PDF_BYTES, LeadUnitUserFactory, MunicipalStaffFactory, subsidy_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "联合攻关新能源汽车电池管理芯片，三年内形成两项行业标准。"


@pytest.fixture
def editing(page, live_server):
    """A lead unit on its new draft's edit page."""
    lead = LeadUnitUserFactory()
    filing = services.alliance_create(by=lead, name="保定浏览器草稿测试联盟")
    log_in(page, live_server.url, lead, f"/filings/{filing.pk}/edit/")
    return filing


def test_typed_text_is_still_there_after_an_upload(page, editing, tmp_path):
    charter = tmp_path / "联盟章程.pdf"
    charter.write_bytes(PDF_BYTES)
    chain = page.get_by_label("产业创新链及构建任务", exact=True)
    chain.fill(TYPED)

    row = page.locator('[data-kind="charter"]')
    row.locator("input[type=file]").set_input_files(charter)
    row.get_by_role("button", name="上传").click()
    page.wait_for_load_state()

    assert "已上传" in page.locator("main").inner_text()
    assert page.get_by_label("产业创新链及构建任务", exact=True).input_value() == TYPED
    assert FilingMaterial.objects.filter(filing=editing, kind="charter").count() == 1


def test_leaving_a_changed_form_asks_first(page, editing):
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    edit_url = page.url
    field = page.get_by_label("产业创新链及构建任务", exact=True)
    # A real click first: Chromium asks before leaving only a page the user has interacted
    # with (sticky activation), which a programmatic fill alone may not give.
    field.click()
    field.fill(TYPED)
    page.get_by_role("link", name="工作台").first.click()
    for _ in range(30):  # the question comes as the navigation starts
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    assert page.url == edit_url

    # Saving sends the changes: no question.
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.locator("main").inner_text()
    page.get_by_role("link", name="工作台").first.click()
    page.wait_for_load_state()
    assert dialogs == ["beforeunload"]
    assert page.url != edit_url


def test_the_error_summary_is_in_view_and_leads_to_the_field(page, editing):
    page.get_by_label("办公室专职人员数", exact=True).fill("三个")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()

    summary = page.get_by_test_id("error-summary")
    assert "未能完成，请修改以下 1 处：" in summary.inner_text()
    box = summary.bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")

    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_office_fulltime_staff"
    field = page.locator("#id_office_fulltime_staff")
    assert field.get_attribute("aria-invalid") == "true"
    assert "is-invalid" in field.get_attribute("class")
    expect(field).to_be_in_viewport()  # after Bootstrap's smooth scroll


def test_closing_a_round_early_restates_the_deadline_and_waits(page, live_server):
    staff = MunicipalStaffFactory()
    closes = timezone.localdate() + datetime.timedelta(days=29)
    round_ = subsidy_round(staff=staff, closes_on=closes)
    log_in(page, live_server.url, staff, f"/subsidies/rounds/{round_.pk}/")

    page.locator('[data-action="start_evaluation"]').click()
    page.wait_for_load_state()
    deadline = f"{closes.year}年{closes.month}月{closes.day}日"
    consequence = page.get_by_test_id("confirmation-consequence").inner_text()
    assert f"本轮申请截止日期为{deadline}，确定提前截止？" in consequence
    assert SubsidyRound.objects.get(pk=round_.pk).state == "open"

    page.get_by_role("button", name="返回").click()
    page.wait_for_url(f"{live_server.url}/subsidies/rounds/{round_.pk}/")
    assert SubsidyRound.objects.get(pk=round_.pk).state == "open"

    page.locator('[data-action="start_evaluation"]').click()
    page.get_by_role("button", name="确定截止申请").click()
    page.wait_for_url(f"{live_server.url}/subsidies/rounds/{round_.pk}/")
    assert "已截止申请" in page.locator("main").inner_text()
    assert SubsidyRound.objects.get(pk=round_.pk).state == "evaluating"
