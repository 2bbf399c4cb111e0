"""A municipal staff member enrols an authenticator in the portal, logs in again with the
password and a code computed from the secret the page shows (as a phone would), and with a
backup code, which works once."""

import pytest

from tests.factories import PASSWORD, MunicipalStaffFactory
from tests.two_factor import code_at, key_from_secret, time_step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.two_factor,
    pytest.mark.django_db(transaction=True),
]

QUEUE = "/filings/review/municipal/"


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/?next={QUEUE}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def give_code(page, code):
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证", exact=True).click()


def log_out(page, base):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{base}/accounts/login/")


def test_staff_enrols_then_logs_in_with_a_code_and_once_with_a_backup_code(page, live_server):
    base = live_server.url
    staff = MunicipalStaffFactory()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    log_in(page, base, staff)
    page.wait_for_url(f"{base}/accounts/two-factor/enrol/?next=*")
    # The QR code is drawn by the portal and shown under its CSP (img-src 'self' data:).
    qr = page.get_by_test_id("totp-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    key = key_from_secret(page.get_by_test_id("totp-secret").inner_text())
    enrolled_at = time_step()
    page.get_by_label("验证码").fill(code_at(key, enrolled_at))
    page.get_by_role("button", name="确认绑定").click()

    codes = page.get_by_test_id("backup-code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_test_id("continue").click()
    page.wait_for_url(f"{base}{QUEUE}")
    assert page.get_by_test_id("queue-title").is_visible()
    log_out(page, base)

    # Password, then a code of a later time step (the enrolment's code worked once).
    log_in(page, base, staff)
    page.wait_for_url(f"{base}/accounts/two-factor/verify/?next=*")
    give_code(page, code_at(key, max(time_step(), enrolled_at + 1)))
    page.wait_for_url(f"{base}{QUEUE}")
    log_out(page, base)

    # A backup code instead of the phone: once.
    log_in(page, base, staff)
    give_code(page, codes[0])
    page.wait_for_url(f"{base}{QUEUE}")
    assert "还剩 9 个" in page.content()
    log_out(page, base)
    log_in(page, base, staff)
    give_code(page, codes[0])
    assert "验证码不正确或已过期" in page.content()
    assert "/accounts/two-factor/verify/" in page.url
    assert page.get_by_label("验证码").input_value() == codes[0]  # kept as typed
    assert errors == []
