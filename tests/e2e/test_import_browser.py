"""Issue 16 in the browser: municipal staff download the import template, fill in thirty
alliances of the demo's kind (members, summaries, one revoked), see one bad row refused in
the dry run, fix it, import — and the alliances are in the public registry, the
compliance view and the reminder job."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from filings.models import Alliance
from supervision.models.summaries import annual_summary_due_date
from supervision.reminders import send_reminders
from tests.e2e.common import log_in
from tests.factories import MunicipalStaffFactory, policy_v1
from tests.portal.import_files import SHEETS, code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDUSTRIES = [
    "汽车轻量化零部件",
    "智能网联汽车电子",
    "光伏组件与智能微网",
    "氢能与储能装备",
    "工业机器人与智能装备",
    "工业互联网",
    "新型电力装备",
    "输变电设备",
    "新能源汽车动力电池",
    "生物医药",
    "中药现代化",
    "现代种业",
    "食品加工",
    "纺织服装",
    "箱包皮具",
    "羽绒制品",
    "文化创意",
    "节能环保",
    "新材料",
    "碳纤维复合材料",
    "北斗导航应用",
    "大数据与云计算",
    "信息安全",
    "智能传感器",
    "轨道交通装备",
    "通用航空",
    "现代物流",
    "智慧农业",
    "康养服务",
    "数字文旅",
]
COUNTIES = ["130602", "130606", "130607", "130608", "130609", "130623", "130681", "130684"]
CATEGORIES = ["一类：产业技术创新战略联盟", "二类：产业创新联盟", "三类：创新战略联盟"]
BAD_ROW = 6  # 单位 sheet: the fifth lead unit


def number(i):
    return f"保科联备〔{2018 + i % 6}〕{i + 1:03d}号"


def rows():
    """The thirty alliances as staff would type them from the paper register."""
    units, alliances, members, summaries = [], [], [], []
    institutes = [f"河北{name}研究院" for name in ("农业", "工业技术", "电力", "医药", "材料")]
    for name in institutes:
        units.append(
            [
                name,
                code(name, "130600", "12"),
                "科研机构",
                "科学研究和技术服务业",
                "孙八",
                "",
                "",
                "",
                "",
            ]
        )
    for i, industry in enumerate(INDUSTRIES):
        lead = f"保定{industry}科技有限公司"
        lead_code = code(lead, COUNTIES[i % len(COUNTIES)])
        units.append(
            [lead, lead_code, "企业", "制造业", "张三", "", "保定市", "李四", "0312-1234567"]
        )
        filed = datetime.date(2018 + i % 6, 3 + i % 9, 10)
        revoked = i == 29
        alliances.append(
            [
                f"保定{industry}产业技术创新战略联盟",
                CATEGORIES[i % 3],
                lead_code,
                number(i),
                filed.isoformat(),
                "已取消备案" if revoked else "已备案",
                "2024-05-10" if revoked else "",
                "（四）宣布解散" if revoked else "",
                "王五",
                "0312-7654321",
                "",
                "赵六",
                "钱七",
            ]
        )
        members.append([number(i), lead_code, "牵头单位", "是", "牵头组织"])
        for k in (i % 5, (i + 1) % 5):
            inst = institutes[k]
            members.append([number(i), code(inst, "130600", "12"), "成员单位", "是", ""])
        if i < 20:  # 2024 summaries: 15 on time, 5 late; 9 filed alliances owe theirs
            submitted = "2025-03-20" if i < 15 else "2025-04-15"
            summaries.append(
                [number(i), 2024, submitted, "2025-04-20", 2, 3, 1, 0, 10, 500000, 0, "联合攻关"]
            )
    return {
        "organisations": units,
        "alliances": alliances,
        "members": members,
        "summaries": summaries,
    }


def fill(template: bytes, sheets) -> bytes:
    book = load_workbook(io.BytesIO(template))
    for key, values in sheets.items():
        ws = book[SHEETS[key].title]
        ws.delete_rows(2, ws.max_row)
        for row in values:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(page, data):
    page.get_by_label("导入文件（Excel .xlsx）").set_input_files(
        [{"name": "纸质备案登记簿.xlsx", "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.get_by_test_id("import-upload").click()
    page.wait_for_load_state()


def test_staff_import_thirty_paper_era_alliances(page, live_server):
    policy_v1()
    staff = MunicipalStaffFactory()
    base = live_server.url
    log_in(page, base, staff)
    page.get_by_role("button", name="统计与数据").click()
    page.get_by_role("link", name="历史数据导入").click()
    page.wait_for_url(f"{base}/imports/")

    with page.expect_download() as download:
        page.get_by_test_id("import-template").click()
    with open(download.value.path(), "rb") as saved:
        template = saved.read()
    assert download.value.suggested_filename.endswith(".xlsx")

    sheets = rows()
    good_code = sheets["organisations"][BAD_ROW - 2][1]
    sheets["organisations"][BAD_ROW - 2][1] = good_code[:-1] + (
        "0" if good_code[-1] != "0" else "1"
    )
    upload(page, fill(template, sheets))
    status = page.get_by_test_id("import-state")
    assert status.inner_text().startswith("检查未通过")
    refusals = page.get_by_test_id("import-refusals").inner_text()
    assert f"单位表第{BAD_ROW}行 统一社会信用代码：校验码不符" in refusals
    assert "未写入任何数据" in refusals
    assert page.get_by_test_id("import-confirm").count() == 0
    assert not Alliance.objects.exists()

    sheets["organisations"][BAD_ROW - 2][1] = good_code
    page.goto(f"{base}/imports/")
    upload(page, fill(template, sheets))
    assert page.get_by_test_id("import-state").inner_text().startswith("检查通过，待确认")
    counts = page.get_by_test_id("import-counts").inner_text()
    assert "联盟\t30\t0\t0" in counts
    assert "成员单位\t90\t0\t0" in counts
    page.get_by_test_id("import-confirm").click()
    page.get_by_test_id("import-done").wait_for()
    assert "导入完成：新建" in page.get_by_test_id("import-done").inner_text()
    assert Alliance.objects.filter(status="filed").count() == 29

    # The public registry, without logging in again: filed alliances, and the revoked one.
    page.goto(f"{base}/registry/?q=氢能与储能装备")
    main = page.locator("main").inner_text()
    assert "保定氢能与储能装备产业技术创新战略联盟" in main and number(3) in main
    page.goto(f"{base}/registry/revocations/")
    assert "保定数字文旅产业技术创新战略联盟" in page.locator("main").inner_text()

    # The open data API serves them, as its schema describes: the 29 filed, not the revoked.
    api = page.request.get(f"{base}/api/v1/alliances/?page_size=100").json()
    assert api["count"] == 29
    served = {row["filing_number"]: row for row in api["results"]}
    assert served[number(3)]["name"] == "保定氢能与储能装备产业技术创新战略联盟"
    assert "保定数字文旅产业技术创新战略联盟" not in {row["name"] for row in api["results"]}
    schema = page.request.get(f"{base}/api/schema/?format=json").json()
    described = schema["components"]["schemas"]["Alliance"]["properties"]
    assert set(served[number(3)]) == set(described)
    revoked = page.request.get(f"{base}/api/v1/revocations/").json()["results"]
    assert "保定数字文旅产业技术创新战略联盟" in {row["alliance_name"] for row in revoked}

    # The compliance view for 2024: 29 filed alliances, 15 on time, 5 late, 9 missing.
    page.goto(f"{base}/supervision/compliance/?year=2024")
    assert page.get_by_test_id("total-alliances").inner_text() == "29"
    assert page.get_by_test_id("total-on-time").inner_text() == "15"
    assert page.get_by_test_id("total-late").inner_text() == "5"
    assert page.get_by_test_id("total-missing").inner_text() == "9"

    # The reminder job counts the nine that owe their 2024 summary.
    report = send_reminders(annual_summary_due_date(2024) + datetime.timedelta(days=1))
    assert (report.year, report.reminded_alliances) == (2024, 9)
