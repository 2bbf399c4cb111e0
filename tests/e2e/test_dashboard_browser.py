import pytest

from tests.e2e.common import log_in
from tests.factories import (
    PASSWORD,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
    jurisdiction,
)

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


# Each county label of the horizontal bar chart, line by line: where it is drawn against
# the canvas's left edge (Chart.js right-aligns them against the axis).
LABEL_EDGES = """() => {
  const chart = Chart.getChart(document.getElementById('chart-jurisdiction'));
  const axis = chart.scales.y;
  const ctx = chart.ctx;
  ctx.save();
  ctx.font = Chart.helpers.toFont(axis.options.ticks.font).string;
  const lines = axis.ticks.flatMap((t) => [].concat(t.label));
  const widest = Math.max(...lines.map((l) => ctx.measureText(l).width));
  ctx.restore();
  return {lines, widest, right: axis.right, left: axis.left};
}"""


@pytest.mark.parametrize("width", [390, 768, 1024, 1280])
def test_a_long_county_name_is_not_clipped_on_the_dashboard(width, page, live_server):
    """The county axis cut the first character of “保定国家高新技术产业开发区” (issue 15,
    item 14): every label line must fit inside the axis, which starts inside the canvas."""
    lead = LeadUnitUserFactory(organisation__jurisdiction=jurisdiction("130671"))
    filed_alliance(lead_user=lead)
    filed_alliance()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, MunicipalStaffFactory(), "/dashboard/")
    found = page.evaluate(LABEL_EDGES)
    assert "保定国家高新" in "".join(found["lines"])
    assert found["left"] >= 0
    # Labels are drawn right-aligned at the axis's right edge, less the tick padding.
    assert found["widest"] <= found["right"] - found["left"], found
