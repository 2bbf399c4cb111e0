"""Each audit entry carries the client's address (issue 14), sealed into the chain when it
has one; entries without one — all those sealed before — keep exactly the content they
were sealed with (docs/decisions.md, "Separated duties and the log screens")."""

import json

import pytest
from django.urls import reverse

from audit.chain import canonical, seal_pending, verify_chain
from audit.models import AuditEntry, client_address, record
from tests.factories import PASSWORD, LeadUnitUserFactory, MunicipalStaffFactory

from .tampering import without_triggers

pytestmark = pytest.mark.django_db


def test_an_entry_records_the_address_of_the_request_it_was_written_in(client):
    user = LeadUnitUserFactory()
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.23",
    )
    assert AuditEntry.objects.get(action="login").ip == "198.51.100.23"


def test_behind_the_proxy_the_clients_address_is_recorded(client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    user = LeadUnitUserFactory()
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50",  # the first is the client's own claim
    )
    assert AuditEntry.objects.get(action="login_failed").ip == "203.0.113.50"


def test_outside_a_request_there_is_no_address():
    assert record(subject=None, action="x", action_label="任务", actor=None).ip == ""
    with client_address("not an address"):
        assert record(subject=None, action="x", action_label="任务", actor=None).ip == ""
    with client_address("2001:db8::1"):
        inner = record(subject=None, action="x", action_label="任务", actor=None)
    assert inner.ip == "2001:db8::1"
    with client_address("::ffff:203.0.113.7"):  # an IPv4 client on a dual-stack socket
        mapped = record(subject=None, action="x", action_label="任务", actor=None)
    assert mapped.ip == "203.0.113.7"
    assert record(subject=None, action="x", action_label="任务", actor=None).ip == ""


def test_an_entry_without_an_address_is_sealed_as_before():
    entry = record(subject=None, action="x", action_label="任务", actor=None, reason="理由")
    entry.refresh_from_db()
    # The twelve values the chain sealed before the address existed, and nothing else.
    assert json.loads(canonical(entry)) == [
        entry.pk,
        None,
        None,
        "x",
        "任务",
        "",
        "",
        None,
        "",
        "系统",
        "理由",
        entry.at.isoformat(),
    ]
    with client_address("198.51.100.1"):
        with_address = record(subject=None, action="x", action_label="任务", actor=None)
    with_address.refresh_from_db()
    assert json.loads(canonical(with_address))[-1] == "198.51.100.1"


def test_an_address_changed_in_a_sealed_entry_is_detected():
    staff = MunicipalStaffFactory()
    with client_address("198.51.100.1"):
        record(subject=staff, action="a", action_label="一", actor=staff)
    record(subject=staff, action="b", action_label="二", actor=staff)  # none recorded
    seal_pending()
    first, second = AuditEntry.objects.order_by("seq")
    assert verify_chain() == (2, [])
    without_triggers(
        ("UPDATE audit_auditentry SET ip = %s WHERE id = %s", ["203.0.113.66", first.pk]),
        ("UPDATE audit_auditentry SET ip = %s WHERE id = %s", ["203.0.113.66", second.pk]),
    )
    _checked, problems = verify_chain()
    assert [p.seq for p in problems] == [first.seq, second.seq]
    assert all("内容与签封不符" in p.message for p in problems)


@pytest.mark.postgres
def test_the_database_refuses_changing_the_address():
    from django.db import InternalError, connection, transaction

    entry = record(subject=None, action="x", action_label="任务", actor=None)
    seal_pending()
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET ip = '1.1.1.1' WHERE id = %s", [entry.pk])
