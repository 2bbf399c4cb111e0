"""The unit administrator's flag in the Django admin: shown in the list, set in the form,
never two per unit (a Chinese form error, not a server error), and audited."""

import pytest

from accounts.models import User
from audit.models import AuditEntry
from tests.accounts.test_admin_audit import user_form
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory

pytestmark = pytest.mark.django_db


def post(client, user, **overrides):
    return client.post(f"/admin/accounts/user/{user.pk}/change/", user_form(user, **overrides))


def test_the_list_shows_the_flag(admin_client):
    unit_admin = LeadUnitUserFactory(is_unit_admin=True)
    response = admin_client.get("/admin/accounts/user/", {"is_unit_admin__exact": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "单位管理员" in html and unit_admin.username in html


def test_a_second_administrator_of_a_unit_is_a_chinese_form_error(admin_client):
    first = LeadUnitUserFactory(is_unit_admin=True)
    second = LeadUnitUserFactory(organisation=first.organisation)
    response = post(admin_client, second, is_unit_admin="on")
    assert response.status_code == 200
    assert "每个单位只能有一名单位管理员" in response.content.decode()
    second.refresh_from_db()
    assert not second.is_unit_admin


def test_moving_an_administrator_into_a_unit_with_one_is_refused(admin_client):
    first = LeadUnitUserFactory(is_unit_admin=True)
    other = LeadUnitUserFactory(is_unit_admin=True)
    response = post(admin_client, other, is_unit_admin="on", organisation=first.organisation_id)
    assert response.status_code == 200
    assert "每个单位只能有一名单位管理员" in response.content.decode()


def test_only_a_unit_user_can_be_administrator(admin_client):
    staff = MunicipalStaffFactory()
    response = post(admin_client, staff, is_unit_admin="on")
    assert response.status_code == 200
    assert "只有联盟牵头单位角色" in response.content.decode()
    unit_admin = LeadUnitUserFactory(is_unit_admin=True)
    response = post(
        admin_client, unit_admin, is_unit_admin="on", role="municipal_staff", organisation=""
    )
    assert response.status_code == 200
    assert "只有联盟牵头单位角色" in response.content.decode()


def test_setting_the_flag_where_there_is_none_is_audited(admin_client):
    user = LeadUnitUserFactory()
    response = post(admin_client, user, is_unit_admin="on")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_unit_admin
    entry = AuditEntry.objects.for_object(user).get(action="user_access_change")
    assert "单位管理员" in entry.reason
    assert User.objects.filter(is_unit_admin=True).count() == 1
