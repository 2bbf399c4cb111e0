"""Reading an uploaded workbook: the file's checks (xlsx by its content, size, rows,
columns) and each sheet as a tablib Dataset for the resources.

Every refusal is a ``Refusal`` in Chinese naming the sheet, the row and the column where
there is one. A refused file writes nothing: these checks run before any resource."""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

import tablib
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .columns import MAX_BYTES, MAX_ROWS, SHEETS
from .template import example_row

#: The column every dataset carries besides the sheet's: the row's number in Excel.
ROW = "__row__"
ZIP_MAGIC = b"PK\x03\x04"
#: A workbook that unpacks to more than this is refused (a zip bomb, or far beyond 100,000 rows).
MAX_UNPACKED = 1024 * 1024 * 1024
#: Rows read of one sheet, empty ones included: the limit of data rows, some slack for
#: blank rows between them, and the header.
MAX_SHEET_ROWS = MAX_ROWS + 1_001


class FileRefused(Exception):
    """The file as a whole is refused (not a workbook, too large, too many rows)."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass
class Workbook:
    datasets: dict[str, tablib.Dataset] = field(default_factory=dict)
    rows: int = 0
    ignored_examples: list[str] = field(default_factory=list)


def row_message(sheet_title: str, row: int, header: str, message: str) -> str:
    """ "联盟表第12行 统一社会信用代码：…" — how every refusal of a cell reads."""
    where = _("%(sheet)s表第%(row)d行") % {"sheet": sheet_title, "row": row}
    return f"{where} {header}：{message}" if header else f"{where}：{message}"


def check_file(data: bytes, name: str = "") -> None:
    """The file's own checks: size, then the content of an xlsx workbook (a zip holding
    a workbook part), whatever the file's name says."""
    if len(data) > MAX_BYTES:
        raise FileRefused(
            [
                _("文件大小为%(size)s，超过了%(limit)d MB的上限：请分批导入。")
                % {"size": filesizeformat(len(data)), "limit": MAX_BYTES // (1024 * 1024)}
            ]
        )
    if not data:
        raise FileRefused([_("文件是空文件，请重新选择。")])
    not_xlsx = _(
        "文件“%(name)s”不是Excel工作簿（.xlsx）：按文件内容识别，与扩展名无关。请使用下载的导入模板填写后上传。"
    ) % {"name": name}
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused([not_xlsx])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused([not_xlsx]) from None
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise FileRefused([not_xlsx])
    if unpacked > MAX_UNPACKED:
        raise FileRefused(
            [
                _("工作簿解压后超过%(limit)s，超出导入的上限：请分批导入。")
                % {"limit": filesizeformat(MAX_UNPACKED)}
            ]
        )


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_workbook(data: bytes, name: str = "") -> Workbook:
    """Each sheet of the template that the file holds, as a Dataset with its rows' Excel
    numbers in ``ROW``. Refuses the file (``FileRefused``) for what no row can fix."""
    check_file(data, name)
    _check_row_counts(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise FileRefused([_("工作簿“%(name)s”已损坏，无法读取。") % {"name": name}]) from None
    result = Workbook()
    problems = []
    try:
        present = [sheet for sheet in SHEETS if sheet.title in book.sheetnames]
        if not present:
            raise FileRefused(
                [
                    _("工作簿中没有可导入的工作表：应至少包含%(sheets)s之一。")
                    % {"sheets": "、".join(f"“{s.title}”" for s in SHEETS)}
                ]
            )
        for sheet in present:
            dataset = _read_sheet(book[sheet.title], sheet, result, problems)
            if dataset is not None:
                result.datasets[sheet.key] = dataset
    except FileRefused:
        raise
    except Exception:  # a sheet's XML or a zip member damaged: found while reading rows
        raise FileRefused([_("工作簿“%(name)s”已损坏，无法读取。") % {"name": name}]) from None
    finally:
        book.close()
    if problems:
        raise FileRefused(problems)
    return result


# A row element of a worksheet's XML (with or without a namespace prefix).
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _check_row_counts(data: bytes) -> None:
    """Count each worksheet's rows in its XML, streamed, stopping past the limit: before
    openpyxl, which reads a whole sheet that states no dimension just to size it (a 1.3 MB
    file of 30 million empty rows held a worker 195 s: re-test, issue 16)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                continue
            rows, tail = 0, b""
            with archive.open(member) as handle:
                while chunk := handle.read(1 << 20):
                    window = tail + chunk
                    cut = window.rfind(b"<")  # a tag cut at the chunk's end goes on
                    cut = len(window) if cut == -1 else cut
                    rows += len(ROW_TAG.findall(window, 0, cut))
                    tail = window[cut:]
                    if rows > MAX_SHEET_ROWS:
                        raise FileRefused(
                            [
                                _(
                                    "工作簿中有工作表超过%(limit)s行（空行也计入），"
                                    "超出一次导入的上限：请分批导入。"
                                )
                                % {"limit": f"{MAX_SHEET_ROWS:,}"}
                            ]
                        )


def _too_long(sheet) -> FileRefused:
    return FileRefused(
        [
            _("%(sheet)s表超过%(limit)s行（空行也计入），超出一次导入的上限：请分批导入。")
            % {"sheet": sheet.title, "limit": f"{MAX_SHEET_ROWS:,}"}
        ]
    )


def _read_sheet(ws, sheet, result: Workbook, problems: list):
    # Empty rows count too: a small file of millions of empty rows would otherwise keep a
    # worker reading for minutes (penetration test, issue 16).
    if (ws.max_row or 0) > MAX_SHEET_ROWS:
        raise _too_long(sheet)
    # Every row, whatever size the sheet states: some writers state a stale one, and the
    # rows past it were dropped without a word (re-test, issue 16).
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    header = [_cell(v) for v in next(rows, ())]
    missing = [h for h in sheet.headers if h not in header]
    if missing:
        problems.append(
            _("%(sheet)s表缺少列：%(columns)s。请使用下载的导入模板，不要删除或改动表头。")
            % {"sheet": sheet.title, "columns": "、".join(missing)}
        )
        return None
    positions = [header.index(h) for h in sheet.headers]
    example = [_cell(v) for v in example_row(sheet)]
    dataset = tablib.Dataset(headers=[*sheet.headers, ROW])
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            raise _too_long(sheet)
        cells = [_cell(values[p]) if p < len(values) else "" for p in positions]
        if all(c == "" for c in cells):
            continue
        if number == 2 and [str(c) for c in cells] == [str(c) for c in example]:
            result.ignored_examples.append(sheet.title)
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise FileRefused(
                [
                    _("工作簿的数据超过%(limit)s行，超出一次导入的上限：请分批导入。")
                    % {"limit": f"{MAX_ROWS:,}"}
                ]
            )
        dataset.append([*cells, number])
    return dataset
