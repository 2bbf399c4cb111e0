"""三员分立 in Chromium (issue 14, first part): a lead unit is locked out by wrong
passwords; the security administrator lifts the lockout with a reason and the lead unit
logs in; the auditor finds both in the logs, filters the operation log, opens an entry
and exports the filtered rows to Excel; the auditor cannot open a business page."""

import io

import pytest
from openpyxl import load_workbook

from tests.e2e.common import log_in, log_out
from tests.factories import PASSWORD, AuditorFactory, LeadUnitUserFactory, SecurityAdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def try_password(page, base, user, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_lockout_lifted_by_the_security_administrator_and_read_by_the_auditor(
    page, live_server, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    base = live_server.url
    lead, security, auditor = LeadUnitUserFactory(), SecurityAdminFactory(), AuditorFactory()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    for _ in range(settings.AXES_FAILURE_LIMIT):
        try_password(page, base, lead, "wrong-password")
    try_password(page, base, lead, PASSWORD)
    assert "/accounts/login/" in page.url or "锁定" in page.content()  # locked out

    log_in(page, base, security, "/security/lockouts/")
    row = page.get_by_test_id("lockout-row").filter(has_text=lead.username)
    row.get_by_placeholder("原因（必填）").fill("本人电话确认，忘记密码已找回")
    row.get_by_role("button", name="解除锁定").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("lockout-row").filter(has_text=lead.username).count() == 0
    log_out(page, base)

    log_in(page, base, lead)  # the lockout is lifted: the password works again
    log_out(page, base)

    log_in(page, base, auditor, "/logs/logins/")
    logins = page.get_by_test_id("log-table").inner_text()
    assert "登录失败" in logins and "登录锁定" in logins
    page.goto(f"{base}/logs/operations/")
    page.get_by_label("操作（名称包含）").fill("解除登录锁定")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("log-row")
    assert rows.count() == 1
    assert "本人电话确认" in rows.first.inner_text()
    rows.first.get_by_role("link").last.click()
    page.wait_for_load_state()
    assert "解除登录锁定" in page.locator("main").inner_text()
    page.go_back()
    page.get_by_test_id("log-export").get_by_role("button").click()
    download_link = page.get_by_test_id("export-download")
    download_link.wait_for(timeout=20_000)
    with page.expect_download() as info:
        download_link.click()
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    texts = [" ".join(str(c) for c in row if c) for row in sheet.iter_rows(values_only=True)]
    assert sum("解除登录锁定" in t for t in texts) == 1
    assert not any("登录失败" == t for t in texts)  # only the filtered rows

    response = page.goto(f"{base}/filings/review/municipal/")
    assert response.status == 403
    assert errors == []
