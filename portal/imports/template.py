"""The import workbook offered for download: a sheet per kind of record, Chinese headers
in bold and frozen, one example row, column widths, and drop-down lists (data validation)
for every column whose values come from a list: categories (the policy versions'), the
jurisdictions, unit kinds and industries, statuses, grounds, roles.

The lists sit on a hidden sheet ``选项`` and the validations refer to its ranges (Excel
caps a list typed into the validation itself at 255 characters; the categories and the
industries alone pass that)."""

import io

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import xlsx_row

from . import choices
from .columns import SHEETS

LISTS_SHEET = "选项"
#: The rows a drop-down covers (the data rows of a sheet, as far as anyone fills them).
VALIDATED_ROWS = 20_000
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")


def example_row(sheet) -> list:
    """The example row as written in the template (also how the reader recognises an
    example left in place)."""
    lists = choices.lists()
    values = []
    for column in sheet.columns:
        value = column.example
        if column.choices and value == "" and column.required and lists[column.choices]:
            value = lists[column.choices][0]
        values.append(value)
    return values


def build_template() -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        lists = choices.lists()
        workbook = Workbook()
        workbook.remove(workbook.active)
        ranges = _write_lists(workbook, lists)
        for sheet in SHEETS:
            ws = workbook.create_sheet(sheet.title, index=len(workbook.sheetnames) - 1)
            ws.append(sheet.headers)
            for index, column in enumerate(sheet.columns, start=1):
                cell = ws.cell(row=1, column=index)
                cell.font = Font(bold=True, color="C00000" if column.required else None)
                ws.column_dimensions[get_column_letter(index)].width = max(
                    column.width, len(column.header) * 2 + 2
                )
                if column.choices:
                    validation = DataValidation(
                        type="list", formula1=ranges[column.choices], allow_blank=True
                    )
                    validation.error = "请从下拉列表中选择。"
                    validation.errorTitle = column.header
                    validation.showErrorMessage = True
                    letter = get_column_letter(index)
                    validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
                    ws.add_data_validation(validation)
            ws.append(xlsx_row(ws, example_row(sheet)))
            for cell in ws[2]:
                cell.fill = EXAMPLE_FILL
            ws.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _write_lists(workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Each list in a column of the hidden sheet; returns each list's absolute range."""
    ws = workbook.create_sheet(LISTS_SHEET)
    titles = choices.list_titles()
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=titles[name]).font = Font(bold=True)
        ws.column_dimensions[letter].width = max([12, *(len(v) * 2 + 2 for v in values[:200])])
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=index, value=value)
        last = max(len(values) + 1, 2)
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    ws.sheet_state = "hidden"
    return ranges
