"""A member added through a major-event report (重大事项报告, 成员单位变更) records its
county and its Art. 9(3) charter signature (issue 15, item 12): the county from the credit
code (as a unit's registration derives it), the signature as the report states it; the
member row is created with them when staff accept, audited on the alliance."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.uscc import check_character
from audit.models import AuditEntry
from filings.models import AllianceMember
from supervision import services
from supervision.models import EventReport
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, filed_alliance, jurisdiction

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def code(division: str, serial: str = "MA0000007") -> str:
    """A valid 统一社会信用代码 of an enterprise registered by ``division``."""
    first17 = f"91{division}{serial}"
    return first17 + check_character(first17)


@pytest.fixture
def w():
    lead = LeadUnitUserFactory()
    return {"lead": lead, "staff": MunicipalStaffFactory(), "a": filed_alliance(lead_user=lead)}


def _fields(**extra):
    return {
        "kind": "member_change",
        "title": "新增成员单位",
        "event_date": YESTERDAY.isoformat(),
        "description": "经理事会同意，吸收新成员。",
        "member_action": "add",
        "member_role": "member",
        "member_task_division": "负责中试验证",
        "new_org_name": "保定新材料研究院有限公司",
        "new_org_kind": "institute",
        "new_org_industry": "M",
        "new_org_legal_representative": "钱七",
        **extra,
    }


def _post_new(client, w, **extra):
    client.force_login(w["lead"])
    return client.post(reverse("supervision:event_new", args=[w["a"].pk]), _fields(**extra))


def _submit_and_accept(client, w, report):
    client.force_login(w["lead"])
    client.post(reverse("supervision:event_submit", args=[report.pk]), {"expected_state": "draft"})
    client.force_login(w["staff"])
    return client.post(
        reverse("supervision:event_accept", args=[report.pk]),
        {"expected_state": "submitted"},
        follow=True,
    )


def test_the_whole_path_records_the_county_and_the_signature(client, w):
    qingyuan = jurisdiction("130608")
    uscc = code("130608")
    response = _post_new(client, w, member_uscc=uscc, member_charter_signed="on")
    assert response.status_code == 302
    report = EventReport.objects.get()
    organisation = Organisation.objects.get(uscc=uscc)
    assert organisation.jurisdiction == qingyuan  # from the credit code's division
    assert report.member_charter_signed is True

    page = _submit_and_accept(client, w, report).content.decode()
    assert EventReport.objects.get().state == "accepted"
    member = AllianceMember.objects.get(alliance=w["a"], organisation=organisation)
    assert (member.charter_signed, member.signed_by, member.role) == (True, "钱七", "member")
    assert qingyuan.name in page and "法定代表人钱七已签署" in page
    entry = AuditEntry.objects.for_object(w["a"]).get(action="member_add")
    assert entry.actor == w["staff"]
    for fact in (uscc, qingyuan.name, "法定代表人钱七已签署联盟协议（章程）", "新增成员单位"):
        assert fact in entry.reason


def test_an_invalid_credit_code_is_refused_in_chinese(client, w):
    bad = code("130608")[:-1] + ("0" if code("130608")[-1] != "0" else "1")
    response = _post_new(client, w, member_uscc=bad, member_charter_signed="on")
    assert response.status_code == 200
    assert "校验码不符" in " ".join(response.context["form"].errors["member_uscc"])
    assert not EventReport.objects.exists()
    assert not Organisation.objects.filter(uscc=bad).exists()


def test_an_unsigned_newcomer_is_kept_as_a_draft_but_cannot_be_reported(client, w):
    _post_new(client, w, member_uscc=code("130608"))
    report = EventReport.objects.get()
    assert report.member_charter_signed is False
    response = client.post(
        reverse("supervision:event_submit", args=[report.pk]), {"expected_state": "draft"}
    )
    assert response.status_code == 200
    assert "新成员单位的法定代表人须签署联盟协议（章程）后方可加入" in response.content.decode()
    assert EventReport.objects.get().state == "draft"


def test_an_unsigned_report_already_submitted_is_not_accepted(client, w):
    """A report submitted before the signature was asked is returned, not accepted."""
    _post_new(client, w, member_uscc=code("130608"), member_charter_signed="on")
    report = EventReport.objects.get()
    services.event_submit(report=report, by=w["lead"])
    EventReport.objects.filter(pk=report.pk).update(member_charter_signed=False)
    client.force_login(w["staff"])
    response = client.post(
        reverse("supervision:event_accept", args=[report.pk]), {"expected_state": "submitted"}
    )
    assert "新成员单位的法定代表人须签署联盟协议（章程）后方可加入" in response.content.decode()
    assert EventReport.objects.get().state == "submitted"
    assert not AllianceMember.objects.filter(organisation=report.member_organisation).exists()
    assert not AuditEntry.objects.filter(action="member_add").exists()


def test_a_county_contradicting_the_credit_code_is_refused(client, w):
    response = _post_new(
        client,
        w,
        member_uscc=code("130608"),
        member_charter_signed="on",
        new_org_jurisdiction=jurisdiction("130602").pk,
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_org_jurisdiction"])
    assert "所在县（市、区）应为" + jurisdiction("130608").name in errors
    assert not Organisation.objects.filter(uscc=code("130608")).exists()


def test_a_code_that_gives_no_county_takes_the_chosen_one_or_none(client, w):
    # 130600: registered by the city's authority, so no county in the code.
    city_code, outside_code = code("130600"), code("110105", "MA0000008")
    _post_new(
        client,
        w,
        member_uscc=city_code,
        member_charter_signed="on",
        new_org_jurisdiction=jurisdiction("130602").pk,
    )
    assert Organisation.objects.get(uscc=city_code).jurisdiction == jurisdiction("130602")
    _post_new(client, w, member_uscc=outside_code, member_charter_signed="on", title="京外单位")
    outsider = Organisation.objects.get(uscc=outside_code)
    assert outsider.jurisdiction is None
    report = EventReport.objects.get(member_organisation=outsider)
    page = client.get(reverse("supervision:event_detail", args=[report.pk])).content.decode()
    assert 'data-testid="member-county">市外单位<' in page


def test_a_removal_carries_no_signature(w):
    leaving = w["a"].members.exclude(organisation=w["a"].lead_unit).first().organisation
    report = services.event_create(
        alliance=w["a"],
        by=w["lead"],
        data={
            **_fields(member_action="remove", member_uscc=leaving.uscc),
            "event_date": YESTERDAY,
            "member_charter_signed": True,
        },
    )
    assert (report.member_charter_signed, report.member_role) == (False, "")


def test_a_unit_outside_baoding_cannot_be_placed_in_a_county(client, w):
    """A Beijing firm put in 竞秀区 would be listed under that county and reviewed by it
    (penetration test, issue 15)."""
    outside_code = code("110108", "MA0000009")
    response = _post_new(
        client,
        w,
        member_uscc=outside_code,
        member_charter_signed="on",
        new_org_jurisdiction=jurisdiction("130602").pk,
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_org_jurisdiction"])
    assert "登记机关不在保定市" in errors
    assert not Organisation.objects.filter(uscc=outside_code).exists()
