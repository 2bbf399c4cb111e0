import pytest

from tests.factories import PASSWORD, MunicipalStaffFactory, filed_alliance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAINTED = """(id) => {
  const c = document.getElementById(id);
  const ctx = c.getContext('2d');
  const px = ctx.getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) painted++; }
  return {painted, chart: !!Chart.getChart(c), width: c.width};
}"""


def test_dashboard_charts_render_without_console_errors(page, live_server):
    for _ in range(3):
        filed_alliance()
    staff = MunicipalStaffFactory()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("用户名").fill(staff.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_test_id("dashboard-title").inner_text() == "数据看板"

    for chart_id in [
        "chart-category",
        "chart-status",
        "chart-jurisdiction",
        "chart-filings",
        "chart-compliance",
    ]:
        found = page.evaluate(PAINTED, chart_id)
        assert found["chart"], chart_id
        assert found["width"] > 0, chart_id
        assert found["painted"] > 100, chart_id
    assert errors == []
