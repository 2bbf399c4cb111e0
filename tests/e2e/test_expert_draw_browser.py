"""Issue 15 items 13 and 12 in Chromium: staff draw the experts of a round at random and
redraw one with a reason; an evaluator with a conflict recuses (申请回避) from the list,
and the bureau's round page shows the place to fill."""

import pytest
from django.urls import reverse

from subsidies.models import Assignment, ExpertDraw
from tests.e2e.common import log_in, log_out
from tests.factories import (
    EvaluatorFactory,
    MunicipalStaffFactory,
    submitted_application,
    subsidy_round,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_draw_and_redraw_and_an_evaluator_recuses(page, live_server):
    staff = MunicipalStaffFactory(last_name="市", first_name="科技局")
    round_ = subsidy_round(staff=staff)
    applications = [submitted_application(round_) for _ in range(2)]
    member_unit = (
        applications[0]
        .alliance.members.exclude(organisation=applications[0].alliance.lead_unit)
        .first()
    )
    conflicted = EvaluatorFactory(
        last_name="成员", first_name="专家", organisation=member_unit.organisation
    )
    for _ in range(5):
        EvaluatorFactory()
    base = live_server.url
    round_url = reverse("subsidies:round_detail", args=[round_.pk])

    # Staff set three experts per application and draw.
    log_in(page, base, staff, round_url)
    draw = page.get_by_test_id("draw")
    draw.get_by_label("每份申请评审专家人数").fill("3")
    draw.get_by_role("button", name="随机抽取").click()
    page.wait_for_url(f"{base}{round_url}#draws")
    record = ExpertDraw.objects.get()
    assert f"随机种子{record.seed}" in page.locator("body").inner_text()
    counts = page.get_by_test_id("assigned-count").all_inner_texts()
    assert counts == ["3/3", "3/3"]
    # The record: the seed, and the member's expert skipped with the reason.
    draws = page.get_by_test_id("draws")
    assert record.seed in draws.inner_text()
    assert "成员专家（所在单位是该联盟的成员单位（或牵头单位），须回避）" in draws.text_content()
    first_panel = Assignment.objects.filter(application=applications[0])
    assert not first_panel.filter(evaluator=conflicted).exists()

    # Redraw one expert of the first application, with a reason.
    replaced = first_panel.order_by("pk").first()
    row = page.locator(f"li[data-assignment='{replaced.pk}']")
    row.get_by_role("link", name="重新抽取").click()
    page.get_by_label("重新抽取理由").fill("专家临时出差，不能参加评审")
    page.get_by_role("button", name="重新抽取").click()
    page.wait_for_url(f"{base}{round_url}")
    assert "已重新抽取评审专家。" in page.locator("body").inner_text()
    replaced_row = page.locator(f"li[data-assignment='{replaced.pk}']")
    assert "已重新抽取替换" in replaced_row.inner_text()
    assert "专家临时出差" in replaced_row.inner_text()
    assert page.get_by_test_id("assigned-count").all_inner_texts() == ["3/3", "3/3"]
    log_out(page, base)

    # An evaluator of the second application finds a conflict and recuses from the list.
    leaving = Assignment.objects.filter(
        application=applications[1], withdrawn_at__isnull=True
    ).first()
    evaluator_list = reverse("subsidies:assignment_list")
    log_in(page, base, leaving.evaluator, evaluator_list)
    page.locator(f"tr[data-assignment='{leaving.pk}']").get_by_role("link", name="申请回避").click()
    assert page.get_by_test_id("recuse-title").inner_text() == "申请回避"
    page.get_by_label("回避原因").fill("本人近三年与该联盟牵头单位有合作项目")
    page.get_by_role("button", name="确认申请回避").click()
    page.wait_for_url(f"{base}{evaluator_list}")
    body = page.locator("body").inner_text()
    assert "已申请回避，该评审任务已撤回" in body
    assert page.locator(f"tr[data-assignment='{leaving.pk}']").get_by_role("link").count() == 0
    log_out(page, base)

    # Staff see the place to fill on the round page and fill it.
    log_in(page, base, staff, round_url)
    row = page.locator(f"tr[data-application='{applications[1].pk}']")
    assert "需补充专家" in row.inner_text() and "专家申请回避" in row.inner_text()
    assert "2/3" in row.get_by_test_id("assigned-count").inner_text()
    row.get_by_role("link", name="补抽一位").click()
    page.get_by_label("重新抽取理由").fill("原专家申请回避")
    page.get_by_role("button", name="重新抽取").click()
    page.wait_for_url(f"{base}{round_url}")
    row = page.locator(f"tr[data-application='{applications[1].pk}']")
    assert "3/3" in row.get_by_test_id("assigned-count").inner_text()
