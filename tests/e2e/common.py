"""What every browser journey does: log in on the login page, log out from the user menu."""

from tests.factories import PASSWORD


def log_in(page, base, user, next_url="/"):
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}{next_url}")


def log_out(page, base):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{base}/accounts/login/")
