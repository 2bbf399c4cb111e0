"""The security auditor's log screens (安全审计员): 操作日志, 登录日志, one entry's page, and
the Excel export of the filtered rows (an export job with progress, audited). Only the
auditor reaches them (403 for every other role, the administrator included); nothing
here writes to the log but the export's own entry, and no URL edits or deletes one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import role_required
from audit.models import AuditEntry

from .. import logs
from ..models import ExportJob
from .exports import start_export

auditor_only = role_required(Role.AUDITOR)

SCREENS = {
    ExportJob.Kind.OPERATION_LOG: (
        logs.OperationLogFilter,
        logs.operation_entries,
        "logs:operations",
    ),
    ExportJob.Kind.LOGIN_LOG: (logs.LoginLogFilter, logs.login_entries, "logs:logins"),
}


def _list(request, kind, template):
    filter_class, entries, _url = SCREENS[kind]
    filterset = filter_class(request.GET, queryset=entries(request.user))
    valid = filterset.is_valid()
    # Invalid conditions show their errors and no rows: never more rows than were asked for.
    queryset = filterset.qs if valid else AuditEntry.objects.none()
    page = Paginator(queryset, logs.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": logs.present(page.object_list),
        "conditions": sorted(filterset.conditions().items()) if valid else None,
        "export_limit": logs.EXPORT_LIMIT,
    }
    return render(request, template, context)


@auditor_only
@require_safe
def operation_log(request):
    return _list(request, ExportJob.Kind.OPERATION_LOG, "logs/operations.html")


@auditor_only
@require_safe
def login_log(request):
    return _list(request, ExportJob.Kind.LOGIN_LOG, "logs/logins.html")


@auditor_only
@require_safe
def entry_detail(request, pk):
    entry = get_object_or_404(logs.operation_entries(request.user), pk=pk)
    row = logs.present([entry])[0]
    same_record = []
    if entry.content_type_id and entry.object_id:
        same_record = logs.present(
            logs.operation_entries(request.user)
            .filter(content_type_id=entry.content_type_id, object_id=entry.object_id)
            .exclude(pk=entry.pk)[:20]
        )
    return render(
        request,
        "logs/entry.html",
        {
            "row": row,
            "entry": entry,
            "same_record": same_record,
            "login_event": entry.action in logs.LOGIN_ACTIONS,
        },
    )


def _export(request, kind):
    filter_class, entries, url = SCREENS[kind]
    filterset = filter_class(request.POST, queryset=entries(request.user))
    back = reverse(url)
    if not filterset.is_valid():
        messages.error(request, _("筛选条件有误，未导出。请更正筛选条件后再导出。"))
        return redirect(back)
    conditions = filterset.conditions()
    back = f"{back}?{urlencode(conditions)}" if conditions else back
    count = filterset.qs.count()
    if count == 0:
        messages.warning(request, _("没有符合筛选条件的记录，未导出。"))
        return redirect(back)
    if count > logs.EXPORT_LIMIT:
        messages.error(
            request,
            _(
                "符合条件的记录有 %(count)s 条，一次最多导出 %(limit)s 条。请缩小日期范围等筛选条件。"
            )
            % {"count": count, "limit": logs.EXPORT_LIMIT},
        )
        return redirect(back)
    return start_export(request, kind, conditions)


@auditor_only
@require_POST
def operation_log_export(request):
    return _export(request, ExportJob.Kind.OPERATION_LOG)


@auditor_only
@require_POST
def login_log_export(request):
    return _export(request, ExportJob.Kind.LOGIN_LOG)
