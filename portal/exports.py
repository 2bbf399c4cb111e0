"""Excel exports of the register and of filings, always within the requesting user's scope,
and of the security auditor's two logs (portal.logs).

Built by a Celery task (portal.tasks.run_export) in chunks, updating the job's progress.
Each source gives the headers, the queryset and a function turning a chunk of its objects
into rows (a chunk at a time, so that a source can fetch what its rows name in one query
per chunk instead of one per row).
"""

import io

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.spreadsheets import xlsx_row
from filings.models import Alliance, Filing
from filings.selectors import alliances_visible_to, filings_visible_to, with_category_version

from . import logs
from .models import ExportJob

CHUNK = 1000
PROGRESS_EVERY = 500


def _date(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def alliance_rows(user, params: dict):
    qs = (
        with_category_version(alliances_visible_to(user))
        .select_related("lead_unit__jurisdiction", "liaison_officer")
        .annotate(member_count=Count("members"))
        .order_by("pk")
    )
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("jurisdiction"):
        qs = qs.filter(lead_unit__jurisdiction_id=params["jurisdiction"])
    headers = [
        _("联盟名称"),
        _("类别"),
        _("备案状态"),
        _("牵头单位"),
        _("统一社会信用代码"),
        _("所在县（市、区）"),
        _("成员单位数"),
        _("备案编号"),
        _("备案日期"),
        _("科技联络员"),
    ]

    def row(a: Alliance):
        return [
            a.name,
            a.category_title,
            a.get_status_display(),
            a.lead_unit.name,
            a.lead_unit.uscc,
            a.lead_unit.jurisdiction.name if a.lead_unit.jurisdiction else "",
            a.member_count,
            a.filing_number or "",
            _date(a.filed_on),
            a.liaison_officer.get_full_name() if a.liaison_officer else "",
        ]

    return headers, qs, row


def filing_rows(user, params: dict):
    qs = filings_visible_to(user).order_by("pk")
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    if params.get("year"):
        qs = qs.filter(submitted_at__year=int(params["year"]))
    headers = [
        _("联盟名称"),
        _("牵头单位"),
        _("初审部门"),
        _("状态"),
        _("首次提交时间"),
        _("推荐公函文号"),
        _("推荐时间"),
        _("办结时间"),
        _("备案编号"),
    ]

    def row(f: Filing):
        return [
            f.alliance.name,
            f.alliance.lead_unit.name,
            f.jurisdiction.bureau_name if f.jurisdiction else "",
            f.get_state_display(),
            _date(f.submitted_at),
            f.recommendation_number,
            _date(f.recommended_at),
            _date(f.decided_at),
            f.alliance.filing_number or "" if f.state == Filing.State.FILED else "",
        ]

    return headers, qs, row


def _one_by_one(source):
    """A source whose rows need nothing beyond their object (and its select_related)."""

    def wrapped(user, params):
        headers, qs, row = source(user, params)
        return headers, qs, lambda objects: [row(obj) for obj in objects]

    return wrapped


SOURCES = {
    ExportJob.Kind.ALLIANCES: _one_by_one(alliance_rows),
    ExportJob.Kind.FILINGS: _one_by_one(filing_rows),
    ExportJob.Kind.OPERATION_LOG: logs.operation_log_rows,
    ExportJob.Kind.LOGIN_LOG: logs.login_log_rows,
}


def _chunks(qs):
    chunk = []
    for obj in qs.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def column_width(header: str) -> int:
    """A column's width in Excel's units (one Latin character): a CJK character takes two;
    at least 14 (dates, codes), at most 40 (longer texts wrap when opened)."""
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in header)
    return max(14, min(40, shown + 4))


def build_workbook(kind: str, user, params: dict, progress=None) -> bytes:
    """The .xlsx bytes; ``progress(done, total)`` is called every PROGRESS_EVERY rows or
    so (after each chunk that passes a multiple of it)."""
    headers, qs, rows = SOURCES[kind](user, params)
    total = qs.count()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(ExportJob.Kind(kind).label))
    # Set before the first row (a write-only sheet streams): the header stays in view
    # when scrolling, and columns start wide enough for their title and typical values.
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(str(header))
    sheet.append(xlsx_row(sheet, headers))
    done = 0
    for chunk in _chunks(qs):
        for values in rows(chunk):
            sheet.append(xlsx_row(sheet, values))
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
    if progress:
        progress(done, total)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
