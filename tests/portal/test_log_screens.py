"""The security auditor's log screens (issue 14): 操作日志 and 登录日志.

Only the auditor reads them (the administrator does not: 三员分立); each filter narrows
the rows; a page's queries do not grow with its rows; each row says in Chinese who did
what, on which record, from which state to which, from which address; nothing edits or
deletes an entry.
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit.models import AuditEntry, record
from filings.models import Filing
from portal import logs
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    SecurityAdminFactory,
    draft_filing,
    filing_in_state,
)

pytestmark = pytest.mark.django_db

OPERATIONS = "logs:operations"
LOGINS = "logs:logins"
OTHERS = {
    "admin": AdminFactory,
    "staff": MunicipalStaffFactory,
    "county": CountyReviewerFactory,
    "lead": LeadUnitUserFactory,
    "evaluator": EvaluatorFactory,
    "security_admin": SecurityAdminFactory,
}
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def auditor():
    return AuditorFactory(last_name="审", first_name="计")


def entry_ids(response) -> list[int]:
    return [row.entry.pk for row in response.context["rows"]]


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def entry_at(when, **kwargs):
    with time_machine.travel(when, tick=False):
        return record(**kwargs)


# --- Who reads them ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", [OPERATIONS, LOGINS])
def test_only_the_auditor_reads_the_logs(client, auditor, url_name):
    url = reverse(url_name)
    client.force_login(auditor)
    response = client.get(url)
    assert response.status_code == 200
    assert "筛选" in response.content.decode()
    for role, factory in OTHERS.items():
        client.force_login(factory())
        assert client.get(url).status_code == 403, role
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_only_the_auditor_opens_an_entry(client, auditor):
    entry = record(subject=None, action="x", action_label="测试操作", actor=None, reason="一条记录")
    url = reverse("logs:entry", args=[entry.pk])
    client.force_login(auditor)
    page = client.get(url).content.decode()
    assert "测试操作" in page and "一条记录" in page
    for role, factory in OTHERS.items():
        client.force_login(factory())
        assert client.get(url).status_code == 403, role
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(auditor)
    assert client.get(reverse("logs:entry", args=[entry.pk + 1000])).status_code == 404


@pytest.mark.parametrize("url_name", ["logs:operations_export", "logs:logins_export"])
def test_only_the_auditor_exports_and_only_by_post(client, auditor, url_name):
    from portal.models import ExportJob

    record(subject=None, action="x", action_label="测试", actor=None)
    url = reverse(url_name)
    for role, factory in OTHERS.items():
        client.force_login(factory())
        assert client.post(url).status_code == 403, role
    client.logout()
    assert client.post(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(auditor)
    assert client.get(url).status_code == 405
    assert not ExportJob.objects.exists()


def test_the_administrator_reads_no_log_in_the_admin_either(client):
    admin = AdminFactory()
    client.force_login(admin)
    for path in (
        "/admin/audit/auditentry/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
    ):
        assert client.get(path).status_code == 403, path
    index = client.get("/admin/").content.decode()
    assert "/admin/audit/auditentry/" not in index
    assert "/admin/axes/accesslog/" not in index
    assert "/admin/axes/accessattempt/" in index  # the lockouts: read-only, see test_admin


def test_no_url_edits_or_deletes_an_entry():
    for name in ("entry_edit", "entry_delete", "delete", "edit", "change"):
        with pytest.raises(NoReverseMatch):
            reverse(f"logs:{name}", args=[1])


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_the_entry_page_only_reads(client, auditor, method):
    entry = record(subject=None, action="x", action_label="测试", actor=None, reason="原文")
    client.force_login(auditor)
    response = getattr(client, method)(reverse("logs:entry", args=[entry.pk]))
    assert response.status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).reason == "原文"


def test_the_auditors_home_links_the_two_logs(client, auditor):
    lead = LeadUnitUserFactory()
    client.post(reverse("accounts:login"), {"username": lead.username, "password": "wrong"})
    client.force_login(auditor)
    page = client.get(reverse("portal:home")).content.decode()
    assert "安全审计员工作台" in page
    assert reverse(OPERATIONS) in page and reverse(LOGINS) in page
    assert "最近 24 小时登录失败 1 次" in page
    assert "至少保留 180 天" in page
    # The navigation offers the logs and no business page.
    nav = page.split("<main", 1)[0]
    assert reverse(OPERATIONS) in nav and reverse(LOGINS) in nav
    assert reverse("filings:municipal_queue") not in nav
    assert reverse("supervision:alliance_list") not in nav
    assert "安全审计员" in nav  # the role in the user menu


def test_the_administrators_home_does_not_link_the_logs(client):
    client.force_login(AdminFactory())
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse(OPERATIONS) not in page and reverse(LOGINS) not in page


# --- The rows ---------------------------------------------------------------------------------


def test_a_row_says_who_did_what_on_which_record_from_which_state_in_chinese(client, auditor):
    filing = filing_in_state(Filing.State.MUNICIPAL_REVIEW)
    client.force_login(auditor)
    response = client.get(reverse(OPERATIONS), {"record_type": "filings.filing"})
    rows = {row.entry.action: row for row in response.context["rows"]}
    recommend = rows["recommend"]
    assert recommend.role == "县级科技主管部门"
    assert recommend.record_type == "备案申请"
    assert recommend.record == str(filing)
    assert (recommend.source, recommend.target) == ("县级初审中", "市级审核中")
    page = response.content.decode()
    assert "县级初审中 → 市级审核中" in page
    assert f"备案申请 #{filing.pk}" in page
    assert recommend.entry.actor.get_full_name() in page


def test_entries_are_listed_newest_first_25_a_page(client, auditor):
    for n in range(30):
        entry_at(
            at(2026, 3, 1) + datetime.timedelta(minutes=n),
            subject=None,
            action="x",
            action_label=f"操作{n}",
            actor=None,
        )
    client.force_login(auditor)
    first = client.get(reverse(OPERATIONS), {"action": "操作"})  # not the auditor's login
    labels = [row.entry.action_label for row in first.context["rows"]]
    assert len(labels) == 25
    assert labels[:2] == ["操作29", "操作28"]
    second = client.get(reverse(OPERATIONS), {"action": "操作", "page": 2})
    assert [row.entry.action_label for row in second.context["rows"]][-1] == "操作0"


def test_the_client_address_is_recorded_and_shown(client, auditor):
    lead = LeadUnitUserFactory()
    client.post(
        reverse("accounts:login"),
        {"username": lead.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    entry = AuditEntry.objects.get(action="login")
    assert entry.ip == "203.0.113.7"
    client.force_login(auditor)
    page = client.get(reverse("logs:entry", args=[entry.pk])).content.decode()
    assert "203.0.113.7" in page
    assert "203.0.113.7" in client.get(reverse(LOGINS)).content.decode()


def test_a_deleted_record_is_said_to_be_deleted(client, auditor):
    lead = LeadUnitUserFactory()
    record(subject=lead, action="x", action_label="测试", actor=None)
    user_pk = lead.pk
    lead.delete()
    client.force_login(auditor)
    response = client.get(reverse(OPERATIONS), {"record_type": "accounts.user", "action": "测试"})
    [row] = response.context["rows"]
    assert row.entry.object_id == user_pk and row.record == "" and row.record_missing
    assert "（记录已删除）" in response.content.decode()


# --- Filters ------------------------------------------------------------------------------------


@pytest.fixture
def varied(auditor):
    """Entries that differ in one respect each: who, role, action, record, day, result, IP."""
    staff = MunicipalStaffFactory(last_name="王", first_name="建国", username="wangjg")
    county = CountyReviewerFactory(last_name="刘", first_name="洋", username="liuyang")
    lead = LeadUnitUserFactory(username="leadunit")
    filing = filing_in_state(Filing.State.DRAFT, lead_user=lead)
    e = {}
    from audit.models import client_address

    with client_address("198.51.100.20"):
        e["staff"] = entry_at(
            at(2026, 3, 10),
            subject=filing,
            action="approve",
            action_label="予以备案",
            actor=staff,
            source="municipal_review",
            target="filed",
        )
    e["county"] = entry_at(
        at(2026, 3, 12, 1),  # 01:00 in Shanghai is the 11th in UTC
        subject=filing,
        action="recommend",
        action_label="推荐",
        actor=county,
    )
    e["failed"] = entry_at(
        at(2026, 3, 14),
        subject=lead,
        action="login_failed",
        action_label="登录失败",
        actor=None,
        reason="leadunit 192.0.2.1",
    )
    e["system"] = entry_at(
        at(2026, 3, 16), subject=None, action="audit_chain_keyed", action_label="签封", actor=None
    )
    e["others"] = set(AuditEntry.objects.values_list("pk", flat=True)) - {x.pk for x in e.values()}
    return e


def filtered(client, url_name, **params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return set(entry_ids(response))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "王建"}, {"staff"}),
        ({"user": "LIUYANG"}, {"county"}),  # user name, any case
        ({"role": "county_reviewer"}, {"county"}),
        ({"role": "none"}, {"failed", "system"}),
        ({"action": "备案"}, {"staff"}),
        ({"record_type": "accounts.user"}, {"failed"}),
        ({"record_type": "none"}, {"system"}),
        ({"since": "2026-03-12", "until": "2026-03-14"}, {"county", "failed"}),
        ({"until": "2026-03-11"}, {"staff"}),  # the 12th at 01:00 in Shanghai is not the 11th
        ({"since": "2026-03-16"}, {"system"}),
        ({"result": "failure"}, {"failed"}),
        ({"ip": "198.51.100"}, {"staff"}),
        ({"ip": "192.0.2.1"}, {"failed"}),  # before the address had a column: its reason
    ],
)
def test_each_filter_of_the_operation_log_narrows_the_rows(client, varied, params, expected):
    client.force_login(AuditorFactory())
    everything = filtered(client, OPERATIONS, since="2026-03-01", until="2026-03-31")
    assert {varied[k].pk for k in ("staff", "county", "failed", "system")} <= everything
    got = filtered(client, OPERATIONS, **{"since": "2026-03-01", "until": "2026-03-31", **params})
    assert got == {varied[k].pk for k in expected}


def test_the_record_filter_finds_one_record(client, varied):
    client.force_login(AuditorFactory())
    filing_pk = varied["staff"].object_id
    got = filtered(client, OPERATIONS, record_type="filings.filing", record_id=filing_pk)
    assert {varied["staff"].pk, varied["county"].pk} <= got
    assert all(
        e.object_id == filing_pk and e.content_type.model == "filing"
        for e in AuditEntry.objects.filter(pk__in=got)
    )
    assert filtered(client, OPERATIONS, record_type="filings.filing", record_id=10**9) == set()


def test_the_result_filter_success_keeps_what_was_done(client, varied):
    client.force_login(AuditorFactory())
    got = filtered(client, OPERATIONS, result="success")
    assert varied["failed"].pk not in got
    assert {varied["staff"].pk, varied["system"].pk} <= got


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-03-14", "until": "2026-03-12"},
        {"since": "1899-01-01"},
        {"until": "9999-12-31"},
        {"record_id": "1.5"},
        {"record_id": "9" * 30},
        {"role": "superuser"},
        {"record_type": "auth.permission"},
    ],
)
def test_invalid_conditions_show_an_error_and_no_rows(client, varied, params):
    client.force_login(AuditorFactory())
    response = client.get(reverse(OPERATIONS), params)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["filter"].errors
    assert "筛选条件有误" in response.content.decode()


@pytest.fixture
def login_events(client):
    """Real events through the login page: a login, a logout, a failure, a lockout, a
    failure for a name nobody has, and a two-factor event."""
    alice = LeadUnitUserFactory(username="alice", last_name="艾", first_name="丽")
    bob = LeadUnitUserFactory(username="bob")
    login = reverse("accounts:login")
    client.post(login, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="198.51.100.1")
    for _ in range(5):
        client.post(login, {"username": "bob", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post(login, {"username": "ghost", "password": "x"}, REMOTE_ADDR="203.0.113.10")
    record(
        subject=alice,
        action="two_factor_failed",
        action_label="两步验证码错误",
        actor=alice,
        reason="登录时",
    )
    # Not login events: they stay out of the login log.
    record(subject=None, action="export", action_label="导出联盟名录", actor=alice)
    client.logout()
    return {"alice": alice, "bob": bob}


def test_the_login_log_shows_login_events_only(client, login_events):
    client.force_login(AuditorFactory())
    response = client.get(reverse(LOGINS))
    actions = [row.entry.action for row in response.context["rows"]]
    assert set(actions) == {"login", "logout", "login_failed", "lockout", "two_factor_failed"}
    assert actions.count("login_failed") == 6
    assert actions.count("lockout") == 1
    lockout = next(r for r in response.context["rows"] if r.entry.action == "lockout")
    assert "bob" in lockout.account
    assert lockout.entry.ip == "203.0.113.9" and lockout.failed
    assert "连续登录失败5次，锁定30分钟" in lockout.entry.reason
    ghost = next(r for r in response.context["rows"] if "ghost" in r.entry.reason)
    assert ghost.account == "输入的用户名“ghost”（无此账号）"
    page = response.content.decode()
    assert "登录锁定" in page and "失败" in page and "203.0.113.9" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "alice"}, {"login", "logout", "two_factor_failed"}),
        ({"user": "艾丽"}, {"login", "logout", "two_factor_failed"}),
        ({"user": "bob"}, {"login_failed", "lockout"}),
        ({"user": "ghost"}, {"login_failed"}),
        ({"kind": "lockout"}, {"lockout"}),
        ({"kind": "two_factor"}, {"two_factor_failed"}),
        ({"kind": "logout"}, {"logout"}),
        ({"result": "success"}, {"login", "logout"}),
        ({"ip": "203.0.113.10"}, {"login_failed"}),
        ({"ip": "198.51.100.1"}, {"login", "logout"}),
    ],
)
def test_each_filter_of_the_login_log_narrows_the_rows(client, login_events, params, expected):
    client.force_login(AuditorFactory())
    response = client.get(reverse(LOGINS), params)
    assert {row.entry.action for row in response.context["rows"]} == expected


def test_the_security_administrators_unlocks_and_ended_sessions_are_login_events(client, auditor):
    lead = LeadUnitUserFactory()
    admin = SecurityAdminFactory()
    unlock = record(
        subject=lead,
        action="lockout_reset",
        action_label="解除登录锁定",
        actor=admin,
        reason="本人来电",
    )
    ended = record(
        subject=lead, action="session_ended", action_label="强制下线", actor=admin, reason="离职"
    )
    export = record(subject=lead, action="export", action_label="导出联盟名录", actor=lead)
    client.force_login(auditor)  # itself a login event
    shown = filtered(client, LOGINS)
    assert {unlock.pk, ended.pk} <= shown and export.pk not in shown
    assert filtered(client, LOGINS, kind="lockout") == {unlock.pk}
    assert filtered(client, LOGINS, kind="logout") == {ended.pk}


def test_the_login_log_date_filter(client, auditor):
    lead = LeadUnitUserFactory()
    old = entry_at(at(2026, 1, 5), subject=lead, action="login", action_label="登录", actor=lead)
    new = entry_at(at(2026, 2, 5), subject=lead, action="login", action_label="登录", actor=lead)
    client.force_login(auditor)
    assert filtered(client, LOGINS, until="2026-01-31") == {old.pk}
    assert filtered(client, LOGINS, since="2026-02-01", until="2026-02-05") == {new.pk}


# --- Queries do not grow with the rows ---------------------------------------------------------


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


def _probes(count):
    """``count`` entries on each of three record types whose names read other rows (a
    filing reads its alliance, a user nothing, a unit nothing) and on no record."""
    for _ in range(count):
        filing = draft_filing()
        for subject in (filing, filing.created_by, filing.alliance.lead_unit, None):
            record(subject=subject, action="probe", action_label="探测", actor=filing.created_by)


def _login_events(count):
    for _ in range(count):
        user = LeadUnitUserFactory()
        record(subject=user, action="login", action_label="登录", actor=user)
        record(subject=user, action="login_failed", action_label="登录失败", actor=None)
        record(subject=None, action="login_failed", action_label="登录失败", actor=None)


@pytest.mark.parametrize(
    ("url_name", "params", "make"),
    [(OPERATIONS, {"action": "探测"}, _probes), (LOGINS, {"since": "2000-01-01"}, _login_events)],
)
def test_queries_do_not_grow_with_the_rows(client, auditor, url_name, params, make):
    """Each row names its record: one query per record type on the page, not per row."""
    client.force_login(auditor)
    make(1)
    client.get(reverse(url_name), params)  # warm the content-type cache
    few, few_rows = _queries(client, reverse(url_name), params)
    make(5)
    many, many_rows = _queries(client, reverse(url_name), params)
    assert many_rows >= 4 * few_rows - 1  # (the auditor's own login is in the login log)
    assert many == few, f"{few} queries for {few_rows} rows, {many} for {many_rows}"
    rows = client.get(reverse(url_name), params).context["rows"]
    assert all(row.record for row in rows if row.entry.object_id)


def test_the_entry_page_reads_a_bounded_number_of_queries(client, auditor):
    filing = filing_in_state(Filing.State.FILED)
    entry = AuditEntry.objects.for_object(filing).last()
    client.force_login(auditor)
    client.get(reverse("logs:entry", args=[entry.pk]))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("logs:entry", args=[entry.pk])).content.decode()
    assert len(captured) <= 12
    assert "同一记录的其他操作" in page
    assert re.search(r"已签封|尚未签封", page)


def test_the_export_conditions_are_the_valid_filters(auditor, varied):
    filterset = logs.OperationLogFilter(
        {"user": " 王建 ", "role": "", "page": "3", "since": "2026-03-01"},
        queryset=AuditEntry.objects.all(),
    )
    assert filterset.is_valid()
    assert filterset.conditions() == {"user": "王建", "since": "2026-03-01"}


def test_times_are_shown_in_shanghai_time(client, auditor):
    entry = entry_at(
        datetime.datetime(2026, 3, 11, 17, 30, tzinfo=datetime.UTC),
        subject=None,
        action="x",
        action_label="测试",
        actor=None,
    )
    client.force_login(auditor)
    page = client.get(reverse("logs:entry", args=[entry.pk])).content.decode()
    assert "2026-03-12 01:30:00" in page
    assert timezone.get_default_timezone_name() == "Asia/Shanghai"


def test_a_typed_name_that_looks_like_an_account_is_shown_as_typed(client):
    """The penetration test typed "admin 10.66.66.66 junk": the log named the administrator."""
    AdminFactory(username="admin")
    client.post(
        reverse("accounts:login"),
        {"username": "admin 10.66.66.66 junk\nroot", "password": "x"},
        REMOTE_ADDR="203.0.113.77",
    )
    client.force_login(AuditorFactory())
    rows = client.get(reverse(LOGINS)).context["rows"]
    row = next(r for r in rows if r.entry.action == "login_failed")
    assert row.account == "输入的用户名“admin 10.66.66.66 junk root”（无此账号）"
