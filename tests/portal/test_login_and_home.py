import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import (
    PASSWORD,
    AdminFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    UserFactory,
    jurisdiction,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.mark.parametrize(
    ("factory", "title"),
    [
        (LeadUnitUserFactory, "牵头单位工作台"),
        (CountyReviewerFactory, "初审工作台"),
        (MunicipalStaffFactory, "市科技局工作台"),
        (EvaluatorFactory, "评审专家工作台"),
        (AdminFactory, "系统管理员工作台"),
    ],
)
def test_login_as_each_role_lands_on_its_home(client, factory, title):
    user = factory()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert title in response.content.decode()


def test_wrong_password_gets_a_chinese_message_and_keeps_the_username(client):
    user = LeadUnitUserFactory()
    response = client.post(LOGIN, {"username": user.username, "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in body
    assert f'value="{user.username}"' in body
    assert "_auth_user_id" not in client.session


def test_user_without_a_role_cannot_log_in(client):
    user = UserFactory(role="")
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert "该账号尚未分配角色" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_county_home_shows_nothing_of_another_jurisdiction(client):
    own = OrganisationFactory(name="竞秀区本地企业", jurisdiction=jurisdiction("130602"))
    other = OrganisationFactory(name="安国市外县企业", jurisdiction=jurisdiction("130683"))
    client.force_login(CountyReviewerFactory(jurisdiction=jurisdiction("130602")))
    body = client.get("/").content.decode()
    assert own.name in body
    assert other.name not in body
    assert other.uscc not in body


def test_county_organisation_list_is_scoped_to_its_jurisdiction(client):
    own = OrganisationFactory(jurisdiction=jurisdiction("130606"))
    other = OrganisationFactory(jurisdiction=jurisdiction("130602"))
    client.force_login(CountyReviewerFactory(jurisdiction=jurisdiction("130606")))
    body = client.get("/accounts/organisations/").content.decode()
    assert own.uscc in body
    assert other.uscc not in body


def test_lead_unit_cannot_edit_another_organisation(client):
    user = LeadUnitUserFactory()
    other = OrganisationFactory()
    client.force_login(user)
    assert client.get(f"/accounts/organisations/{other.pk}/edit/").status_code == 404
    assert client.get(f"/accounts/organisations/{user.organisation_id}/edit/").status_code == 200


@pytest.mark.parametrize("factory", [LeadUnitUserFactory, CountyReviewerFactory, EvaluatorFactory])
def test_only_municipal_staff_register_organisations(client, factory):
    client.force_login(factory())
    response = client.get("/accounts/organisations/new/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize(
    ("factory", "allowed"),
    [
        (AdminFactory, True),
        (MunicipalStaffFactory, False),
        (LeadUnitUserFactory, False),
    ],
)
def test_django_admin_is_for_administrators_only(client, factory, allowed):
    user = factory(is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert (response.status_code == 200) is allowed


def test_unknown_page_is_a_chinese_404(client):
    client.force_login(MunicipalStaffFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_password_reset_sends_a_chinese_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = LeadUnitUserFactory(email="lead@example.test")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is queued
        client.post("/accounts/password/reset/", {"email": user.email})
    assert len(mailoutbox) == 1
    assert "重设" in mailoutbox[0].subject
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_logout_is_post_only(client):
    client.force_login(LeadUnitUserFactory())
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_roles_constraint_rejects_lead_unit_without_organisation():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        UserFactory(role=Role.LEAD_UNIT, organisation=None)
