"""Workbooks for the import tests: the downloaded template, filled in as staff would."""

import io

from openpyxl import load_workbook

from demo.accounts import demo_uscc
from portal.imports.columns import ALLIANCES, AWARDS, MEMBERS, ORGANISATIONS, SUMMARIES
from portal.imports.template import build_template

SHEETS = {s.key: s for s in (ORGANISATIONS, ALLIANCES, MEMBERS, SUMMARIES, AWARDS)}


def code(name: str, division="130602", authority="91") -> str:
    return demo_uscc(name, authority=authority, division=division)


def workbook(template: bytes | None = None, **sheets) -> bytes:
    """The template with each sheet's example row replaced by ``sheets[key]`` (dicts by
    column key). A sheet not named keeps its example row (which the reader ignores)."""
    book = load_workbook(io.BytesIO(template or build_template()))
    for key, rows in sheets.items():
        sheet = SHEETS[key]
        ws = book[sheet.title]
        ws.delete_rows(2, ws.max_row)
        for row in rows:
            ws.append([row.get(c.key, "") for c in sheet.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit(name, *, division="130602", **extra):
    return {
        "name": name,
        "uscc": code(name, division),
        "kind": "企业",
        "industry": "制造业",
        "legal_representative": "张三",
        **extra,
    }


def alliance(name, lead_name, number, filed_on="2018-06-30", **extra):
    return {
        "name": name,
        "category": "一类：产业技术创新战略联盟",
        "lead_unit": code(lead_name),
        "filing_number": number,
        "filed_on": filed_on,
        "status": "已备案",
        **extra,
    }


def member(number, org_name, role="成员单位", **extra):
    return {
        "filing_number": number,
        "uscc": code(org_name),
        "role": role,
        "charter_signed": "是",
        **extra,
    }
