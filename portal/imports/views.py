"""The import pages, for the municipal staff only (三员分立: the system administrator keeps
accounts and policy and reads no business record, docs/decisions.md): the template, the
upload (checked by content, then a dry run), the report, the confirmation (POST, naming
the dry run's SHA-256) and the result."""

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import in_log_language, record
from core import outbox
from core.downloads import attachment_response

from .columns import MAX_BYTES
from .forms import ConfirmForm, UploadForm
from .models import ImportJob
from .reading import FileRefused, check_file
from .tasks import check_import, run_import
from .template import build_template

IMPORT_ROLES = (Role.MUNICIPAL_STAFF,)
REPORT_LINES_SHOWN = 500


@role_required(*IMPORT_ROLES)
def import_list(request, form=None, refusals=()):
    jobs = request.user.import_jobs.all()[:20]
    context = {"form": form or UploadForm(), "jobs": jobs, "refusals": refusals}
    return render(request, "portal/imports/list.html", context, status=400 if refusals else 200)


@role_required(*IMPORT_ROLES)
def import_template(request):
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment_response(build_template(), f"历史数据导入模板-{stamp}.xlsx")


@role_required(*IMPORT_ROLES)
@require_POST
def import_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return import_list(request, form=form)
    uploaded = form.cleaned_data["file"]
    name = (uploaded.name or "")[:200]
    if uploaded.size > MAX_BYTES:
        # Refused before reading it into memory.
        refusals = [
            _("文件大小超过了%(limit)d MB的上限：请分批导入。") % {"limit": MAX_BYTES // 2**20}
        ]
        return import_list(request, form=form, refusals=refusals)
    data = uploaded.read()
    try:
        check_file(data, name)
    except FileRefused as refused:
        return import_list(request, form=form, refusals=refused.messages)
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        job = ImportJob(
            user=request.user,
            state=ImportJob.State.CHECKING,
            original_name=name,
            size=len(data),
            sha256=sha256,
        )
        job.file.save("import.xlsx", ContentFile(data), save=False)
        job.save()
        record(
            subject=job,
            action="import_upload",
            action_label=gettext_lazy("上传历史数据导入文件（试导入）"),
            actor=request.user,
            target=job.state,
            reason=file_reason(name, sha256),
        )
        outbox.enqueue(check_import, job.pk)
    return redirect("portal:import_detail", job.pk)


def file_reason(name, sha256) -> str:
    return in_log_language(
        lambda: _("文件：%(name)s，SHA-256：%(sha)s") % {"name": name, "sha": sha256}
    )


def _own_job(request, pk) -> ImportJob:
    return get_object_or_404(request.user.import_jobs, pk=pk)


@role_required(*IMPORT_ROLES)
def import_detail(request, pk):
    job = _own_job(request, pk)
    report = job.report or {}
    lines = report.get("lines", [])
    context = {
        "job": job,
        "report": report,
        "lines": lines[:REPORT_LINES_SHOWN],
        "more_lines": max(0, len(lines) - REPORT_LINES_SHOWN),
        "confirm": ConfirmForm(initial={"sha256": job.sha256}),
    }
    template = "portal/imports/status.html" if request.htmx else "portal/imports/detail.html"
    return render(request, template, context)


def stored_digest(job) -> str:
    digest = hashlib.sha256()
    with job.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@role_required(*IMPORT_ROLES)
@require_POST
def import_confirm(request, pk):
    with transaction.atomic():
        job = get_object_or_404(request.user.import_jobs.select_for_update(), pk=pk)
        form = ConfirmForm(request.POST)
        if job.state != ImportJob.State.CHECKED:
            messages.error(
                request,
                _("该文件当前状态为“%(state)s”，不能导入。") % {"state": job.get_state_display()},
            )
            return redirect("portal:import_detail", job.pk)
        if not form.is_valid() or form.cleaned_data["sha256"] != job.sha256:
            raise PermissionDenied(_("确认的文件与试导入的文件不一致。"))
        if stored_digest(job) != job.sha256:
            messages.error(
                request,
                _("存储的文件与试导入时的文件不一致（SHA-256不符），未导入任何数据。请重新上传。"),
            )
            return redirect("portal:import_detail", job.pk)
        job.state, job.confirmed_at = ImportJob.State.IMPORTING, timezone.now()
        job.done = 0
        job.save(update_fields=["state", "confirmed_at", "done"])
        record(
            subject=job,
            action="import_confirm",
            action_label=gettext_lazy("确认导入历史数据"),
            actor=request.user,
            source=ImportJob.State.CHECKED,
            target=job.state,
            reason=_("文件：%(name)s，SHA-256：%(sha)s")
            % {"name": job.original_name, "sha": job.sha256},
        )
        outbox.enqueue(run_import, job.pk)
    return redirect("portal:import_detail", job.pk)
