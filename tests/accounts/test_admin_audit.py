"""What an administrator changes in the Django admin about who may do what is audited,
and a unit's legal facts are read-only there (issue 12, Low: role or permission changes
in the admin missing from the audit log)."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import Organisation, User
from audit.models import AuditEntry
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, jurisdiction

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Admin-set-password-2026"


def user_form(user, **overrides):
    """The admin's change form for ``user`` as posted unchanged."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role": user.role,
        "organisation": user.organisation_id or "",
        "jurisdiction": user.jurisdiction_id or "",
        "phone": user.phone,
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
    }
    for flag in ("is_active", "is_staff", "is_superuser", "is_liaison_officer"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def change_user(client, user, **overrides):
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", user_form(user, **overrides))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_role_change_is_audited_with_who_and_old_and_new(admin_client):
    user = LeadUnitUserFactory()
    change_user(
        admin_client,
        user,
        role="county_reviewer",
        organisation="",
        jurisdiction=jurisdiction("130606").pk,
    )
    entry = AuditEntry.objects.for_object(user).get()
    assert (entry.action, entry.action_label) == ("user_access_change", "变更用户角色或权限")
    assert entry.actor == admin_client.admin
    assert "角色：“联盟牵头单位” → “县级科技主管部门”" in entry.reason
    assert f"所属单位：“{user.organisation.name}” → “”" in entry.reason
    assert "所属县（市、区）/开发区：“” → “莲池区”" in entry.reason


def test_flags_groups_and_permissions_are_audited(admin_client):
    user = MunicipalStaffFactory()
    group = Group.objects.create(name="数据维护")
    permission = Permission.objects.get(codename="change_jurisdiction")
    change_user(
        admin_client,
        user,
        is_liaison_officer="on",
        is_staff="on",
        groups=[group.pk],
        user_permissions=[permission.pk],
    )
    reason = AuditEntry.objects.for_object(user).get().reason
    assert "科技联络员：“否” → “是”" in reason
    assert "工作人员状态：“否” → “是”" in reason
    assert "组：“” → “数据维护”" in reason
    assert "用户权限：“” → “accounts.change_jurisdiction”" in reason


def test_deactivation_is_audited(admin_client):
    user = MunicipalStaffFactory()
    form = user_form(user)
    del form["is_active"]
    admin_client.post(f"/admin/accounts/user/{user.pk}/change/", form)
    assert "有效：“是” → “否”" in AuditEntry.objects.for_object(user).get().reason


def test_a_change_of_nothing_audited_writes_nothing(admin_client):
    user = MunicipalStaffFactory()
    change_user(admin_client, user, phone="13800000000")
    assert not AuditEntry.objects.for_object(user).exists()


def test_a_new_user_is_audited_with_its_role(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_staff",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "municipal_staff",
            "email": "new@example.test",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_staff")
    entry = AuditEntry.objects.for_object(user).get()
    assert entry.action == "user_create"
    assert "角色：市科技局工作人员" in entry.reason
    assert NEW_PASSWORD not in entry.reason


def test_a_password_set_by_the_administrator_is_audited_not_logged(admin_client):
    user = MunicipalStaffFactory()
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.for_object(user).get()
    assert (entry.action, entry.action_label) == ("password_admin", "管理员设置用户密码")
    assert entry.actor == admin_client.admin
    assert not AuditEntry.objects.filter(reason__contains=NEW_PASSWORD).exists()
    assert not AuditEntry.objects.filter(reason__contains=user.password).exists()


def test_a_refused_password_form_is_not_audited(admin_client):
    user = MunicipalStaffFactory()
    admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": "different"},
    )
    assert not AuditEntry.objects.for_object(user).exists()


def test_group_permission_change_is_audited(admin_client):
    group = Group.objects.create(name="数据维护")
    permission = Permission.objects.get(codename="change_jurisdiction")
    admin_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "数据维护", "permissions": [permission.pk]},
    )
    entry = AuditEntry.objects.for_object(group).get()
    assert entry.action == "group_change"
    assert "权限：“” → “accounts.change_jurisdiction”" in entry.reason


def test_organisation_legal_facts_are_read_only_in_the_admin(admin_client, lead):
    organisation = lead.organisation
    name = organisation.name
    response = admin_client.post(
        f"/admin/accounts/organisation/{organisation.pk}/change/",
        {
            "name": "管理员改的名称",
            "uscc": "91340600MA2PBM9HXD",
            "jurisdiction": jurisdiction("130606").pk,
            "address": "保定市新址",
            "contact_person": "张三",
            "contact_phone": "",
            "contact_email": "",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == name
    assert organisation.jurisdiction.code == "130602"
    assert organisation.address == "保定市新址"
    entry = AuditEntry.objects.for_object(organisation).get()
    assert entry.action == "contact_update"
    assert entry.reason == "地址：“保定市竞秀区朝阳北大街1号” → “保定市新址”"


def test_an_organisation_registered_in_the_admin_is_audited(admin_client):
    response = admin_client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "保定新创电子科技有限公司",
            "uscc": "91340600MA2PBM9HXD",
            "kind": "enterprise",
            "industry": "C",
            "legal_representative": "李四",
            "jurisdiction": jurisdiction().pk,
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(uscc="91340600MA2PBM9HXD")
    assert AuditEntry.objects.for_object(organisation).get().action == "register"


def test_the_admin_refuses_an_invalid_credit_code_with_what_to_fix(admin_client):
    response = admin_client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "保定新创电子科技有限公司",
            "uscc": "91340600MA2PBM9HXA",
            "kind": "enterprise",
            "industry": "C",
            "legal_representative": "李四",
        },
    )
    assert response.status_code == 200
    assert "校验码不符" in response.content.decode()
    assert not Organisation.objects.exists()


# --- Penetration test (release after issue 11): counties in the admin -----------------------
# POST /admin/accounts/jurisdiction/1/change/ (bureau_name “竞秀区科学技术局X”, note
# “pentest”) was saved with no audit entry. A county's bureau name is printed on its
# recommendation letters, its letter prefix numbers them, and ``enabled`` decides who may
# be chosen: the admin's changes to counties are audited like its changes to users.


def test_a_county_changed_in_the_admin_is_audited(admin_client):
    county = jurisdiction("130606")
    response = admin_client.post(
        f"/admin/accounts/jurisdiction/{county.pk}/change/",
        {
            "code": county.code,
            "name": county.name,
            "kind": county.kind,
            "bureau_name": "被改名的科学技术局",
            "letter_prefix": "假",
            "enabled": "on",
            "note": county.note,
            "sort_order": county.sort_order,
        },
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.bureau_name == "被改名的科学技术局"
    entries = AuditEntry.objects.filter(actor=admin_client.admin).exclude(action="login")
    assert any("被改名的科学技术局" in e.reason for e in entries)
