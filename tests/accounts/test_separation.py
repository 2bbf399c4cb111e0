"""三员分立: the system administrator cannot make itself (or anyone) an auditor or a
security administrator, nor take over such an account, in the Django admin (the
penetration test and the browser walk of issue 14 did exactly that). The server's
operator gives those roles with ``manage.py separated_role``, audited."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from tests.factories import AdminFactory, AuditorFactory, SecurityAdminFactory

pytestmark = pytest.mark.django_db


def test_the_add_form_offers_no_separated_role(admin_client):
    page = admin_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'value="admin"' in page
    assert 'value="auditor"' not in page and 'value="security_admin"' not in page


def test_an_auditor_cannot_be_created_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "puppet",
            "password1": "Zy7#kQ2!vLp9",
            "password2": "Zy7#kQ2!vLp9",
            "usable_password": "true",
            "role": "auditor",
            "email": "p@example.cn",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not User.objects.filter(username="puppet").exists()


@pytest.mark.parametrize("factory", [AuditorFactory, SecurityAdminFactory])
def test_a_separated_account_cannot_be_changed_deleted_or_given_a_password(admin_client, factory):
    watcher = factory()
    change = reverse("admin:accounts_user_change", args=[watcher.pk])
    response = admin_client.post(change, {"username": watcher.username, "role": "admin"})
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[watcher.pk])
    assert admin_client.post(password, {"password1": "x", "password2": "x"}).status_code == 403
    delete = reverse("admin:accounts_user_delete", args=[watcher.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    watcher.refresh_from_db()
    assert watcher.role == factory._meta.model.objects.get(pk=watcher.pk).role
    assert watcher.role in ("auditor", "security_admin")


def test_an_admin_cannot_be_promoted_by_another_admin_either(admin_client):
    other = AdminFactory(is_superuser=False)
    change = reverse("admin:accounts_user_change", args=[other.pk])
    page = admin_client.get(change).content.decode()
    assert 'value="auditor"' not in page


def test_the_operator_gives_and_takes_the_auditor_role_on_the_server(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Zy7#kQ2!vLp9\n"))
    out = io.StringIO()
    call_command(
        "separated_role",
        "shen",
        "auditor",
        "--email",
        "s@example.cn",
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="shen")
    assert user.role == Role.AUDITOR and user.check_password("Zy7#kQ2!vLp9")
    assert not user.is_staff and not user.is_superuser
    entry = AuditEntry.objects.for_object(user).get(action="separated_role")
    assert "— → auditor" in entry.reason and "新建账号" in entry.reason
    call_command("separated_role", "shen", "none", stdout=out)
    user.refresh_from_db()
    assert user.role == ""
    assert AuditEntry.objects.for_object(user).filter(action="separated_role").count() == 2


def test_a_superuser_cannot_also_hold_a_separated_role():
    admin = AdminFactory()
    with pytest.raises(CommandError):
        call_command("separated_role", admin.username, "auditor", stdout=io.StringIO())
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        call_command("separated_role", "weak", "auditor", "--password-stdin", stdout=io.StringIO())
    assert not User.objects.filter(username="weak").exists()


def test_the_system_administrator_reads_no_business_record(client):
    """三员分立 (issue 14): the system administrator keeps users, roles, jurisdictions, units
    and policy versions; filings, alliances, supervision and subsidies are not theirs to
    read unless given a business role for it (a role change the user audit records)."""
    from django.urls import reverse

    from tests.factories import AdminFactory, MunicipalStaffFactory, filed_alliance

    alliance = filed_alliance()
    admin = AdminFactory()
    client.force_login(admin)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("filings:municipal_queue") not in home
    assert reverse("portal:policy_list") in home
    for url in (
        reverse("filings:municipal_queue"),
        reverse("supervision:alliance_list"),
        reverse("subsidies:round_list"),
        reverse("portal:dashboard"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("supervision:alliance_detail", args=[alliance.pk])).status_code in (
        403,
        404,
    )
    # The account side stays theirs.
    assert client.get(reverse("accounts:organisation_list")).status_code == 200
    assert client.get(reverse("accounts:registration_list")).status_code == 200
    # A municipal staff member reads them.
    client.force_login(MunicipalStaffFactory())
    assert client.get(reverse("supervision:alliance_detail", args=[alliance.pk])).status_code == 200
