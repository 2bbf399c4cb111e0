"""CSV for the open-data API: UTF-8 with a byte-order mark (Excel then reads the Chinese
right), one row per record of the page, nested values flattened, every cell escaped
against spreadsheet formulas (``core.spreadsheets``)."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from core.spreadsheets import csv_row

BOM = "\ufeff"
ITEM_SEPARATOR = "；"
PART_SEPARATOR = "，"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return PART_SEPARATOR.join(_cell(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return ITEM_SEPARATOR.join(_cell(v) for v in value)
    return str(value)


def _flatten(record, prefix="") -> dict:
    flat = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = _cell(value)
    return flat


def csv_bytes(headers, rows) -> bytes:
    """Rows (lists of values) under ``headers``, as UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row([str(h) for h in headers]))
    for row in rows:
        writer.writerow(csv_row(row))
    return (BOM + buffer.getvalue()).encode("utf-8")


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        records = data["results"] if isinstance(data, dict) and "results" in data else data
        if isinstance(records, dict):  # one record, or an error ({"detail": …})
            records = [records]
        flat = [_flatten(record) for record in records]
        headers = list(dict.fromkeys(key for record in flat for key in record))
        return csv_bytes(headers, ([record.get(h, "") for h in headers] for record in flat))
