"""The unit's users pages (/accounts/unit/): the list for every user of the unit, the
administrator's actions, the activity page; who gets 403 and who 404."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import unit_users
from accounts.models import User
from audit.models import AuditEntry, record
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    jurisdiction,
)

pytestmark = pytest.mark.django_db

NEW = {"name": "王小明", "phone": "13912345678", "email": "wxm@example.test", "username": "wxm"}


@pytest.fixture
def admin():
    return LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction()),
        is_unit_admin=True,
        last_name="赵",
        first_name="敏",
    )


@pytest.fixture
def colleague(admin):
    return LeadUnitUserFactory(organisation=admin.organisation, last_name="李", first_name="华")


@pytest.fixture
def invited(admin):
    return unit_users.colleague_invite(by=admin, values=NEW)


def as_(client, user):
    client.logout()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, *args):
    return reverse(f"accounts:{name}", args=args)


# --- The list -----------------------------------------------------------------------------


def test_admin_sees_every_user_with_state_and_actions(client, admin, colleague, invited):
    removed = LeadUnitUserFactory(organisation=admin.organisation, username="gone")
    unit_users.colleague_remove(by=admin, user=removed, reason="调离")
    LeadUnitUserFactory(username="stranger")  # another unit
    html = as_(client, admin).get(url("unit_users")).content.decode()
    assert "stranger" not in html
    for user, state in ((admin, "已激活"), (colleague, "已激活"), (invited, "待设置密码")):
        row = html.split(f'data-testid="unit-user-{user.username}"')[1].split("</tr>")[0]
        assert state in row
    row = html.split('data-testid="unit-user-gone"')[1].split("</tr>")[0]
    assert "已停用" in row and 'data-testid="remove"' not in row
    admin_row = html.split(f'data-testid="unit-user-{admin.username}"')[1].split("</tr>")[0]
    assert 'data-testid="admin-badge"' in admin_row and 'data-testid="remove"' not in admin_row
    invited_row = html.split('data-testid="unit-user-wxm"')[1].split("</tr>")[0]
    assert "13912345678" in invited_row and "wxm@example.test" in invited_row
    assert url("unit_user_resend", invited.pk) in invited_row
    assert url("unit_admin_hand_over", colleague.pk) in html
    assert url("unit_activity") in html and url("unit_user_invite") in html
    assert url("unit_users") in html  # the navigation


def test_a_colleague_reads_the_list_without_actions(client, admin, colleague, invited):
    html = as_(client, colleague).get(url("unit_users")).content.decode()
    assert admin.username in html and "wxm" in html
    assert 'data-testid="read-only-note"' in html
    for link in (
        url("unit_user_invite"),
        url("unit_activity"),
        url("unit_user_resend", invited.pk),
    ):
        assert link not in html
    assert url("unit_users") in html  # every unit user has the navigation entry


@pytest.mark.parametrize("factory", [CountyReviewerFactory, MunicipalStaffFactory])
def test_other_roles_are_refused(client, factory):
    assert as_(client, factory()).get(url("unit_users")).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(url("unit_users"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Invite ------------------------------------------------------------------------------


def test_invite_through_the_page(client, admin, django_capture_on_commit_callbacks, mailoutbox):
    as_(client, admin)
    assert client.get(url("unit_user_invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("unit_user_invite"), NEW)
    assert response.status_code == 302 and response["Location"] == url("unit_users")
    assert User.objects.filter(username="wxm", organisation=admin.organisation).exists()
    assert mailoutbox[0].to == ["wxm@example.test"]
    assert "已添加 王小明" in messages_of(response)[0]


def test_refused_invite_keeps_what_was_typed(client, admin, colleague):
    typed = NEW | {"username": colleague.username, "phone": "12345"}
    response = as_(client, admin).post(url("unit_user_invite"), typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写11位手机号码" in html
    assert 'value="王小明"' in html and 'value="wxm@example.test"' in html
    typed = NEW | {"username": colleague.username}
    html = client.post(url("unit_user_invite"), typed).content.decode()
    assert f"用户名“{colleague.username}”已被使用" in html
    assert User.objects.count() == 2


# --- Permissions of the actions ------------------------------------------------------------


def action_requests(target):
    return [
        ("get", url("unit_user_invite"), {}),
        ("post", url("unit_user_invite"), NEW),
        ("post", url("unit_user_resend", target.pk), {}),
        ("get", url("unit_user_remove", target.pk), {}),
        ("post", url("unit_user_remove", target.pk), {"reason": "x"}),
        ("get", url("unit_admin_hand_over", target.pk), {}),
        ("post", url("unit_admin_hand_over", target.pk), {}),
        ("get", url("unit_activity"), {}),
    ]


def test_a_colleague_gets_403_for_every_action(client, admin, colleague, invited):
    as_(client, colleague)
    for method, path, data in action_requests(invited):
        assert getattr(client, method)(path, data).status_code == 403, path
    invited.refresh_from_db()
    admin.refresh_from_db()
    assert invited.is_active and admin.is_unit_admin
    assert User.objects.count() == 3


def test_another_units_admin_gets_404_for_this_units_users(client, admin, colleague):
    other_admin = LeadUnitUserFactory(is_unit_admin=True)
    as_(client, other_admin)
    for method, path, data in action_requests(colleague):
        if "unit/invite" in path or "activity" in path:
            continue  # their own unit's pages
        assert getattr(client, method)(path, data).status_code == 404, path
    colleague.refresh_from_db()
    assert colleague.is_active and not colleague.is_unit_admin


def test_resend_is_post_only(client, admin, invited):
    assert as_(client, admin).get(url("unit_user_resend", invited.pk)).status_code == 405


def test_resend_through_the_page_and_its_refusal(client, admin, colleague, invited):
    as_(client, admin)
    response = client.post(url("unit_user_resend", invited.pk))
    assert response.status_code == 302 and "之前的链接已失效" in messages_of(response)[0]
    response = client.post(url("unit_user_resend", colleague.pk))
    assert response.status_code == 302 and "已设置密码" in messages_of(response)[-1]


# --- Remove and hand over -----------------------------------------------------------------


def test_removal_confirmation_names_the_consequences_and_needs_a_reason(client, admin, colleague):
    as_(client, admin)
    html = client.get(url("unit_user_remove", colleague.pk)).content.decode()
    assert "立即退出登录" in html and "李华" in html
    response = client.post(url("unit_user_remove", colleague.pk), {"reason": ""})
    assert response.status_code == 200 and "请写明停用的原因" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active
    response = client.post(url("unit_user_remove", colleague.pk), {"reason": "已调离"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_removing_oneself_is_refused_on_the_page(client, admin):
    response = as_(client, admin).post(url("unit_user_remove", admin.pk), {"reason": "x"})
    assert response.status_code == 200 and "不能停用自己" in response.content.decode()


def test_hand_over_page_then_the_old_admin_loses_the_pages(client, admin, colleague):
    as_(client, admin)
    html = client.get(url("unit_admin_hand_over", colleague.pk)).content.decode()
    assert 'data-testid="consequences"' in html and "您不再是单位管理员" in html
    response = client.post(url("unit_admin_hand_over", colleague.pk))
    assert response.status_code == 302
    assert client.get(url("unit_activity")).status_code == 403
    assert client.get(url("unit_user_invite")).status_code == 403
    assert 'data-testid="read-only-note"' in client.get(url("unit_users")).content.decode()
    as_(client, colleague)
    assert client.get(url("unit_activity")).status_code == 200


def test_hand_over_to_an_invited_user_is_refused_on_the_page(client, admin, invited):
    as_(client, admin)
    html = client.get(url("unit_admin_hand_over", invited.pk)).content.decode()
    assert 'data-testid="confirm-hand-over"' not in html
    response = client.post(url("unit_admin_hand_over", invited.pk))
    assert response.status_code == 200 and 'data-testid="refusal"' in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_unit_admin


# --- Activity -----------------------------------------------------------------------------


def test_activity_shows_only_this_units_users_newest_first_filtered(client, admin, colleague):
    stranger = LeadUnitUserFactory()
    staff = MunicipalStaffFactory()
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        record(subject=None, action="x", action_label="较早的操作", actor=colleague)
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC)):
        record(subject=None, action="x", action_label="较晚的操作", actor=admin)
    record(subject=None, action="x", action_label="别的单位的操作", actor=stranger)
    record(subject=None, action="x", action_label="市局的操作", actor=staff)
    as_(client, admin)
    html = client.get(url("unit_activity")).content.decode()
    assert "别的单位的操作" not in html and "市局的操作" not in html
    assert html.index("较晚的操作") < html.index("较早的操作")
    html = client.get(url("unit_activity"), {"actor": colleague.pk}).content.decode()
    assert "较早的操作" in html and "较晚的操作" not in html
    html = client.get(url("unit_activity"), {"date_from": "2026-04-01"}).content.decode()
    assert "较晚的操作" in html and "较早的操作" not in html
    html = client.get(url("unit_activity"), {"date_to": "2026-04-01"}).content.decode()
    assert "较早的操作" in html and "较晚的操作" not in html
    # Someone of another unit is not a choice of the filter.
    response = client.get(url("unit_activity"), {"actor": stranger.pk})
    assert "别的单位的操作" not in response.content.decode()


def test_activity_includes_removed_users(client, admin, colleague):
    record(subject=None, action="x", action_label="停用前的操作", actor=colleague)
    unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    html = as_(client, admin).get(url("unit_activity")).content.decode()
    assert "停用前的操作" in html and "停用单位用户" in html


def test_activity_query_count_is_flat_and_paginated(
    client, admin, colleague, django_assert_max_num_queries
):
    from accounts.models import Organisation

    def entries(n):
        for i in range(n):
            actor = admin if i % 2 else colleague
            record(subject=admin.organisation, action="x", action_label=f"操作{i}", actor=actor)

    as_(client, admin)
    entries(3)
    client.get(url("unit_activity"))  # warm caches (content types, policy)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("unit_activity"))
    entries(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("unit_activity"))
    assert response.context["page_obj"].paginator.num_pages == 2
    assert str(Organisation._meta.verbose_name) in response.content.decode()
    assert AuditEntry.objects.filter(action="x").count() == 43
