"""The bulk download of the public registry (名录), as CSV (UTF-8 with BOM) and xlsx.

Built from ``portal.selectors.public_alliances()`` on each request, with the registry
page's columns: never stale (a revoked alliance is gone from the next download) and
nothing to keep in step with every service that changes an alliance, an organisation or a
policy version (docs/decisions.md, "The registry download is built on request"). Every
cell goes through ``core.spreadsheets`` (formulas escaped).
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.spreadsheets import xlsx_row

from .api.renderers import csv_bytes
from .exports import column_width
from .selectors import public_alliances

CHUNK = 1000
# Each column's width in Excel's units, for its typical value (an alliance's name runs to
# 20–30 CJK characters; the members to a line of several names): the header's width alone
# made the name column 14 wide, cut after 7 characters.
WIDTHS = (56, 30, 40, 26, 80, 22, 12)


def headers() -> list[str]:
    return [
        _("联盟名称"),
        _("类别"),
        _("牵头单位"),
        _("牵头单位所在县（市、区）"),
        _("成员单位"),
        _("备案编号"),
        _("备案日期"),
    ]


def rows():
    """One list of values per filed alliance, in the registry's order."""
    separator = _("、")
    for alliance in public_alliances().iterator(chunk_size=CHUNK):
        jurisdiction = alliance.lead_unit.jurisdiction
        yield [
            alliance.name,
            alliance.category_title,
            alliance.lead_unit.name,
            jurisdiction.name if jurisdiction else "",
            separator.join(m.organisation.name for m in alliance.public_members),
            alliance.filing_number or "",
            alliance.filed_on.isoformat() if alliance.filed_on else "",
        ]


def build_csv() -> bytes:
    return csv_bytes(headers(), rows())


def build_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("联盟名录"))
    sheet.freeze_panes = "A2"
    names = headers()
    for index, (header, width) in enumerate(zip(names, WIDTHS, strict=True), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column_width(header), width)
    sheet.append(xlsx_row(sheet, names))
    for values in rows():
        sheet.append(xlsx_row(sheet, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "csv": (build_csv, "text/csv; charset=utf-8"),
    "xlsx": (build_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
