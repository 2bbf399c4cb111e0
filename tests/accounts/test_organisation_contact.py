"""After registration a unit edits its contact details itself; each save is audited with
the old and new values (issue 12, Low: organisation edits missing from the audit log)."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def contact(**overrides):
    data = {
        "address": "保定市竞秀区朝阳北大街1号",
        "contact_person": "张三",
        "contact_phone": "",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def edit_url(organisation):
    return reverse("accounts:organisation_edit", args=[organisation.pk])


def test_contact_edit_is_audited_with_old_and_new_values(client, lead):
    organisation = lead.organisation
    client.force_login(lead)

    response = client.post(
        edit_url(organisation),
        contact(contact_person="王五", contact_phone="0312-1234567", contact_email="a@b.cn"),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.contact_person, organisation.contact_phone) == ("王五", "0312-1234567")
    entry = AuditEntry.objects.for_object(organisation).get()
    assert (entry.action, entry.action_label, entry.actor) == (
        "contact_update",
        "修改单位联系方式",
        lead,
    )
    assert entry.reason == (
        "联系人：“张三” → “王五”；联系电话：“（空）” → “0312-1234567”；联系邮箱：“（空）” → “a@b.cn”"
    )


def test_saving_unchanged_contact_details_writes_nothing(lead):
    from accounts import services

    services.organisation_update_contact(organisation=lead.organisation, by=lead, **contact())
    assert not AuditEntry.objects.for_object(lead.organisation).exists()


def test_legal_facts_posted_with_the_contact_form_are_ignored(client, lead):
    organisation = lead.organisation
    name, uscc = organisation.name, organisation.uscc
    client.force_login(lead)
    client.post(
        edit_url(organisation),
        contact(
            name="改名", uscc="91340600MA2PBM9HXD", legal_representative="李四", address="新址"
        ),
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.uscc, organisation.legal_representative) == (
        name,
        uscc,
        "张三",
    )
    assert organisation.address == "新址"
    assert not AuditEntry.objects.filter(action="request").exists()


def test_a_wrong_email_keeps_what_was_typed_and_saves_nothing(client, lead):
    client.force_login(lead)
    response = client.post(
        edit_url(lead.organisation), contact(contact_person="王五", contact_email="不是邮箱")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "输入一个有效的 Email 地址。" in body
    assert 'value="王五"' in body and 'value="不是邮箱"' in body
    lead.organisation.refresh_from_db()
    assert lead.organisation.contact_person == "张三"
    assert not AuditEntry.objects.for_object(lead.organisation).exists()


def test_the_unit_page_shows_both_forms_to_the_lead_unit(client, lead):
    client.force_login(lead)
    body = client.get(edit_url(lead.organisation)).content.decode()
    assert 'data-testid="contact-form"' in body
    assert 'data-testid="change-form"' in body
    assert "申请变更登记信息" in body


def test_municipal_staff_edit_contact_details_too_audited(client, lead, staff):
    client.force_login(staff)
    client.post(edit_url(lead.organisation), contact(address="保定市莲池区新址"))
    entry = AuditEntry.objects.for_object(lead.organisation).get()
    assert entry.actor == staff
    assert "地址：“保定市竞秀区朝阳北大街1号” → “保定市莲池区新址”" == entry.reason


def test_county_reviewers_read_the_unit_but_do_not_edit_it(client, lead, county):
    client.force_login(county)
    page = client.get(reverse("accounts:organisation_detail", args=[lead.organisation.pk]))
    assert page.status_code == 200
    assert 'data-testid="contact-form"' not in page.content.decode()
    assert client.post(edit_url(lead.organisation), contact(address="x")).status_code == 403


def test_registration_is_audited(client, staff):
    from tests.accounts.test_organisation_form import form_data

    client.force_login(staff)
    client.post(reverse("accounts:organisation_create"), form_data())
    entry = AuditEntry.objects.get(action="register")
    assert entry.actor == staff
    assert entry.reason.startswith(
        "单位名称：保定新创电子科技有限公司；统一社会信用代码：91340600MA2PBM9HXD；单位类型：企业；"
    )
    assert "所在县（市、区）/开发区：竞秀区" in entry.reason
    assert "联系邮箱" not in entry.reason  # left empty
