"""The security auditor (安全审计员) reads the two log screens and nothing else: every other
URL of the portal — business pages, lists, actions, the Django admin — answers 403, GET
and POST alike; what stays open is the auditor's own account, inbox and export jobs,
and what anyone may read. One user has one role, so nobody is auditor and administrator
at once (三员分立)."""

import pytest
from django.urls import resolve, reverse

from accounts.middleware import AUDITOR_PAGES, auditor_may_open
from accounts.models import Role, User
from tests.accounts.test_two_factor_walk import ALL
from tests.factories import AuditorFactory

pytestmark = pytest.mark.django_db

# What the auditor opens, by name: pages of their own (account, inbox, export jobs), the
# logs, and the public pages.
OPEN = {
    "portal:home",
    "logs:operations",
    "logs:logins",
    "accounts:password_change",
    "accounts:two_factor",
    "portal:inbox",
    "registry:list",
    "subsidies:results",
    "healthz",
}


def test_the_auditor_opens_only_the_logs_their_account_and_public_pages(client):
    client.force_login(AuditorFactory())
    opened, walked = [], 0
    for path in ALL:
        match = resolve(path)
        if auditor_may_open(match.view_name, match.namespace):
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


def test_the_pages_left_open_are_few_and_named():
    # A page added to the list must be added here too, on purpose.
    assert AUDITOR_PAGES == {
        "portal:home",
        "portal:export_detail",
        "portal:export_download",
        "portal:inbox",
        "portal:notification",
        "portal:mark_read",
        "portal:mark_all_read",
        "portal:email_preference",
        "accounts:login",
        "accounts:logout",
        "accounts:keep_alive",
        "accounts:session_ended",
        "accounts:elder_mode",
        "accounts:password_change",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:two_factor",
        "accounts:two_factor_enrol",
        "accounts:two_factor_verify",
        "accounts:two_factor_backup_codes",
        "subsidies:results",
        "subsidies:round_results",
        "set_language",
        "healthz",
    }


@pytest.mark.parametrize("url_name", sorted(OPEN))
def test_what_stays_open_opens(client, url_name):
    client.force_login(AuditorFactory())
    assert client.get(reverse(url_name)).status_code == 200


def test_the_business_pages_answer_403_with_the_portals_page(client):
    client.force_login(AuditorFactory())
    for url_name in (
        "filings:municipal_queue",
        "filings:county_queue",
        "supervision:alliance_list",
        "supervision:compliance",
        "subsidies:round_list",
        "portal:dashboard",
        "portal:exports",
        "portal:policy_list",
        "accounts:organisation_list",
    ):
        response = client.get(reverse(url_name))
        assert response.status_code == 403, url_name
        assert "403" in response.content.decode() or "权限" in response.content.decode()
    assert client.get("/admin/").status_code == 403


def test_one_user_holds_one_role():
    field = User._meta.get_field("role")
    assert Role.AUDITOR in dict(field.choices) and Role.ADMIN in dict(field.choices)
    auditor = AuditorFactory()
    assert auditor.is_auditor and not auditor.is_administrator
    # A superuser without a role counts as an administrator, never as the auditor.
    superuser = User.objects.create_superuser("root", "root@example.test", "x" * 12)
    assert superuser.is_administrator and not superuser.is_auditor
