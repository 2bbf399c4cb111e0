from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from filings.models import Alliance

from .dossier import build_dossier
from .exports import build_workbook
from .models import ExportJob


@shared_task(acks_late=True)
def run_export(job_id: int) -> str:
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)

    def progress(done, total):
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        if job.kind == ExportJob.Kind.DOSSIER:
            alliance = Alliance.objects.get(pk=job.params["alliance"])
            data, suffix = build_dossier(alliance), ".zip"
        else:
            data, suffix = build_workbook(job.kind, job.user, job.params, progress), ".xlsx"
    except Exception as exc:  # recorded for the user, then re-raised for the logs
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    job.file.save(f"export{suffix}", ContentFile(data), save=False)
    job.state, job.finished_at = ExportJob.State.DONE, timezone.now()
    job.save(update_fields=["file", "state", "finished_at"])
    return job.state


@shared_task
def purge_expired_files() -> dict:
    """Daily: exports' and imports' files past their keeping (portal.retention)."""
    from . import retention

    return {
        "exports": retention.purge_expired_exports(),
        "imports": retention.purge_expired_imports(),
    }


# The import's jobs live in their package; imported here so that Celery registers them.
from .imports.tasks import check_import, run_import  # noqa: E402,F401
