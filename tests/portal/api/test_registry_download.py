"""The bulk download of the registry: the registry's rows, CSV with BOM and xlsx, built
on each request (a revocation is gone from the next download), formulas escaped."""

import csv
import datetime
import io

import pytest
import time_machine
from django.test import override_settings
from openpyxl import load_workbook

from supervision import services
from tests.factories import MunicipalStaffFactory, filed_alliance

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def body(response) -> bytes:
    """A file answer's bytes (a streamed FileResponse, like every download)."""
    return b"".join(response.streaming_content)


def csv_rows(client):
    response = client.get("/registry/download.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def registry_rows(client):
    """The registry page's rows, as the download writes them."""
    from portal.selectors import public_alliances

    rows = []
    for a in public_alliances():
        rows.append(
            [
                a.name,
                a.category_title,
                a.lead_unit.name,
                a.lead_unit.jurisdiction.name if a.lead_unit.jurisdiction else "",
                "、".join(m.organisation.name for m in a.public_members),
                a.filing_number,
                a.filed_on.isoformat(),
            ]
        )
    html = client.get("/registry/", {"page_size": 100}).content.decode()
    for row in rows:
        for value in row[:3] + row[5:]:
            assert value in html  # what the download holds is what the page shows
    return rows


def test_csv_and_xlsx_hold_the_registry(client):
    filed_alliance(name="保定甲联盟", filed_on=datetime.date(2024, 3, 1))
    filed_alliance(name="保定乙联盟", filed_on=datetime.date(2025, 4, 2))
    expected = registry_rows(client)
    rows = csv_rows(client)
    assert rows[0] == [
        "联盟名称",
        "类别",
        "牵头单位",
        "牵头单位所在县（市、区）",
        "成员单位",
        "备案编号",
        "备案日期",
    ]
    assert rows[1:] == expected
    response = client.get("/registry/download.xlsx")
    raw = body(response)
    assert response.status_code == 200 and raw.startswith(b"PK")
    sheet = load_workbook(io.BytesIO(raw)).active
    values = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert values == rows
    # Wide enough for a 28-character name (Excel's units: a CJK character counts two).
    assert sheet.column_dimensions["A"].width >= 56
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["G"].width


def test_formulas_are_escaped_in_both_files(client):
    filed_alliance(name='=HYPERLINK("http://evil.example","点击")')
    assert csv_rows(client)[1][0] == '\'=HYPERLINK("http://evil.example","点击")'
    sheet = load_workbook(io.BytesIO(body(client.get("/registry/download.xlsx")))).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_revoked_alliance_is_gone_from_the_next_download(client):
    staff = MunicipalStaffFactory()
    kept = filed_alliance(name="留存联盟")
    revoked = filed_alliance(name="将被取消联盟")
    assert {row[0] for row in csv_rows(client)[1:]} == {"留存联盟", "将被取消联盟"}
    case = services.case_open(alliance=revoked, by=staff, grounds=["2"], facts="未开展活动")
    day = case.statement_deadline + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ)):
        services.case_decide(case=case, by=staff, decision="revoke", reasons="属实")
    assert [row[0] for row in csv_rows(client)[1:]] == [kept.name]
    sheet = load_workbook(io.BytesIO(body(client.get("/registry/download.xlsx")))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [kept.name]


def test_the_registry_page_links_both_downloads(client):
    html = client.get("/registry/").content.decode()
    assert 'href="/registry/download.csv"' in html and 'href="/registry/download.xlsx"' in html
    assert "即时生成" in html


@override_settings(PORTAL_API_DOWNLOAD_RATE="2/hour")
def test_downloads_are_rate_limited_in_chinese(client):
    assert client.get("/registry/download.csv").status_code == 200
    assert client.get("/registry/download.xlsx").status_code == 200
    refused = client.get("/registry/download.csv")
    assert refused.status_code == 429 and "下载过于频繁" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert client.post("/registry/download.csv").status_code == 405
    assert client.get("/registry/download.pdf").status_code == 404
