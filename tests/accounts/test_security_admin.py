"""The security administrator (安全管理员, 三员分立): 锁定账号, 两步验证重置, 会话 and 密码策略
in the portal's own pages, for that role only; every other page, the logs and the Django
admin included, answers it 403. Lifting a lockout lets the user log in again, a reset of
two-factor login and ending a session are audited, actions are POST-only and need the
CSRF token."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SECURITY_ADMIN_PAGES, security_admin_may_open
from accounts.models import Role, User
from audit.models import AuditEntry
from tests.accounts.test_two_factor_walk import ALL
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    SecurityAdminFactory,
)
from tests.two_factor import enrolled

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PAGES = [
    "security:lockouts",
    "security:two_factor",
    "security:sessions",
    "security:password_policy",
]
ACTIONS = [
    ("security:unlock", []),
    ("security:two_factor_reset", ["pk"]),
    ("security:session_end", []),
]
OTHERS = {
    "admin": lambda: AdminFactory(is_staff=True),
    "superuser": lambda: User.objects.create_superuser("root", "root@example.test", "x" * 12),
    "auditor": AuditorFactory,
    "staff": MunicipalStaffFactory,
    "county": CountyReviewerFactory,
    "lead": LeadUnitUserFactory,
    "evaluator": EvaluatorFactory,
}


def _action_url(name, args, user):
    return reverse(name, args=[user.pk] if args else [])


def _lock_out(client, user, limit):
    for _ in range(limit):
        client.post(LOGIN, {"username": user.username, "password": "wrong"})


# --- Who reaches the four pages --------------------------------------------------------


@pytest.mark.parametrize("url_name", PAGES)
def test_the_security_administrator_opens_the_four_pages(client, url_name):
    client.force_login(SecurityAdminFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'data-testid="security-title"' in response.content.decode()


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("role", sorted(OTHERS))
def test_no_other_role_opens_them(client, url_name, role):
    client.force_login(OTHERS[role]())
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize(("url_name", "args"), ACTIONS)
@pytest.mark.parametrize("role", sorted(OTHERS))
def test_no_other_role_takes_the_actions(client, url_name, args, role):
    target = MunicipalStaffFactory()
    device, _codes = enrolled(target)
    client.force_login(OTHERS[role]())
    response = client.post(
        _action_url(url_name, args, target),
        {"confirm": "on", "reason": "x", "username": target.username, "session": "x"},
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


@pytest.mark.parametrize("url_name", PAGES + [name for name, _args in ACTIONS])
def test_anonymous_visitors_are_sent_to_login(client, url_name):
    args = [1] if url_name == "security:two_factor_reset" else []
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("url_name", "args"), ACTIONS)
def test_actions_refuse_get(client, url_name, args):
    user = SecurityAdminFactory()
    client.force_login(user)
    assert client.get(_action_url(url_name, args, user)).status_code == 405


@pytest.mark.parametrize(("url_name", "args"), ACTIONS)
def test_actions_need_the_csrf_token(url_name, args):
    target = MunicipalStaffFactory()
    enrolled(target)
    client = Client(enforce_csrf_checks=True)
    client.force_login(SecurityAdminFactory())
    response = client.post(
        _action_url(url_name, args, target), {"confirm": "on", "reason": "x", "session": "x"}
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


# --- What else the security administrator reaches: nothing ------------------------------


def test_the_security_administrator_opens_nothing_else(client):
    client.force_login(SecurityAdminFactory())
    opened, walked = [], 0
    for path in ALL:
        match = resolve(path)
        if security_admin_may_open(match.view_name, match.namespace):
            continue
        walked += 1
        response = client.get(path)
        if response.status_code != 403:
            opened.append(f"GET {path} → {response.status_code}")
        response = client.post(path, {"name": "x"})
        if response.status_code != 403:
            opened.append(f"POST {path} → {response.status_code}")
    assert walked > 150
    assert opened == []


def test_business_pages_logs_policy_and_the_admin_answer_403(client):
    client.force_login(SecurityAdminFactory(is_staff=True))
    for url_name in (
        "filings:municipal_queue",
        "filings:county_queue",
        "supervision:alliance_list",
        "subsidies:round_list",
        "portal:dashboard",
        "portal:exports",
        "portal:policy_list",
        "accounts:organisation_list",
        "logs:operations",
        "logs:logins",
    ):
        assert client.get(reverse(url_name)).status_code == 403, url_name
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/policy/").status_code == 403


def test_the_pages_left_open_are_named():
    assert "portal:export_detail" not in SECURITY_ADMIN_PAGES
    assert not any(name.startswith("logs:") for name in SECURITY_ADMIN_PAGES)
    assert not security_admin_may_open("logs:operations", "logs")


def test_home_links_the_four_pages_and_the_nav_too(client):
    client.force_login(SecurityAdminFactory())
    page = client.get(reverse("portal:home")).content.decode()
    assert "安全管理员工作台" in page
    for url_name in PAGES:
        assert page.count(f'href="{reverse(url_name)}"') >= 2, url_name  # card and nav
    assert reverse("logs:operations") not in page


def test_one_user_holds_one_role():
    field = User._meta.get_field("role")
    assert dict(field.choices)[Role.SECURITY_ADMIN] == "安全管理员"
    user = SecurityAdminFactory()
    assert user.is_security_admin and not user.is_administrator and not user.is_auditor


def test_the_role_must_use_two_factor_login_by_default():
    from alliance_portal import settings as project

    assert "security_admin" in project.PORTAL_2FA_REQUIRED_ROLES


# --- 锁定账号 ---------------------------------------------------------------------------


def test_lifting_a_lockout_lets_the_user_log_in_again(client, settings):
    user = LeadUnitUserFactory()
    _lock_out(client, user, settings.AXES_FAILURE_LIMIT)
    refused = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert "账号已临时锁定" in refused.content.decode()

    security = SecurityAdminFactory()
    admin_client = Client()
    admin_client.force_login(security)
    page = admin_client.get(reverse("security:lockouts")).content.decode()
    assert page.count('data-testid="lockout-row"') == 1 and user.username in page

    # Without a reason: refused, still locked.
    admin_client.post(
        reverse("security:unlock"), {"username": user.username, "ip_address": "127.0.0.1"}
    )
    assert (
        "账号已临时锁定"
        in client.post(LOGIN, {"username": user.username, "password": PASSWORD}).content.decode()
    )

    response = admin_client.post(
        reverse("security:unlock"),
        {"username": user.username, "ip_address": "127.0.0.1", "reason": "本人电话确认"},
        follow=True,
    )
    assert "已解除" in response.content.decode()
    assert 'data-testid="lockout-row"' not in response.content.decode()
    entry = AuditEntry.objects.get(action="lockout_reset")
    assert entry.actor == security and entry.object_id == user.pk
    assert "本人电话确认" in entry.reason and user.username in entry.reason

    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_below_the_limit_nobody_is_listed_and_nothing_is_lifted(client, settings):
    user = LeadUnitUserFactory()
    _lock_out(client, user, settings.AXES_FAILURE_LIMIT - 1)
    security_client = Client()
    security_client.force_login(SecurityAdminFactory())
    page = security_client.get(reverse("security:lockouts")).content.decode()
    assert 'data-testid="lockout-row"' not in page
    response = security_client.post(
        reverse("security:unlock"),
        {"username": user.username, "ip_address": "127.0.0.1", "reason": "x"},
        follow=True,
    )
    assert "未被锁定" in response.content.decode()
    assert not AuditEntry.objects.filter(action="lockout_reset").exists()


# --- 两步验证重置 -----------------------------------------------------------------------


def test_the_user_list_filters_by_name_and_role(client):
    staff = MunicipalStaffFactory(username="zhang_staff", last_name="张")
    LeadUnitUserFactory(username="li_lead", last_name="李")
    enrolled(staff)
    client.force_login(SecurityAdminFactory())
    url = reverse("security:two_factor")
    page = client.get(url, {"q": "zhang"}).content.decode()
    assert "zhang_staff" in page and "li_lead" not in page
    page = client.get(url, {"role": "lead_unit"}).content.decode()
    assert "li_lead" in page and "zhang_staff" not in page
    page = client.get(url, {"enrolled": "yes"}).content.decode()
    assert "zhang_staff" in page and "li_lead" not in page


def test_a_reset_needs_the_confirmation_and_a_reason(client):
    staff = MunicipalStaffFactory()
    enrolled(staff)
    client.force_login(SecurityAdminFactory())
    url = reverse("security:two_factor_reset", args=[staff.pk])
    client.post(url, {"reason": "手机丢失"})
    client.post(url, {"confirm": "on"})
    assert TOTPDevice.objects.filter(user=staff).exists()
    assert not AuditEntry.objects.filter(action="two_factor_reset").exists()

    response = client.post(url, {"confirm": "on", "reason": "手机丢失"}, follow=True)
    assert "已重置" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.get(action="two_factor_reset")
    assert entry.object_id == staff.pk and entry.actor_role == "security_admin"
    assert "手机丢失" in entry.reason


# --- 会话 -------------------------------------------------------------------------------


def test_ending_a_session_logs_that_user_out(client):
    staff = MunicipalStaffFactory()
    user_client = Client()
    user_client.post(LOGIN, {"username": staff.username, "password": PASSWORD})
    assert user_client.get(reverse("filings:municipal_queue")).status_code == 200
    key = user_client.session.session_key

    security = SecurityAdminFactory()
    client.force_login(security)
    page = client.get(reverse("security:sessions")).content.decode()
    assert staff.username in page and "127.0.0.1" in page
    assert key not in page  # the key is a bearer secret: never shown

    from accounts.security_admin import session_token

    response = client.post(
        reverse("security:session_end"),
        {"session": session_token(key), "reason": "离职"},
        follow=True,
    )
    assert "已强制" in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    entry = AuditEntry.objects.get(action="session_ended")
    assert entry.actor == security and entry.object_id == staff.pk and "离职" in entry.reason

    response = user_client.get(reverse("filings:municipal_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    # The security administrator's own session goes on.
    assert client.get(reverse("security:sessions")).status_code == 200


def test_an_unknown_session_is_refused(client):
    client.force_login(SecurityAdminFactory())
    response = client.post(reverse("security:session_end"), {"session": "0" * 32}, follow=True)
    assert "该会话已结束" in response.content.decode()
    assert not AuditEntry.objects.filter(action="session_ended").exists()


def test_other_session_stores_are_named_not_listed(settings):
    from accounts import security_admin

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert not security_admin.sessions_in_database()
    assert security_admin.active_sessions() == []


# --- 密码策略 ---------------------------------------------------------------------------


def test_the_password_policy_shows_the_settings_in_force(client, settings):
    settings.AXES_FAILURE_LIMIT = 7
    settings.SESSION_IDLE_MINUTES = 25
    settings.PORTAL_2FA_REQUIRED_ROLES = ["admin", "auditor"]  # not this user: no code asked
    client.force_login(SecurityAdminFactory())
    page = client.get(reverse("security:password_policy")).content.decode()
    assert "10" in page and "最小长度" in page and "常见密码" in page
    assert "连续失败 7 次" in page and "30 分钟" in page
    assert "25 分钟无操作后自动退出" in page
    assert "系统管理员、安全审计员" in page
