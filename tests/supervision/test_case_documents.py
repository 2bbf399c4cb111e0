"""The revocation case's documents on the shared official page (issue 15 item 11): the
告知书 states the right to 陈述申辩 and its deadline; the 决定书 states the means of
redress with the bodies named in the settings."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from supervision import services
from tests.factories import MunicipalStaffFactory, filed_alliance, pdf_upload
from tests.pdf_text import assert_issued, day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]

TZ = datetime.timezone(datetime.timedelta(hours=8))
OPENED = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)  # a Monday
AFTER_DEADLINE = datetime.datetime(2026, 3, 20, 10, tzinfo=TZ)  # 10 working days are past


@pytest.fixture
def staff():
    return MunicipalStaffFactory()


@pytest.fixture
def case(staff):
    with time_machine.travel(OPENED, tick=False):
        return services.case_open(
            alliance=filed_alliance(),
            by=staff,
            grounds=["2"],
            facts="连续两年未按章程开展创新活动",
            evidence=[pdf_upload("检查记录.pdf")],
        )


def _by_the_bureau(file, number, date) -> str:
    return assert_issued(file, issuer=settings.PORTAL_BUREAU_NAME, number=number, date=date)


def test_the_notice_states_the_right_to_be_heard_and_its_deadline(case):
    text = _by_the_bureau(case.notice_file, case.notice_number, OPENED.date())
    assert "拟取消产业创新战略联盟备案告知书" in text
    assert f"{case.alliance.lead_unit.name}：" in text
    assert case.statement_deadline == datetime.date(2026, 3, 16)  # 10 working days
    assert "你单位有权进行陈述和申辩" in text
    assert (
        f"请于{day(case.statement_deadline)}前（10个工作日内）通过平台提交书面陈述申辩意见" in text
    )
    assert "逾期未提交的，视为放弃陈述申辩的权利" in text


def _decide(case, staff, decision):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        return services.case_decide(
            case=case, by=staff, decision=decision, reasons="经查属实，依照第十三条决定。"
        )


def test_the_revocation_decision_states_the_means_of_redress(case, staff):
    case = _decide(case, staff, "revoke")
    text = _by_the_bureau(
        case.decision_file, case.decision_number, timezone.localdate(case.decided_at)
    )
    assert timezone.localdate(case.decided_at) == AFTER_DEADLINE.date()
    assert "取消产业创新战略联盟备案决定书" in text and "不予取消" not in text
    assert (
        "如不服本决定，可以在收到本决定书之日起六十日内向保定市人民政府申请行政复议，"
        "或者在六个月内向保定市竞秀区人民法院提起行政诉讼。"
    ) in text
    # The seal comes after the remedy: the remedy is part of what is signed.
    assert text.index("提起行政诉讼") < text.index("（盖章）")


@override_settings(PORTAL_REVIEW_BODY="某市人民政府", PORTAL_LITIGATION_COURT="某区人民法院")
def test_the_bodies_named_are_the_settings(case, staff):
    case = _decide(case, staff, "dismiss")
    text = _by_the_bureau(case.decision_file, case.decision_number, AFTER_DEADLINE.date())
    assert "不予取消产业创新战略联盟备案决定书" in text
    assert "六十日内向某市人民政府申请行政复议，或者在六个月内向某区人民法院提起行政诉讼" in text
    assert "保定市人民政府" not in text and "竞秀区人民法院" not in text
