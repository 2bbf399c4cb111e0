"""Files kept only as long as they are needed (portal.retention): an export 7 days, an
import's workbook 180 days after it ended, a dry run nobody confirmed 7 days."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from audit.models import AuditEntry
from portal import retention
from portal.imports.models import ImportJob
from portal.models import ExportJob
from portal.tasks import purge_expired_files
from tests.factories import MunicipalStaffFactory

pytestmark = pytest.mark.django_db


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def export(user, *, age_days):
    job = ExportJob.objects.create(user=user, kind=ExportJob.Kind.ALLIANCES, state="done")
    job.file.save("export.xlsx", ContentFile(b"PK data"), save=False)
    job.finished_at = days_ago(age_days)
    job.save()
    return job


def import_job(user, *, state, age_days):
    job = ImportJob(user=user, state=state, original_name="名录.xlsx", size=7, sha256="a" * 64)
    job.file.save("upload.xlsx", ContentFile(b"PK data"), save=False)
    job.finished_at = days_ago(age_days)
    job.save()
    return job


def stored(job) -> bool:
    return bool(job.file) and job.file.storage.exists(job.file.name)


def test_an_export_is_deleted_after_its_week_and_the_list_says_so(
    client, django_capture_on_commit_callbacks
):
    staff = MunicipalStaffFactory()
    old, recent = export(staff, age_days=7.1), export(staff, age_days=6.9)
    old_name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_expired_exports() == 1
    entry = AuditEntry.objects.for_object(old).get(action="export_file_purged")
    assert entry.reason == f"保存期满（7天），删除{staff.username}的导出文件：联盟名录"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not recent.file.storage.exists(old_name)
    assert stored(recent)
    client.force_login(staff)
    assert client.get(f"/exports/{old.pk}/download/").status_code == 404
    page = client.get("/exports/").content.decode()
    assert "已过期" in page and "导出文件保留7天" in page
    detail = client.get(f"/exports/{old.pk}/").content.decode()
    assert 'data-testid="export-expired"' in detail and "export-download" not in detail
    assert client.get(f"/exports/{recent.pk}/download/").status_code == 200


def test_an_export_whose_worker_died_is_failed_after_its_week():
    staff = MunicipalStaffFactory()
    stuck = ExportJob.objects.create(user=staff, kind=ExportJob.Kind.FILINGS, state="running")
    ExportJob.objects.filter(pk=stuck.pk).update(created_at=days_ago(8))
    running = ExportJob.objects.create(user=staff, kind=ExportJob.Kind.FILINGS, state="running")
    assert retention.purge_expired_exports() == 1
    stuck.refresh_from_db()
    assert stuck.state == ExportJob.State.FAILED and "超过7天" in stuck.error
    assert ExportJob.objects.get(pk=running.pk).state == "running"
    assert retention.purge_expired_exports() == 0  # done once


def test_an_import_workbook_is_kept_180_days_after_the_import_and_its_deletion_logged(
    django_capture_on_commit_callbacks,
):
    staff = MunicipalStaffFactory()
    old = import_job(staff, state=ImportJob.State.DONE, age_days=181)
    recent = import_job(staff, state=ImportJob.State.DONE, age_days=179)
    name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_expired_imports() == 1
    old.refresh_from_db()
    assert not old.file and not recent.file.storage.exists(name)
    assert old.state == ImportJob.State.DONE and old.sha256 == "a" * 64
    assert stored(ImportJob.objects.get(pk=recent.pk))
    entry = AuditEntry.objects.for_object(old).get(action="import_file_purged")
    assert entry.reason == f"保存期满（180天），删除文件：名录.xlsx，SHA-256：{'a' * 64}"
    assert entry.actor_id is None


def test_an_unconfirmed_dry_run_expires_and_cannot_be_imported(
    client, django_capture_on_commit_callbacks
):
    staff = MunicipalStaffFactory()
    stale = import_job(staff, state=ImportJob.State.CHECKED, age_days=8)
    fresh = import_job(staff, state=ImportJob.State.CHECKED, age_days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_files() == {"exports": 0, "imports": 1}
    stale.refresh_from_db()
    assert stale.state == ImportJob.State.FAILED and not stale.file
    assert "超过7天未确认" in stale.error
    assert ImportJob.objects.get(pk=fresh.pk).state == ImportJob.State.CHECKED
    client.force_login(staff)
    response = client.post(f"/imports/{stale.pk}/confirm/", {"sha256": "a" * 64})
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.state == ImportJob.State.FAILED and stale.confirmed_at is None


def test_the_purge_runs_daily():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["purge-expired-files-daily"]
    assert schedule["task"] == "portal.tasks.purge_expired_files"
