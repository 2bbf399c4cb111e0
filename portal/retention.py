"""How long the files of exports and imports are kept (docs/operations.md, "Retention").

An export is a copy of private records made for one user to download: it is deleted
``PORTAL_EXPORT_KEEP_DAYS`` (7) days after it was built; the row stays, saying 已过期, and
the user builds a new one (a job whose worker died is failed after the same week). An
import's uploaded workbook is the evidence of what was
brought in: kept ``PORTAL_IMPORT_KEEP_DAYS`` (180, like the logs) after the import ended,
its SHA-256 and row report kept for good in the audit log and on the job. A dry run nobody
confirmed expires after ``PORTAL_IMPORT_CONFIRM_DAYS`` (7): its file is deleted and the job
fails with a message asking for a new upload, so that a stale check is never imported.
Each deleted import file is recorded in the audit log."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record

from .imports.models import ImportJob
from .models import ExportJob

EXPORT_REASON = gettext_lazy("保存期满（%(days)d天），删除%(user)s的导出文件：%(kind)s")
KEPT_REASON = gettext_lazy("保存期满（%(days)d天），删除文件：%(name)s，SHA-256：%(sha)s")
UNCONFIRMED_REASON = gettext_lazy(
    "试导入后超过%(days)d天未确认，删除文件：%(name)s，SHA-256：%(sha)s"
)
IMPORT_FINAL = (ImportJob.State.DONE, ImportJob.State.REFUSED, ImportJob.State.FAILED)


def _before(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def purge_expired_exports() -> int:
    """Delete exports' files past their week, each recorded in the audit log; a job that
    never finished (its worker died) is failed after the same week, its file (if any)
    deleted too."""
    keep = settings.PORTAL_EXPORT_KEEP_DAYS
    before = _before(keep)
    finished = Q(finished_at__lt=before)
    stuck = Q(finished_at__isnull=True, created_at__lt=before)
    count = 0
    for job in (
        ExportJob.objects.select_related("user")
        .filter(finished | stuck)
        .exclude(file="", finished_at__isnull=False)
    ):
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            name, source = job.file.name, job.state
            update = {"file": ""}
            if job.finished_at is None:
                update.update(
                    state=ExportJob.State.FAILED,
                    error=_("导出未完成（超过%(days)d天），已终止。") % {"days": keep},
                    finished_at=timezone.now(),
                )
            ExportJob.objects.filter(pk=job.pk).update(**update)
            record(
                subject=job,
                action="export_file_purged",
                action_label=gettext_lazy("删除过期导出文件"),
                actor=None,
                source=source,
                target=update.get("state", source),
                reason=str(EXPORT_REASON)
                % {"days": keep, "kind": job.get_kind_display(), "user": job.user.username},
            )
            if name:
                storage = job.file.storage
                transaction.on_commit(lambda s=storage, n=name: s.delete(n))
        count += 1
    return count


def _purge_import(job, reason, days: int, *, expire: bool) -> None:
    """Delete ``job``'s file, recorded with ``reason`` (lazy: the log's language)."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.file:
            return
        name = job.file.name
        source = job.state
        job.file = ""
        update = ["file"]
        if expire and job.state == ImportJob.State.CHECKED:
            job.state = ImportJob.State.FAILED
            job.error = _(
                "试导入结果已超过%(days)d天未确认，文件已删除。请重新上传后再试导入。"
            ) % {"days": days}
            job.finished_at = timezone.now()
            update += ["state", "error", "finished_at"]
        job.save(update_fields=update)
        record(
            subject=job,
            action="import_file_purged",
            action_label=gettext_lazy("删除历史数据导入文件"),
            actor=None,
            source=source,
            target=job.state,
            reason=str(reason) % {"name": job.original_name, "sha": job.sha256, "days": days},
        )
        # The file goes once the record of its going is committed.
        transaction.on_commit(lambda: job.file.storage.delete(name))


def purge_expired_imports() -> int:
    count = 0
    ended = ImportJob.objects.exclude(file="").filter(
        state__in=IMPORT_FINAL, finished_at__lt=_before(settings.PORTAL_IMPORT_KEEP_DAYS)
    )
    for job in ended.iterator():
        _purge_import(job, KEPT_REASON, settings.PORTAL_IMPORT_KEEP_DAYS, expire=False)
        count += 1
    unconfirmed = ImportJob.objects.exclude(file="").filter(
        state=ImportJob.State.CHECKED,
        finished_at__lt=_before(settings.PORTAL_IMPORT_CONFIRM_DAYS),
    )
    for job in unconfirmed.iterator():
        _purge_import(job, UNCONFIRMED_REASON, settings.PORTAL_IMPORT_CONFIRM_DAYS, expire=True)
        count += 1
    return count
