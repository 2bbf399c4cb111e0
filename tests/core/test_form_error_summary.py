"""#15 item 6: a refused form's errors are summed up at the top of the page, each a link
to its field, and the fields are marked (core.form_errors, base.html)."""

import re

import pytest
from django.urls import reverse

from filings import services
from supervision import services as supervision_services
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, filed_alliance
from tests.subsidies.test_evaluation_views import Panel, client_for, sheet_data, sheet_url

pytestmark = pytest.mark.django_db


def summary(body: str) -> str:
    match = re.search(
        r'<div class="alert alert-danger"[^>]*data-error-summary.*?</div>', body, re.S
    )
    assert match, "no error summary"
    return match.group(0)


def test_a_refused_draft_is_summed_up_above_everything_with_links(client):
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    filing = services.alliance_create(by=lead, name="保定错误摘要测试联盟")
    response = client.post(
        reverse("filings:edit", args=[filing.pk]),
        {
            "name": "保定错误摘要测试联盟",
            "office_fulltime_staff": "三个",
            "office_contact_email": "x",
        },
    )
    body = response.content.decode()
    box = summary(body)
    assert 'role="alert"' in box and 'tabindex="-1"' in box
    assert "未能完成，请修改以下 2 处：" in box
    assert 'href="#id_office_fulltime_staff"' in box and "专职人员数请填写整数" in box
    assert 'href="#id_office_contact_email"' in box
    # At the top: before the page's own content, and the fields are marked.
    assert body.index("data-error-summary") < body.index('data-testid="edit-title"')
    field = re.search(r'<input[^>]*id="id_office_fulltime_staff"[^>]*>', body).group(0)
    assert "is-invalid" in field and 'aria-invalid="true"' in field


def test_a_radio_choice_links_to_its_first_option(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    case = supervision_services.case_open(
        alliance=filed_alliance(), by=staff, grounds=["2"], facts="事实", evidence=[]
    )
    body = client.post(
        reverse("supervision:case_decide", args=[case.pk]), {"reasons": "理由"}
    ).content.decode()
    box = summary(body)
    assert 'href="#id_decision_0"' in box and "请选择决定" in box
    assert 'id="id_decision_0"' in body


def test_a_hand_written_form_is_summed_up_and_marked(client):
    panel = Panel(1, declared=True)
    assignment, client = panel.assignments[0], client_for(panel.evaluators[0])
    first = panel.criteria[0]
    data = sheet_data(panel.criteria, [80] * len(panel.criteria), action="draft")
    data[f"score_{first.pk}"] = "abc"
    body = client.post(sheet_url(assignment), data).content.decode()
    box = summary(body)
    assert f'href="#id_score_{first.pk}"' in box
    field = re.search(rf'<input[^>]*id="id_score_{first.pk}"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field


def test_no_summary_without_a_refused_post(client):
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    filing = services.alliance_create(by=lead, name="保定错误摘要测试联盟")
    body = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert "data-error-summary" not in body
