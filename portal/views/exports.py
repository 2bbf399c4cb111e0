from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required
from audit.models import record
from core import outbox
from core.downloads import attachment_response
from filings.selectors import alliances_visible_to

from ..forms import ExportForm
from ..models import ExportJob
from ..tasks import run_export

EXPORT_ROLES = (*STAFF_ROLES, Role.COUNTY_REVIEWER, Role.LEAD_UNIT)
AUDIT_LABELS = {
    ExportJob.Kind.ALLIANCES: gettext_lazy("导出联盟名录"),
    ExportJob.Kind.FILINGS: gettext_lazy("导出备案申请"),
    ExportJob.Kind.DOSSIER: gettext_lazy("生成联盟档案包"),
    ExportJob.Kind.OPERATION_LOG: gettext_lazy("导出操作日志"),
    ExportJob.Kind.LOGIN_LOG: gettext_lazy("导出登录日志"),
}


#: How an export's conditions read in the log (the auditor reads them, not JSON).
PARAMETER_LABELS = {
    "kind": "类型",
    "status": "状态",
    "state": "状态",
    "category": "联盟类别",
    "jurisdiction": "县（市、区）",
    "year": "年度",
    "role": "角色",
    "user": "用户",
    "action": "操作",
    "record_type": "记录类型",
    "record_id": "记录编号",
    "result": "结果",
    "ip": "IP地址",
    "event": "事件",
    "since": "开始日期",
    "until": "结束日期",
    "alliance": "联盟",
}


def conditions_text(params: dict) -> str:
    """ "筛选条件：开始日期 2020-01-01；县（市、区） 7" — in the portal's language, as logged."""
    shown = [
        f"{PARAMETER_LABELS.get(name, name)} {value}"
        for name, value in sorted(params.items())
        if value not in (None, "", [])
    ]
    return "筛选条件：" + ("；".join(shown) if shown else "无（全部）")


@transaction.atomic
def start_export(request, kind, params, *, subject=None):
    """Queue the job and log who asked for which data (等保2.0 security audit)."""
    job = ExportJob.objects.create(user=request.user, kind=kind, params=params)
    record(
        subject=subject or job,
        action="export",
        action_label=AUDIT_LABELS[kind],
        actor=request.user,
        reason=conditions_text(params),
    )
    outbox.enqueue(run_export, job.pk)
    return redirect("portal:export_detail", job.pk)


@role_required(*EXPORT_ROLES)
@require_POST
def export_new(request):
    form = ExportForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(
                    request,
                    _("导出条件“%(field)s”无效：%(error)s") % {"field": label, "error": error},
                )
        return redirect("portal:exports")
    return start_export(request, form.cleaned_data["kind"], form.params())


@role_required(*STAFF_ROLES)
@require_POST
def dossier_new(request, alliance_pk):
    """The audit dossier: municipal staff, including the alliance's liaison officer."""
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    return start_export(
        request, ExportJob.Kind.DOSSIER, {"alliance": alliance.pk}, subject=alliance
    )


@role_required(*EXPORT_ROLES)
def export_list(request):
    jobs = request.user.export_jobs.all()[:50]
    return render(
        request,
        "portal/exports.html",
        {"jobs": jobs, "keep_days": settings.PORTAL_EXPORT_KEEP_DAYS},
    )


def _own_job(request, pk) -> ExportJob:
    """The user's own job, of a kind the user's role exports now: the logs only for the
    security auditor, the register and filings only for the business roles."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    job = get_object_or_404(request.user.export_jobs, pk=pk)
    if (job.kind in ExportJob.LOG_KINDS) != request.user.is_auditor:
        raise PermissionDenied
    return job


@role_required(*EXPORT_ROLES, Role.AUDITOR)
def export_detail(request, pk):
    job = _own_job(request, pk)
    template = "portal/export_status.html" if request.htmx else "portal/export_detail.html"
    back = {
        ExportJob.Kind.OPERATION_LOG: "logs:operations",
        ExportJob.Kind.LOGIN_LOG: "logs:logins",
    }.get(job.kind, "portal:exports")
    return render(
        request,
        template,
        {"job": job, "back": back, "keep_days": settings.PORTAL_EXPORT_KEEP_DAYS},
    )


@role_required(*EXPORT_ROLES, Role.AUDITOR)
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d-%H%M")
    suffix = ".zip" if job.kind == ExportJob.Kind.DOSSIER else ".xlsx"
    name = f"{job.get_kind_display()}-{stamp}{suffix}"
    return attachment_response(job.file, name)
