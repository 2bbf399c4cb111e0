"""Issue 15, item 12 in the browser: a 陈述申辩 carries files the bureau downloads; an
objection dated after today is refused on its field, with what was typed kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies import services as subsidy_services
from subsidies.models import Objection
from supervision import services as supervision_services
from supervision.models import RevocationCase
from tests.e2e.common import log_in, log_out
from tests.factories import (
    PDF_BYTES,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
    publish_in_notice,
    submitted_application,
    subsidy_round,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATEMENT = "我单位已于今年恢复开展联合攻关活动，请求不予取消备案。"


def test_the_lead_unit_attaches_a_file_to_its_statement_and_staff_download_it(page, live_server):
    lead, staff = LeadUnitUserFactory(), MunicipalStaffFactory()
    alliance = filed_alliance(lead_user=lead)
    case = supervision_services.case_open(
        alliance=alliance, by=staff, grounds=["2"], facts="连续两年未按章程开展创新活动"
    )
    url = reverse("supervision:case_detail", args=[case.pk])
    log_in(page, live_server.url, lead, url)

    # A file that is not what it claims is refused; the typed statement stays.
    page.get_by_label("陈述申辩意见").fill(STATEMENT)
    page.get_by_label("附件").set_input_files(
        [{"name": "活动记录.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a pdf"}]
    )
    page.get_by_role("button", name="提交陈述申辩").click()
    page.wait_for_load_state()
    assert "不是PDF、JPEG或PNG文件" in page.locator("main").inner_text()
    assert page.get_by_label("陈述申辩意见").input_value() == STATEMENT
    assert RevocationCase.objects.get().state == "notified"

    page.get_by_label("附件").set_input_files(
        [{"name": "活动记录.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="提交陈述申辩").click()
    page.wait_for_url(f"{live_server.url}{url}")
    assert "陈述申辩意见已提交" in page.locator("main").inner_text()
    assert "活动记录.pdf" in page.get_by_test_id("statement-files").inner_text()
    log_out(page, live_server.url)

    log_in(page, live_server.url, staff, url)
    with page.expect_download() as download:
        page.get_by_test_id("statement-files").get_by_role("link", name="活动记录.pdf").click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF_BYTES
    assert download.value.suggested_filename == "活动记录.pdf"


def test_an_objection_received_tomorrow_is_refused_on_the_field(page, live_server):
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, title="公示中批次")
    application = submitted_application(round_)
    subsidy_services.round_start_evaluation(round_=round_, by=staff)
    award = subsidy_services.award_set(application=application, by=staff, amount_yuan=300_000)
    publish_in_notice(round_, staff)

    url = reverse("subsidies:objection_new", args=[award.pk])
    log_in(page, live_server.url, staff, url)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("异议人姓名（实名）").fill("赵六")
    page.get_by_label("联系方式").fill("13800000000")
    page.get_by_label("书面异议内容").fill("该联盟上年度未开展活动。")
    page.get_by_label("收到日期").fill(tomorrow.isoformat())
    page.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    field = page.get_by_label("收到日期")
    assert "is-invalid" in (field.get_attribute("class") or "")
    assert "收到日期不能晚于今天" in page.locator("main").inner_text()
    assert page.get_by_label("书面异议内容").input_value() == "该联盟上年度未开展活动。"
    assert not Objection.objects.exists()

    page.get_by_label("收到日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(f"{live_server.url}{reverse('subsidies:round_detail', args=[round_.pk])}")
    assert Objection.objects.get().received_on == timezone.localdate()
