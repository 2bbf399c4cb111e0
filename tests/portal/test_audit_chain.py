import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.chain import seal_pending, verify_chain
from audit.models import AppendOnlyError, AuditEntry
from tests.factories import filing_in_state

pytestmark = pytest.mark.django_db


def tamper(sql, params):
    """What an attacker with database access would do: bypass the app and the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.fixture
def sealed_log():
    filing_in_state("filed")
    seal_pending()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) >= 4 and all(e.seq for e in entries)
    return entries


def test_intact_chain_verifies(sealed_log, capsys):
    checked, problems = verify_chain()
    assert (checked, problems) == (len(sealed_log), [])
    call_command("verify_audit_chain")
    assert "完整" in capsys.readouterr().out


def test_edited_row_is_detected(sealed_log):
    victim = sealed_log[1]
    tamper("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["改过的理由", victim.pk])
    _checked, problems = verify_chain()
    assert [p.seq for p in problems] == [victim.seq]
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")


def test_deleted_row_is_detected(sealed_log):
    victim = sealed_log[2]
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    _checked, problems = verify_chain()
    assert problems and problems[0].seq == victim.seq
    assert "缺失" in problems[0].message


def test_deleted_last_row_is_detected(sealed_log):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [sealed_log[-1].pk])
    _checked, problems = verify_chain()
    assert problems and "末尾" in problems[-1].message


def test_the_application_refuses_to_change_or_delete_entries(sealed_log):
    entry = sealed_log[0]
    entry.reason = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")


@pytest.mark.postgres
def test_the_database_refuses_updates_and_deletes(sealed_log):
    from django.db import InternalError

    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [sealed_log[0].pk])
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [sealed_log[0].pk])


def test_logins_and_failed_logins_are_audited(client):
    from tests.factories import PASSWORD, LeadUnitUserFactory

    user = LeadUnitUserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    client.post("/accounts/logout/")
    actions = list(
        AuditEntry.objects.filter(action__startswith="log").values_list("action", flat=True)
    )
    assert actions == ["login_failed", "login", "logout"]


def test_lockout_after_repeated_failures(client, settings):
    from tests.factories import PASSWORD, LeadUnitUserFactory

    user = LeadUnitUserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "账号已临时锁定" in response.content.decode()
