"""Art. 17 exports: the list of alliances recommended to the province, as Excel and PDF.

Both take the same filtered queryset as the list page (selectors.recommendations_visible_to
through its filters), so what staff see is what they send.
"""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.pdf import render_pdf
from core.spreadsheets import xlsx_row
from filings.selectors import hand_down_category_versions, with_category_version

from .models import ProvincialRecommendation

TITLE = "保定市推荐省级产业技术创新联盟名单"
DATE_FORMAT = "yyyy-mm-dd"


def _headers() -> list[str]:
    return [
        _("联盟名称"),
        _("类别"),
        _("牵头单位"),
        _("统一社会信用代码"),
        _("所在县（市、区）"),
        _("成员单位数"),
        _("备案编号"),
        _("备案日期"),
        _("推荐类型"),
        _("推荐日期"),
        _("推荐说明"),
    ]


def _row(rec: ProvincialRecommendation) -> list:
    alliance = rec.alliance
    lead = alliance.lead_unit
    return [
        alliance.name,
        alliance.category_title,
        lead.name,
        lead.uscc,
        lead.jurisdiction.name if lead.jurisdiction else "",
        rec.member_count,
        alliance.filing_number or "",
        alliance.filed_on,
        rec.get_kind_display(),
        rec.recommended_on,
        rec.note,
    ]


def recommendations_xlsx(queryset) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # Sent to the province as is: Chinese, like the PDF, whatever the user's language.
    with translation.override("zh-hans"):
        sheet.title = _("省级推荐名单")
        sheet.append(xlsx_row(sheet, _headers()))
        rows = with_category_version(queryset, through="alliance").iterator(chunk_size=500)
        for rec in rows:
            rec.alliance.category_version_pk = rec.category_version_pk
            sheet.append(xlsx_row(sheet, _row(rec)))
    # Real date cells (sortable in Excel), shown as 2026-03-01 rather than a serial number.
    for column in ("H", "J"):
        for cell in sheet[column][1:]:
            cell.number_format = DATE_FORMAT
    for cell in sheet["K"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {
        "A": 36,
        "B": 24,
        "C": 32,
        "D": 22,
        "E": 14,
        "F": 10,
        "G": 24,
        "H": 12,
        "I": 30,
        "J": 12,
        "K": 50,
    }
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def recommendations_pdf(queryset) -> bytes:
    # Official document: always Chinese, whatever the user's language (render_pdf).
    return render_pdf(
        "pdf/provincial_recommendations.html",
        {
            "title": TITLE,
            "recommendations": hand_down_category_versions(
                with_category_version(queryset, through="alliance"), "alliance"
            ),
            "today": timezone.localdate(),
        },
    )


def export_filename(extension: str) -> str:
    return f"{TITLE}_{timezone.localdate():%Y%m%d}.{extension}"
