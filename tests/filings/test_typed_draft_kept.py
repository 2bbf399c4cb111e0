"""#15 item 4: on the edit page, uploading a material or adding a member first saves the
draft as typed (the buttons belong to the draft's form), so nothing typed is lost."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Organisation
from filings import services
from filings.models import Alliance, FilingMaterial
from tests.factories import LeadUnitUserFactory, OrganisationFactory, pdf_upload

pytestmark = pytest.mark.django_db

TYPED = "联合攻关新能源汽车电池管理芯片，三年内形成两项行业标准。"


@pytest.fixture
def filing(client):
    """A new draft, its lead unit's user signed in."""
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    return services.alliance_create(by=lead, name="保定草稿保留测试联盟")


def page_draft(client, filing, **typed) -> dict:
    """The draft's fields as the edit page sends them, with ``typed`` changed."""
    form = client.get(reverse("filings:edit", args=[filing.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(typed)
    return data


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_saves_the_typed_draft_with_an_upload(client, filing):
    data = page_draft(client, filing, industry_chain=TYPED)
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {**data, "material-kind": "charter", "material-charter-file": pdf_upload("章程.pdf")},
    )
    assert response.status_code == 302
    assert Alliance.objects.get(pk=filing.alliance_id).industry_chain == TYPED
    assert FilingMaterial.objects.filter(filing=filing, kind="charter").count() == 1
    assert "草稿已保存" in texts(response)


def test_a_refused_upload_keeps_the_typed_draft(client, filing):
    data = page_draft(client, filing, industry_chain=TYPED)
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {
            **data,
            "material-kind": "charter",
            "material-charter-file": SimpleUploadedFile("章程.exe", b"MZ\x90\x00" + bytes(200)),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert TYPED in body  # saved, and shown again
    assert Alliance.objects.get(pk=filing.alliance_id).industry_chain == TYPED
    assert "不是PDF、JPEG或PNG文件" in body
    assert "文件未上传：请按红色提示处理后重新选择文件。" in texts(response)
    assert not FilingMaterial.objects.filter(filing=filing).exists()


def test_a_file_chosen_in_another_row_is_not_taken_for_this_row(client, filing):
    data = page_draft(client, filing)
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {**data, "material-kind": "charter", "material-licence-file": pdf_upload("执照.pdf")},
    )
    assert response.status_code == 200
    assert "请选择要上传的文件" in response.content.decode()
    assert not FilingMaterial.objects.filter(filing=filing).exists()


def test_it_saves_the_typed_draft_with_a_new_member(client, filing):
    member = OrganisationFactory()
    data = page_draft(client, filing, innovation_goals=TYPED)
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        {
            **data,
            "member-uscc": member.uscc,
            "member-role": "member",
            "member-task_division": "测试",
        },
    )
    assert response.status_code == 302
    assert Alliance.objects.get(pk=filing.alliance_id).innovation_goals == TYPED
    assert filing.alliance.members.filter(organisation=member).exists()


def test_an_invalid_draft_stops_the_member_and_keeps_both_as_typed(client, filing):
    data = page_draft(client, filing, office_fulltime_staff="三个", innovation_goals=TYPED)
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        {**data, "member-uscc": "91130600MA0000001X", "member-name": "保定新单位有限公司"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert TYPED in body and "保定新单位有限公司" in body and "三个" in body
    assert "专职人员数请填写整数" in body
    assert any("成员单位也未添加" in t for t in texts(response))
    assert Alliance.objects.get(pk=filing.alliance_id).innovation_goals == ""
    assert not Organisation.objects.filter(name="保定新单位有限公司").exists()
    assert filing.alliance.members.count() == 1  # the lead unit only


def test_a_draft_saved_elsewhere_meanwhile_stops_the_upload(client, filing):
    data = page_draft(client, filing, industry_chain=TYPED)
    services.filing_save_draft(
        filing=filing, by=filing.created_by, data={"industry_chain": "同事填写的内容"}
    )
    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {**data, "material-kind": "charter", "material-charter-file": pdf_upload("章程.pdf")},
    )
    assert response.status_code == 200
    shown = texts(response)
    assert "文件未上传，请重新选择文件。" in shown
    assert any("该记录已被他人修改" in t for t in shown)
    assert TYPED in response.content.decode()
    assert Alliance.objects.get(pk=filing.alliance_id).industry_chain == "同事填写的内容"
    assert not FilingMaterial.objects.filter(filing=filing).exists()


def test_the_page_puts_the_member_and_material_fields_in_the_draft_form(client, filing):
    body = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert 'id="alliance-form"' in body and "data-warn-unsaved" in body
    assert 'name="member-uscc"' in body and body.count('form="alliance-form"') > 5
    assert 'name="material-charter-file"' in body
    assert 'formenctype="multipart/form-data" name="material-kind" value="charter"' in body


def test_submit_saves_the_typed_draft_then_asks(client):
    """提交 belongs to the draft's form: a change not saved with 保存草稿 is saved, then
    the confirmation asks, and the confirmed submission carries it (the walk: the change was
    lost, the old text submitted)."""
    from tests.factories import filing_in_state

    returned = filing_in_state("returned")
    client.force_login(returned.created_by)
    data = {**page_draft(client, returned, industry_chain=TYPED), "expected_state": "returned"}
    url = reverse("filings:submit", args=[returned.pk])
    asked = client.post(url, data)
    assert asked.status_code == 200 and "确定提交县级初审" in asked.content.decode()
    assert Alliance.objects.get(pk=returned.alliance_id).industry_chain == TYPED
    returned.refresh_from_db()
    assert returned.state == "returned"  # not submitted before the answer
    # 确定 posts the same fields again: already saved, not saved twice (not a stale draft).
    done = client.post(url, {**data, "confirmed": "1"})
    assert done.status_code == 302
    returned.refresh_from_db()
    assert returned.state == "county_review"
    assert Alliance.objects.get(pk=returned.alliance_id).industry_chain == TYPED


def test_submit_with_a_draft_that_does_not_save_submits_nothing(client):
    from tests.factories import filing_in_state

    returned = filing_in_state("returned")
    client.force_login(returned.created_by)
    data = page_draft(client, returned, industry_chain=TYPED, office_contact_email="不是邮箱")
    response = client.post(
        reverse("filings:submit", args=[returned.pk]), {**data, "expected_state": "returned"}
    )
    assert response.status_code == 200
    assert "草稿未保存，申请也未提交" in response.content.decode()
    assert TYPED in response.content.decode()  # shown as typed
    returned.refresh_from_db()
    assert returned.state == "returned"


def _added_member(filing):
    organisation = OrganisationFactory()
    return filing.alliance.members.create(
        organisation=organisation, role="member", task_division="原分工"
    )


def test_saving_a_member_saves_the_typed_draft_too(client, filing):
    member = _added_member(filing)
    data = page_draft(client, filing, innovation_goals=TYPED)
    response = client.post(
        reverse("filings:member_edit", args=[filing.pk, member.pk]),
        {**data, f"m{member.pk}-role": "council", f"m{member.pk}-task_division": "新分工"},
    )
    assert response.status_code == 302
    assert Alliance.objects.get(pk=filing.alliance_id).innovation_goals == TYPED
    member.refresh_from_db()
    assert (member.role, member.task_division) == ("council", "新分工")
    assert "草稿已保存" in texts(response)


def test_removing_a_member_saves_the_typed_draft_too(client, filing):
    member = _added_member(filing)
    data = page_draft(client, filing, innovation_goals=TYPED)
    response = client.post(reverse("filings:member_remove", args=[filing.pk, member.pk]), data)
    assert response.status_code == 302
    assert Alliance.objects.get(pk=filing.alliance_id).innovation_goals == TYPED
    assert not filing.alliance.members.filter(pk=member.pk).exists()


def test_an_invalid_draft_stops_the_member_edit_and_keeps_both_as_typed(client, filing):
    member = _added_member(filing)
    data = page_draft(client, filing, office_fulltime_staff="三个", innovation_goals=TYPED)
    response = client.post(
        reverse("filings:member_edit", args=[filing.pk, member.pk]),
        {**data, f"m{member.pk}-role": "council", f"m{member.pk}-task_division": "打字的分工"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert TYPED in body and "三个" in body and "打字的分工" in body
    assert any("成员信息也未保存" in t for t in texts(response))
    member.refresh_from_db()
    assert member.task_division == "原分工"


def test_the_member_buttons_submit_the_draft_form(client, filing):
    member = _added_member(filing)
    body = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    edit = reverse("filings:member_edit", args=[filing.pk, member.pk])
    remove = reverse("filings:member_remove", args=[filing.pk, member.pk])
    assert f'form="alliance-form" formaction="{edit}"' in body
    assert f'form="alliance-form" formaction="{remove}"' in body
    tag = re.search(rf'<textarea[^>]*name="m{member.pk}-task_division"[^>]*>', body)[0]
    assert 'form="alliance-form"' in tag
