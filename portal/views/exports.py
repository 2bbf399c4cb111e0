from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from core import outbox
from core.downloads import attachment_response
from filings.selectors import alliances_visible_to

from ..models import ExportJob
from ..tasks import run_export

EXPORT_ROLES = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)
FILTER_KEYS = ("status", "category", "jurisdiction", "state", "year")


def _start(request, kind, params):
    job = ExportJob.objects.create(user=request.user, kind=kind, params=params)
    outbox.enqueue(run_export, job.pk)
    return redirect("portal:export_detail", job.pk)


@role_required(*EXPORT_ROLES)
@require_POST
def export_new(request):
    kind = request.POST.get("kind")
    if kind not in (ExportJob.Kind.ALLIANCES, ExportJob.Kind.FILINGS):
        raise Http404
    params = {k: request.POST[k] for k in FILTER_KEYS if request.POST.get(k)}
    return _start(request, kind, params)


@role_required(*STAFF_ROLES)
@require_POST
def dossier_new(request, alliance_pk):
    """The audit dossier: municipal staff, including the alliance's liaison officer."""
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    return _start(request, ExportJob.Kind.DOSSIER, {"alliance": alliance.pk})


@role_required(*EXPORT_ROLES)
def export_list(request):
    jobs = request.user.export_jobs.all()[:50]
    return render(request, "portal/exports.html", {"jobs": jobs})


def _own_job(request, pk) -> ExportJob:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(request.user.export_jobs, pk=pk)


@role_required(*EXPORT_ROLES)
def export_detail(request, pk):
    job = _own_job(request, pk)
    template = "portal/export_status.html" if request.htmx else "portal/export_detail.html"
    return render(request, template, {"job": job})


@role_required(*EXPORT_ROLES)
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d-%H%M")
    suffix = ".zip" if job.kind == ExportJob.Kind.DOSSIER else ".xlsx"
    name = f"{job.get_kind_display()}-{stamp}{suffix}"
    return attachment_response(job.file, name)
