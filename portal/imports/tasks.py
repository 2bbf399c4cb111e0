"""The dry run and the confirmed import, as Celery jobs reporting their progress.

The import runs in one transaction, so its progress is written through a connection of
its own (autocommit): the status page sees it while the import's rows are still
uncommitted. Progress is best-effort: a write that cannot be made at once is dropped."""

import logging

from celery import shared_task
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from . import service
from .models import ImportJob

logger = logging.getLogger(__name__)


def _progress_writer(job_id: int):
    def write(done: int, total: int) -> None:
        connection = connections.create_connection("default")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
                cursor.execute(
                    # The table's name is the model's, not anyone's input.
                    f"UPDATE {ImportJob._meta.db_table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                    [done, total, job_id],
                )
        except Exception:  # a progress bar never fails the import
            logger.debug("import progress not written", exc_info=True)
        finally:
            connection.close()

    return write


def _read(job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def _run(job, data: bytes, *, dry_run: bool, passed, refused) -> str:
    try:
        report = service.run(
            data,
            name=job.original_name,
            user=job.user,
            dry_run=dry_run,
            progress=_progress_writer(job.pk),
        )
    except Exception as exc:
        _failed(job, exc)
        raise
    job.report = report
    job.state = refused if report["refusal_count"] else passed
    job.done = job.total = report["rows"]
    job.finished_at = timezone.now()
    job.save(update_fields=["report", "state", "done", "total", "finished_at"])
    return job.state


# A hostile file must not hold a worker for ever: 10,000 alliances take about a minute
# (docs/benchmarks.md); at the limit the job is marked failed and nothing is written.
LIMITS = {"soft_time_limit": 15 * 60, "time_limit": 16 * 60}


@shared_task(acks_late=True, **LIMITS)
def check_import(job_id: int) -> str:
    """The dry run: the report of what the import would do; nothing is written."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.state != ImportJob.State.CHECKING:
        return job.state
    State = ImportJob.State
    return _run(job, _read(job), dry_run=True, passed=State.CHECKED, refused=State.REFUSED)


@shared_task(acks_late=True, **LIMITS)
def run_import(job_id: int) -> str:
    """The confirmed import, of the stored file whose SHA-256 was confirmed. Run twice (a
    worker lost after the commit), it finds every record there and changes nothing."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.state != ImportJob.State.IMPORTING:
        return job.state
    data = _read(job)
    if service.sha256_of(data) != job.sha256:
        message = _("存储的文件与确认时的文件不一致（SHA-256不符），未导入任何数据。")
        job.report = {**job.report, "refusals": [message], "refusal_count": 1}
        job.state, job.error, job.finished_at = ImportJob.State.FAILED, message, timezone.now()
        job.save(update_fields=["report", "state", "error", "finished_at"])
        return job.state
    State = ImportJob.State
    return _run(job, data, dry_run=False, passed=State.DONE, refused=State.FAILED)


def _failed(job, exc) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
    )
