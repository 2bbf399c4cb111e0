"""Major-event reports (Art. 12(2)): the six kinds, changes applied on acceptance with
history, late reports, form errors, uploads, e-mails, query counts."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from audit.models import AuditEntry
from filings.models import Alliance, AllianceMember
from supervision import services
from supervision.models import AllianceChange, EventAttachment, EventReport
from tests.factories import (
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
    pdf_upload,
    policy_v1,
)

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
TODAY = timezone.localdate()
# A valid 统一社会信用代码 no organisation in the tests uses.
NEW_USCC = "91130602MA0000001Q"


@pytest.fixture
def lead():
    return LeadUnitUserFactory()


@pytest.fixture
def staff():
    return MunicipalStaffFactory()


@pytest.fixture
def alliance(lead):
    return filed_alliance(lead_user=lead)


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def _stored_files():
    location = settings.STORAGES["default"]["OPTIONS"]["location"]
    return [name for _root, _dirs, files in os.walk(location) for name in files]


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _post_new(client, alliance, **data):
    payload = {
        "kind": "project",
        "title": "启动氢燃料电池关键材料联合攻关项目",
        "event_date": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "description": "联盟成员共同承担，总投入800万元。",
        **data,
    }
    return client.post(reverse("supervision:event_new", args=[alliance.pk]), payload)


def _report(alliance, lead, *, state="draft", days_ago=3, **fields):
    fields.setdefault("kind", "project")
    fields.setdefault("title", "重大项目启动")
    fields.setdefault("description", "说明")
    report = EventReport.objects.create(
        alliance=alliance,
        created_by=lead,
        event_date=TODAY - datetime.timedelta(days=days_ago),
        **fields,
    )
    if state != "draft":
        services.event_submit(report=report, by=lead)
    return EventReport.objects.get(pk=report.pk)


def _submit_and_accept(client, report, lead, staff):
    _as(client, lead).post(
        reverse("supervision:event_submit", args=[report.pk]), {"expected_state": "draft"}
    )
    assert EventReport.objects.get(pk=report.pk).state == EventReport.State.SUBMITTED
    return _as(client, staff).post(
        reverse("supervision:event_accept", args=[report.pk]),
        {"expected_state": "submitted"},
        follow=True,
    )


def test_uscc_fixture_is_valid():
    from accounts.uscc import uscc_problem

    assert uscc_problem(NEW_USCC) is None


# --- Reporting -------------------------------------------------------------------------------


def test_lead_unit_reports_a_project_as_a_draft(client, lead, alliance):
    response = _post_new(_as(client, lead), alliance)
    report = EventReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:event_edit", args=[report.pk])
    assert (report.state, report.kind, report.created_by) == ("draft", "project", lead)


def test_form_shows_a_section_per_change_kind(client, lead, alliance):
    text = (
        _as(client, lead).get(reverse("supervision:event_new", args=[alliance.pk])).content.decode()
    )
    for heading in [
        "仅“联盟成员单位变更”填写",
        "仅“重要人员变更”填写",
        "仅“机构办公室地址变迁”填写",
    ]:
        assert heading in text
    for kind in policy_v1().event_kinds.all():  # the version applied today
        assert f'<option value="{kind.key}">{kind.title}</option>' in text


def test_future_event_date_is_explained_and_nothing_is_lost(client, lead, alliance):
    future = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = _post_new(
        _as(client, lead),
        alliance,
        event_date=future,
        title="未来的会议",
        description="尚未召开的研讨会",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "事项发生日期不能晚于今天" in errors["event_date"][0]
    text = response.content.decode()
    assert 'id="error_1_id_event_date"' in text
    for value in [future, "未来的会议", "尚未召开的研讨会"]:
        assert value in text
    assert not EventReport.objects.exists()


@pytest.mark.parametrize(
    ("kind", "errors"),
    [
        (
            "member_change",
            {
                "member_action": "请选择成员变更类型",
                "member_uscc": "请填写变更成员单位的统一社会信用代码",
            },
        ),
        (
            "personnel_change",
            {"position": "请选择变更的职务", "new_person_name": "请填写新任人员姓名"},
        ),
        ("address_change", {"new_office_address": "请填写新的办公室地址"}),
    ],
)
def test_change_reports_need_their_own_fields(client, lead, alliance, kind, errors):
    response = _post_new(_as(client, lead), alliance, kind=kind, title="变更")
    assert response.status_code == 200
    found = response.context["form"].errors
    for field, message in errors.items():
        assert message in found[field][0]
    assert not EventReport.objects.exists()


def test_invalid_credit_code_is_explained_next_to_the_field(client, lead, alliance):
    # Counted, not matched by prefix: a factory's valid code may begin the same way.
    before = Organisation.objects.count()
    response = _post_new(
        _as(client, lead),
        alliance,
        kind="member_change",
        member_action="add",
        member_uscc="91130602MA0000001X",
    )
    assert "校验码不符" in response.context["form"].errors["member_uscc"][0]
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(uscc__startswith="91130602MA00000").exists()


def test_adding_an_existing_member_is_explained_before_saving(client, lead, alliance):
    member = alliance.members.exclude(organisation=alliance.lead_unit).first().organisation
    response = _post_new(
        _as(client, lead),
        alliance,
        kind="member_change",
        member_action="add",
        member_uscc=member.uscc,
        member_task_division="检测",
    )
    assert "已是联盟成员，无需新增" in response.context["form"].errors["member_uscc"][0]


def test_fields_of_other_kinds_are_not_kept(client, lead, alliance):
    _post_new(_as(client, lead), alliance, new_office_address="别处", position="chairperson")
    report = EventReport.objects.get()
    assert (report.new_office_address, report.position) == ("", "")


def test_revoked_alliance_cannot_report_and_nothing_is_lost(client, lead, alliance):
    Alliance.objects.filter(pk=alliance.pk).update(status="revoked")
    response = _post_new(_as(client, lead), alliance, title="联盟解散后的项目")
    assert response.status_code == 200
    text = response.content.decode()
    assert "备案状态为“已取消备案”，不能提交新的材料" in text
    assert "联盟解散后的项目" in text
    assert not EventReport.objects.exists()


def test_revoked_alliance_cannot_submit_its_draft(client, lead, alliance):
    report = _report(alliance, lead)
    Alliance.objects.filter(pk=alliance.pk).update(status="revoked")
    client = _as(client, lead)
    page = client.get(reverse("supervision:event_detail", args=[report.pk])).content.decode()
    assert 'data-testid="submit-blocked"' in page
    response = client.post(
        reverse("supervision:event_submit", args=[report.pk]),
        {"expected_state": "draft"},
        follow=True,
    )
    assert f"“{alliance.name}”的备案状态为“已取消备案”，不能报告重大事项。" in _messages(response)
    report.refresh_from_db()
    assert (report.state, report.reported_at) == ("draft", None)
    assert not AuditEntry.objects.for_object(report).exists()


def test_lead_unit_edits_a_returned_report(client, lead, staff, alliance):
    report = _report(alliance, lead, state="submitted")
    services.event_return(report=report, by=staff, reason="请补充项目经费来源")
    client = _as(client, lead)
    page = client.get(reverse("supervision:event_edit", args=[report.pk]))
    assert "请补充项目经费来源" in page.content.decode()
    data = {
        "kind": "project",
        "title": "重大项目启动（补充）",
        "event_date": report.event_date.isoformat(),
        "description": "经费来源：成员自筹600万元，市级资助200万元。",
    }
    assert client.post(reverse("supervision:event_edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.title == "重大项目启动（补充）"
    assert report.state == EventReport.State.RETURNED


# --- Accepting changes updates the alliance, with history --------------------------------------


def test_accepting_an_address_change_updates_the_alliance_and_keeps_the_old_address(
    client, lead, staff, alliance
):
    old = alliance.office_address
    _post_new(
        _as(client, lead),
        alliance,
        kind="address_change",
        title="联盟办公室迁址",
        new_office_address="保定市莲池区东风东路888号",
    )
    report = EventReport.objects.get()
    detail = client.get(reverse("supervision:event_detail", args=[report.pk])).content.decode()
    assert old in detail and "保定市莲池区东风东路888号" in detail  # current → new
    response = _submit_and_accept(client, report, lead, staff)
    alliance.refresh_from_db()
    assert alliance.office_address == "保定市莲池区东风东路888号"
    change = AllianceChange.objects.get(alliance=alliance)
    assert (change.old_value, change.new_value, change.event_report_id) == (
        old,
        alliance.office_address,
        report.pk,
    )
    text = response.content.decode()
    assert 'data-testid="applied-changes"' in text
    assert old in text and "保定市莲池区东风东路888号" in text


def test_accepting_a_new_chairperson_updates_the_alliance_with_history(
    client, lead, staff, alliance
):
    Alliance.objects.filter(pk=alliance.pk).update(chairperson="李四")
    _post_new(
        _as(client, lead),
        alliance,
        kind="personnel_change",
        title="理事长换届",
        position="chairperson",
        new_person_name="赵六",
    )
    report = EventReport.objects.get()
    response = _submit_and_accept(client, report, lead, staff)
    alliance.refresh_from_db()
    assert alliance.chairperson == "赵六"
    change = AllianceChange.objects.get(alliance=alliance)
    assert (change.field_label, change.old_value, change.new_value) == ("理事长", "李四", "赵六")
    text = response.content.decode()
    assert "李四" in text and "赵六" in text


def test_accepting_a_new_member_registers_it_by_credit_code(client, lead, staff, alliance):
    before = list(alliance.members.values_list("organisation__name", flat=True))
    _post_new(
        _as(client, lead),
        alliance,
        kind="member_change",
        title="新增成员单位",
        member_action="add",
        member_uscc=NEW_USCC.lower(),
        member_role="council",
        member_task_division="负责中试验证",
        member_charter_signed="on",
        new_org_name="保定新材料研究院有限公司",
        new_org_kind="institute",
        new_org_industry="M",
        new_org_legal_representative="钱七",
    )
    report = EventReport.objects.get()
    organisation = Organisation.objects.get(uscc=NEW_USCC)
    assert report.member_organisation == organisation
    assert not alliance.members.filter(organisation=organisation).exists()  # only on acceptance
    response = _submit_and_accept(client, report, lead, staff)
    member = AllianceMember.objects.get(alliance=alliance, organisation=organisation)
    assert (member.role, member.task_division, member.signed_by) == (
        "council",
        "负责中试验证",
        "钱七",
    )
    change = AllianceChange.objects.get(alliance=alliance)
    assert change.old_value == "、".join(before)
    assert change.new_value == "、".join([*before, "保定新材料研究院有限公司"])
    assert "保定新材料研究院有限公司" in response.content.decode()


def test_accepting_a_member_removal_removes_it_with_history(client, lead, staff, alliance):
    leaving = alliance.members.exclude(organisation=alliance.lead_unit).first().organisation
    before = list(alliance.members.values_list("organisation__name", flat=True))
    _post_new(
        _as(client, lead),
        alliance,
        kind="member_change",
        title="成员退出",
        member_action="remove",
        member_uscc=leaving.uscc,
    )
    report = EventReport.objects.get()
    response = _submit_and_accept(client, report, lead, staff)
    assert not alliance.members.filter(organisation=leaving).exists()
    change = AllianceChange.objects.get(alliance=alliance)
    assert change.old_value == "、".join(before)
    assert change.new_value == "、".join(name for name in before if name != leaving.name)
    assert leaving.name in change.old_value and leaving.name not in change.new_value
    text = response.content.decode()
    assert change.old_value in text and change.new_value in text


def test_member_who_joined_meanwhile_is_explained_on_submit_and_accept(
    client, lead, staff, alliance
):
    newcomer = OrganisationFactory()
    report = _report(
        alliance,
        lead,
        kind="member_change",
        member_action="add",
        member_organisation=newcomer,
        member_charter_signed=True,
    )
    AllianceMember.objects.create(alliance=alliance, organisation=newcomer)
    response = _as(client, lead).post(
        reverse("supervision:event_submit", args=[report.pk]), {"expected_state": "draft"}
    )
    assert response.status_code == 200
    assert f"“{newcomer.name}”已是联盟成员，无需新增。" in response.content.decode()
    assert EventReport.objects.get(pk=report.pk).state == "draft"

    AllianceMember.objects.filter(alliance=alliance, organisation=newcomer).delete()
    services.event_submit(report=report, by=lead)
    AllianceMember.objects.create(alliance=alliance, organisation=newcomer)
    response = _as(client, staff).post(
        reverse("supervision:event_accept", args=[report.pk]), {"expected_state": "submitted"}
    )
    assert response.status_code == 200
    assert f"“{newcomer.name}”已是联盟成员，无需新增。" in response.content.decode()
    assert EventReport.objects.get(pk=report.pk).state == "submitted"
    assert not AllianceChange.objects.exists()


# --- Late reports --------------------------------------------------------------------------------


def test_report_45_days_after_the_event_is_marked_late(client, lead, staff, alliance):
    assert policy_v1().event_late_days == 30  # the 2018 measures' version
    late = _report(alliance, lead, state="submitted", days_ago=45, title="迟报的研讨会")
    prompt = _report(alliance, lead, state="submitted", days_ago=2, title="及时报告的项目")
    client = _as(client, staff)
    listing = client.get(reverse("supervision:event_list"))
    text = listing.content.decode()
    assert text.count('data-testid="late"') == 1
    assert "逾期报告" in text
    detail = client.get(reverse("supervision:event_detail", args=[late.pk])).content.decode()
    assert "逾期报告" in detail and "事项发生后第45天报告" in detail
    assert (
        "逾期报告"
        not in client.get(reverse("supervision:event_detail", args=[prompt.pk])).content.decode()
    )
    only_late = client.get(reverse("supervision:event_list"), {"late": "yes"})
    assert [r.pk for r in only_late.context["page_obj"]] == [late.pk]
    not_late = client.get(reverse("supervision:event_list"), {"late": "no"})
    assert [r.pk for r in not_late.context["page_obj"]] == [prompt.pk]


def test_late_filter_counts_unreported_drafts_too(client, lead, alliance):
    assert policy_v1().event_late_days == 30  # the 2018 measures' version
    old_draft = _report(alliance, lead, days_ago=40)
    _report(alliance, lead, days_ago=1)
    response = _as(client, lead).get(reverse("supervision:event_list"), {"late": "yes"})
    assert [r.pk for r in response.context["page_obj"]] == [old_draft.pk]


def test_list_filters_by_kind_state_and_name(client, lead, staff, alliance):
    seminar = _report(alliance, lead, state="submitted", kind="seminar")
    project = _report(alliance, lead, state="submitted")
    client = _as(client, staff)
    by_kind = client.get(reverse("supervision:event_list"), {"kind": "seminar"})
    assert [r.pk for r in by_kind.context["page_obj"]] == [seminar.pk]
    services.event_accept(report=project, by=staff)
    by_state = client.get(reverse("supervision:event_list"), {"state": "accepted"})
    assert [r.pk for r in by_state.context["page_obj"]] == [project.pk]
    by_name = client.get(reverse("supervision:event_list"), {"q": "不存在的联盟"})
    assert list(by_name.context["page_obj"]) == []


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision:event_list"), {"late": "no"})
    assert response.status_code == 200
    return len(queries)


def _reports(lead, n):
    for i in range(n):
        alliance = filed_alliance(lead_user=lead)
        _report(
            alliance,
            lead,
            state="submitted",
            days_ago=[2, 45][i % 2],
            kind=["project", "breakthrough", "seminar"][i % 3],
        )


@pytest.mark.parametrize("role", ["lead", "staff"])
def test_list_queries_do_not_grow_with_rows(client, role):
    lead = LeadUnitUserFactory()
    client = _as(client, lead if role == "lead" else MunicipalStaffFactory())
    _reports(lead, 5)
    few = _list_queries(client)
    _reports(lead, 25)
    assert EventReport.objects.count() == 30
    assert _list_queries(client) == few


# --- E-mails ----------------------------------------------------------------------------------------


def test_reporting_notifies_the_liaison_and_returning_notifies_the_lead_unit(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    liaison = MunicipalStaffFactory(is_liaison_officer=True)
    lead = LeadUnitUserFactory()
    report = _report(filed_alliance(lead_user=lead, liaison=liaison), lead)
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, lead).post(
            reverse("supervision:event_submit", args=[report.pk]), {"expected_state": "draft"}
        )
    assert [m.to for m in mailoutbox] == [[liaison.email]]
    assert "收到重大事项报告" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, liaison).post(
            reverse("supervision:event_return", args=[report.pk]),
            {"expected_state": "submitted", "reason": "请附会议纪要"},
        )
    assert mailoutbox[-1].to == [lead.email]
    assert "请附会议纪要" in mailoutbox[-1].body


def test_returning_without_a_reason_is_explained(client, lead, staff, alliance):
    report = _report(alliance, lead, state="submitted")
    response = _as(client, staff).post(
        reverse("supervision:event_return", args=[report.pk]),
        {"expected_state": "submitted", "reason": ""},
    )
    assert response.status_code == 200
    assert "退回修改必须写明理由。" in response.content.decode()
    assert EventReport.objects.get(pk=report.pk).state == "submitted"


# --- Attachments --------------------------------------------------------------------------------------


def test_attachment_is_uploaded_and_downloaded(client, lead, staff, alliance):
    report = _report(alliance, lead)
    response = _as(client, lead).post(
        reverse("supervision:event_attach", args=[report.pk]), {"file": pdf_upload("会议纪要.pdf")}
    )
    assert response.status_code == 302
    attachment = EventAttachment.objects.get(report=report)
    services.event_submit(report=report, by=lead)
    download = _as(client, staff).get(
        reverse("supervision:event_attachment", args=[report.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


def test_executable_renamed_pdf_is_rejected(client, lead, alliance):
    report = _report(alliance, lead)
    upload = SimpleUploadedFile("会议纪要.pdf", EXECUTABLE, content_type="application/pdf")
    response = _as(client, lead).post(
        reverse("supervision:event_attach", args=[report.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "不是PDF、JPEG或PNG文件" in str(response.context["upload_form"].errors["file"])
    assert not EventAttachment.objects.exists()
    assert _stored_files() == []


def test_download_by_someone_who_may_not_see_the_report_is_404(client, lead, alliance):
    report = _report(alliance, lead)
    services.event_attach(report=report, by=lead, uploaded=pdf_upload())
    attachment = EventAttachment.objects.get()
    url = reverse("supervision:event_attachment", args=[report.pk, attachment.pk])
    assert _as(client, LeadUnitUserFactory()).get(url).status_code == 404
    # A draft is the lead unit's own: even the bureau does not see it yet.
    assert _as(client, MunicipalStaffFactory()).get(url).status_code == 404
    assert _as(client, lead).get(url).status_code == 200
