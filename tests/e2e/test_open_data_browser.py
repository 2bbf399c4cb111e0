"""The open-data API's documentation page under the portal's CSP, and the registry's
bulk download, in Chromium."""

import csv
import io

import pytest

from tests.factories import filed_alliance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_page_runs_swagger_ui_without_console_errors(page, live_server):
    filed_alliance(name="接口文档联盟")
    errors, assets = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: assets.append((r.url, r.status)) if "/static/" in r.url else None)

    page.goto(f"{live_server.url}/api/docs/")
    assert page.title().startswith("开放数据接口文档")
    # Swagger UI drew the schema: its Chinese title and the endpoints' summaries.
    page.get_by_text("保定市产业创新战略联盟开放数据接口").first.wait_for()
    page.get_by_text("已备案联盟名录").first.wait_for()
    page.get_by_text("取消备案公告").first.wait_for()
    assert errors == []  # a CSP violation is a console error
    loaded = {url.split("/static/")[1]: status for url, status in assets}
    assert loaded["drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"] == 200
    assert loaded["js/api-docs.js"] == 200
    assert all(url.startswith(live_server.url) for url, _status in assets)


def test_registry_csv_downloads_from_the_registry_page(page, live_server):
    alliance = filed_alliance(name="下载名录联盟")
    page.goto(f"{live_server.url}/registry/")
    with page.expect_download() as info:
        page.get_by_test_id("download-csv").click()
    download = info.value
    assert download.suggested_filename.startswith("保定市产业创新战略联盟名录_")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "联盟名称"
    assert rows[1][0] == "下载名录联盟" and rows[1][5] == alliance.filing_number
