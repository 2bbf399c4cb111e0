"""Issue #14, "Accounts the way a government service runs them", walked in Chromium.

A new Baoding enterprise registers on the public form, confirms its e-mail address, the
county of its credit code approves it, its administrator adds a colleague, and the
colleague sets a password and files an alliance to that county. A reviewer of another
county sees neither the registration nor the filing; a second registration of a
registered code names whom to ask instead.

Every step a person takes is taken on the real pages. Only the surroundings are made with
factories: the county reviewers, the municipal policy version in force, an already
registered unit. E-mails are read from Django's locmem outbox: the live server runs in
this process and the tasks run eagerly once the request's transaction commits.
"""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Organisation, Registration, User
from demo.accounts import demo_uscc
from filings.models import Filing
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    CountyReviewerFactory,
    jurisdiction,
    policy_successor,
    unit_admin,
)

from .common import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZHUOZHOU, LIANCHI = "130681", "130606"  # 涿州市 (the enterprise's county), 莲池区 (another)
UNIT_NAME = "涿州市京南智能传感科技有限公司"
UNIT_CODE = demo_uscc(UNIT_NAME, authority="91", division=ZHUOZHOU)
APPLICANT = {"name": "刘建国", "mobile": "13931200001", "email": "liujianguo@jn-sensor.test"}
APPLICANT_LOGIN, APPLICANT_PASSWORD = "jn_liujianguo", "Jingnan-Zhuce-2026!"
COLLEAGUE = {
    "name": "陈晓燕",
    "phone": "13931200002",
    "email": "chenxiaoyan@jn-sensor.test",
    "username": "jn_chenxiaoyan",
}
COLLEAGUE_PASSWORD = "Xiaoyan-Lianmeng-2026!"
ALLIANCE_NAME = "保定市智能传感产业技术创新战略联盟"
DECLARED = {
    "key": "innovation_platform",
    "number": 8,
    "title": "创新平台",
    "article_text": "（八）联盟依托至少一个市级以上创新平台；",
    "evidence": "依托的创新平台名称和认定文号",
    "check_key": "declaration",
}


# --- The surroundings ---------------------------------------------------------------------


@pytest.fixture
def reviewers():
    """The county bureau of the enterprise's code, and one of another county."""
    return {
        "own": CountyReviewerFactory(
            jurisdiction=jurisdiction(ZHUOZHOU), last_name="涿", first_name="审核"
        ),
        "other": CountyReviewerFactory(
            jurisdiction=jurisdiction(LIANCHI), last_name="莲", first_name="审核"
        ),
    }


@pytest.fixture
def municipal_version():
    """The measures in force: version 1's conditions plus one the lead unit declares."""
    return policy_successor(effective_from=datetime.date(2025, 1, 1), conditions=[DECLARED])


@pytest.fixture(autouse=True)
def _fail_fast(page):
    page.set_default_timeout(10_000)


@pytest.fixture
def licence_file(tmp_path):
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(PDF_BYTES)
    return str(path)


# --- Steps --------------------------------------------------------------------------------


def sign_in(page, base, username, password, next_url="/"):
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}{next_url}")


def mailed_path(mailoutbox, to: str, prefix: str) -> str:
    """The path of the newest link starting with ``prefix`` mailed to ``to``."""
    for message in reversed(mailoutbox):
        if to in message.to:
            found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S*)", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no mail to {to} with a link {prefix}…: {[m.to for m in mailoutbox]}")


def exactly(label: str):
    """A field's label as the page shows it: a required field's ends in "*", and the
    template's whitespace around it counts for a pattern."""
    return re.compile(rf"^\s*{re.escape(label)}\*?\s*$")


def main_text(page) -> str:
    return page.locator("main").inner_text()


def fill_registration(page, *, code, name, password, licence_file):
    form = page.get_by_test_id("registration-form")
    form.get_by_label("单位名称").fill(name)
    form.get_by_label("统一社会信用代码").fill(code)
    form.get_by_label("单位类型").select_option("enterprise")
    form.get_by_label("所属行业").select_option("C")
    form.get_by_label("法定代表人").fill("高志远")
    form.get_by_label(exactly("地址")).fill("涿州市范阳东路88号")
    form.get_by_label("营业执照或事业单位法人证书").set_input_files(licence_file)
    form.get_by_label("申请人姓名").fill(APPLICANT["name"])
    form.get_by_label("手机号码").fill(APPLICANT["mobile"])
    form.get_by_label("电子邮箱").fill(APPLICANT["email"])
    form.get_by_label("登录名").fill(APPLICANT_LOGIN)
    form.get_by_label(exactly("密码")).fill(password)
    form.get_by_label("确认密码").fill(password)


def submit_registration(page):
    page.get_by_test_id("register-button").click()
    page.wait_for_load_state()


def assert_typed_values_kept(page, *, code, name):
    form = page.get_by_test_id("registration-form")
    assert form.get_by_label("单位名称").input_value() == name
    assert form.get_by_label("统一社会信用代码").input_value() == code
    assert form.get_by_label("法定代表人").input_value() == "高志远"
    assert form.get_by_label(exactly("地址")).input_value() == "涿州市范阳东路88号"
    assert form.get_by_label("申请人姓名").input_value() == APPLICANT["name"]
    assert form.get_by_label("手机号码").input_value() == APPLICANT["mobile"]
    assert form.get_by_label("电子邮箱").input_value() == APPLICANT["email"]
    assert form.get_by_label("登录名").input_value() == APPLICANT_LOGIN


def register_unit(page, base, licence_file):
    """Step 1: from the login page to "请查收邮件", after one refused attempt."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("register-hint").get_by_role("link", name="单位注册").click()
    page.wait_for_url(f"{base}{reverse('accounts:register')}")

    fill_registration(
        page, code=UNIT_CODE, name=UNIT_NAME, password="Jn-2026", licence_file=licence_file
    )
    submit_registration(page)
    error = page.locator("#id_password1").locator("xpath=..").locator(".invalid-feedback")
    assert "密码太短：至少需要10位。" in error.inner_text()
    assert not re.search(r"[A-Za-z]{4,}", error.inner_text())  # no English on the page
    assert_typed_values_kept(page, code=UNIT_CODE, name=UNIT_NAME)
    assert "涿州市" in page.get_by_test_id("derived-jurisdiction").inner_text()
    assert Registration.objects.count() == 0

    # The browser keeps neither the file nor the password: chosen and typed again.
    form = page.get_by_test_id("registration-form")
    form.get_by_label("营业执照或事业单位法人证书").set_input_files(licence_file)
    form.get_by_label(exactly("密码")).fill(APPLICANT_PASSWORD)
    form.get_by_label("确认密码").fill(APPLICANT_PASSWORD)
    submit_registration(page)
    assert "请查收邮件" in main_text(page)
    assert APPLICANT["email"] in page.get_by_test_id("sent-to").inner_text()


def confirm_email(page, base, mailoutbox):
    """Step 2: the link in the e-mail, and its button."""
    path = mailed_path(mailoutbox, APPLICANT["email"], "/accounts/register/confirm/")
    page.goto(f"{base}{path}")
    page.get_by_test_id("confirm-button").click()
    page.wait_for_url(re.compile(r".*/accounts/register/status/.*"))
    assert Registration.objects.get(uscc=UNIT_CODE).state == Registration.State.PENDING


def approve_registration(page, base, reviewer):
    """Step 3: the county of the code finds it in 单位注册审核 and approves it."""
    sign_in(page, base, reviewer.username, PASSWORD)
    page.get_by_role("button", name="单位管理").click()  # the county's unit menu
    page.get_by_role("link", name="单位注册审核").click()
    page.wait_for_url(f"{base}{reverse('accounts:registration_list')}*")
    page.get_by_test_id("registration-table").get_by_role("link", name=UNIT_NAME).click()
    page.wait_for_load_state()
    assert "涿州市" in page.get_by_test_id("unit-facts").inner_text()
    licence = page.get_by_test_id("licence-link")
    assert licence.inner_text() == "营业执照.pdf"
    scan = page.request.get(f"{base}{licence.get_attribute('href')}")
    assert scan.ok and scan.body() == PDF_BYTES
    page.get_by_test_id("decision").get_by_role("textbox").fill(
        "营业执照与填报信息一致，同意注册。"
    )
    page.get_by_test_id("approve-button").click()
    page.wait_for_load_state()
    assert "已批准注册" in page.locator("body").inner_text()
    assert page.get_by_test_id("state").inner_text() == "已通过"
    log_out(page, base)


def add_colleague(page, base, mailoutbox):
    """Step 4: told by e-mail, the new administrator signs in and adds a colleague in
    单位用户."""
    assert mailed_path(mailoutbox, APPLICANT["email"], "/accounts/login/")
    sign_in(page, base, APPLICANT_LOGIN, APPLICANT_PASSWORD)
    page.get_by_test_id("nav-unit-menu").click()
    page.get_by_test_id("nav-unit-users").click()
    page.get_by_test_id("invite-link").click()
    page.get_by_label("姓名").fill(COLLEAGUE["name"])
    page.get_by_label("手机号码").fill(COLLEAGUE["phone"])
    page.get_by_label("电子邮箱").fill(COLLEAGUE["email"])
    page.get_by_label("用户名").fill(COLLEAGUE["username"])
    page.get_by_role("button", name="添加并发送邀请").click()
    page.wait_for_url(f"{base}{reverse('accounts:unit_users')}")
    row = page.get_by_test_id(f"unit-user-{COLLEAGUE['username']}")
    assert COLLEAGUE["name"] in row.inner_text()
    assert row.get_by_test_id("state").inner_text() == "待设置密码"
    log_out(page, base)


def accept_invitation(page, base, mailoutbox):
    """Step 5: the colleague's link, a password, and signed in."""
    path = mailed_path(mailoutbox, COLLEAGUE["email"], "/accounts/invitation/")
    page.goto(f"{base}{path}")
    # Too short first: said in Chinese (Django's own message for it is English).
    page.get_by_label(exactly("新密码")).fill("Xy-2026")
    page.get_by_label("新密码确认").fill("Xy-2026")
    page.get_by_role("button", name="设置密码并登录").click()
    page.wait_for_load_state()
    error = page.locator("main .invalid-feedback").first.inner_text()
    assert "密码太短：至少需要10位。" in error and "password" not in error
    page.get_by_label(exactly("新密码")).fill(COLLEAGUE_PASSWORD)
    page.get_by_label("新密码确认").fill(COLLEAGUE_PASSWORD)
    page.get_by_role("button", name="设置密码并登录").click()
    page.wait_for_url(f"{base}/")
    assert "密码已设置，欢迎使用。" in page.locator("body").inner_text()


LONG = {
    "产业创新链及构建任务": "围绕智能传感器设计、封装测试和整机应用构建产业创新链，联合攻关MEMS芯片与车规级传感器。",
    "创新目标": "三年内突破关键共性技术五项，制定团体标准两项，实现成果在保定市转化应用十项以上。",
    "决策机构": "联盟理事会，由全体成员单位各派一名代表组成，每年召开两次会议决定重大事项。",
    "执行机构": "联盟秘书处，设在牵头单位，负责日常工作。",
    "对外承担责任的主体": UNIT_NAME,
    "联盟工作办公室地址": "涿州市范阳东路88号3号楼201室",
    "办公室专职人员数": "2",
    "办公室联系人": "陈晓燕",
    "办公室联系电话": "0312-3650000",
    "办公室联系邮箱": "office@jn-sensor.test",
    "经费管理制度": "成员单位按年度自主投入研发经费，政府资助经费专款专用，由理事会审议并接受审计监督。",
    "利益保障机制（成果与知识产权归属、许可、收益分配）": "联合研发成果的知识产权归完成单位共有，成员单位优先免费许可使用，收益按投入比例分配。",
    "开放发展与成果扩散机制": "联盟对符合条件的单位开放加入，定期发布技术成果目录，通过技术交易市场向行业扩散成果。",
    "京津合作单位及合作内容": "北京精密传感研究院：联合开展MEMS传感器研发，京津研发、保定转化。",
}


def fill_alliance(page):
    form = page.get_by_test_id("alliance-form")
    form.get_by_label("联盟类别").select_option(index=1)
    for label, value in LONG.items():
        form.get_by_label(exactly(label)).fill(value)
    form.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.locator("body").inner_text()


def add_member(page, *, code, name, kind, industry, county_label, task):
    """An unregistered unit by its credit code, with its facts and its signature."""
    form = page.get_by_test_id("member-add-form")
    form.get_by_label(exactly("统一社会信用代码")).fill(code)
    form.get_by_label(exactly("联盟内角色")).select_option("council")
    form.get_by_label(exactly("任务分工")).fill(task)
    form.get_by_label(exactly("法定代表人已签署联盟协议（章程）")).check()
    form.get_by_label(exactly("单位名称")).fill(name)
    form.get_by_label(exactly("法定代表人")).fill("周立群")
    form.get_by_label(exactly("单位类型")).select_option(kind)
    form.get_by_label(exactly("所属行业")).select_option(industry)
    form.get_by_label(exactly("所在县（市、区）/开发区")).select_option(label=county_label)
    form.get_by_role("button", name="添加成员单位").click()
    page.wait_for_load_state()
    assert name in page.get_by_test_id("members").inner_text()


def sign_for_the_lead(page):
    """The lead unit's own row: its task and its signature."""
    lead_row = page.get_by_test_id("members").locator("tr[data-member]").first
    lead_row.get_by_role("button", name="修改").click()
    form = page.get_by_test_id("member-edit-form").first
    form.get_by_label("任务分工").fill("牵头组织联盟工作，负责传感器封装测试平台建设。")
    form.get_by_label("法定代表人已签署联盟协议（章程）").check()
    form.get_by_role("button", name="保存成员信息").click()
    page.wait_for_load_state()


def upload_materials(page, licence_file):
    kinds = page.get_by_test_id("materials").locator("[data-kind]")
    for index in range(kinds.count()):
        row = page.get_by_test_id("materials").locator("[data-kind]").nth(index)
        row.locator("input[type=file]").set_input_files(licence_file)
        row.get_by_role("button", name="上传").click()
        page.wait_for_load_state()
    assert page.get_by_test_id("missing-materials").count() == 0


def file_alliance(page, base, licence_file):
    """Step 6: the colleague creates the alliance, completes it and submits it."""
    page.get_by_role("link", name="新建联盟备案申请").first.click()
    page.get_by_label("联盟名称").fill(ALLIANCE_NAME)
    page.get_by_role("button", name="创建并开始填写").click()
    page.wait_for_url(re.compile(r".*/filings/\d+/edit/$"))

    fill_alliance(page)
    add_member(
        page,
        code=demo_uscc("北京精密传感研究院", authority="12", division="110108"),
        name="北京精密传感研究院",
        kind="institute",
        industry="M",
        county_label="市外单位",
        task="负责MEMS传感器芯片设计与可靠性研究。",
    )
    add_member(
        page,
        code=demo_uscc("河北涿州工业学院", authority="12", division=ZHUOZHOU),
        name="河北涿州工业学院",
        kind="university",
        industry="P",
        county_label="涿州市",
        task="负责传感器应用算法研究和人才培养。",
    )
    sign_for_the_lead(page)
    upload_materials(page, licence_file)
    declarations = page.get_by_test_id("declaration-form")
    declarations.get_by_label(re.compile("创新平台")).check()
    declarations.get_by_role("button", name="保存声明").click()
    page.wait_for_load_state()

    assert page.get_by_test_id("submit-blockers").count() == 0, page.get_by_test_id(
        "submit-blockers"
    ).inner_text()
    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("confirm-button").click()  # 提交初审 asks first (core.confirm)
    page.wait_for_load_state()
    assert page.locator("body").get_by_text("县级初审中").count() >= 1


def the_filing() -> Filing:
    return Filing.objects.select_related("alliance__lead_unit", "created_by").get(
        alliance__name=ALLIANCE_NAME
    )


def queue_text(page, base, reviewer) -> str:
    sign_in(page, base, reviewer.username, PASSWORD, reverse("filings:county_queue"))
    return main_text(page)


# --- The tests ----------------------------------------------------------------------------


def test_a_registered_enterprise_files_an_alliance_through_its_colleague(
    page, live_server, mailoutbox, reviewers, municipal_version, licence_file
):
    base = live_server.url
    register_unit(page, base, licence_file)
    confirm_email(page, base, mailoutbox)
    approve_registration(page, base, reviewers["own"])
    add_colleague(page, base, mailoutbox)
    accept_invitation(page, base, mailoutbox)
    file_alliance(page, base, licence_file)

    filing = the_filing()
    unit = Organisation.objects.get(uscc=UNIT_CODE)
    colleague = User.objects.get(username=COLLEAGUE["username"])
    assert filing.state == Filing.State.COUNTY_REVIEW
    assert filing.created_by == colleague and colleague.organisation == unit
    assert filing.alliance.lead_unit == unit
    assert unit.jurisdiction.code == ZHUOZHOU and filing.jurisdiction == unit.jurisdiction
    assert filing.policy_version == municipal_version
    assert filing.declarations == [DECLARED["key"]]

    log_out(page, base)
    assert ALLIANCE_NAME in queue_text(page, base, reviewers["own"])


def test_a_reviewer_of_another_county_never_sees_the_registration_nor_the_filing(
    page, live_server, mailoutbox, reviewers, municipal_version, licence_file
):
    base = live_server.url
    register_unit(page, base, licence_file)
    confirm_email(page, base, mailoutbox)
    registration = Registration.objects.get(uscc=UNIT_CODE)

    other = reviewers["other"]
    sign_in(page, base, other.username, PASSWORD, reverse("accounts:registration_list"))
    assert UNIT_NAME not in main_text(page)
    assert "没有单位注册申请" in page.get_by_test_id("registration-table").inner_text()
    detail = reverse("accounts:registration_detail", args=[registration.pk])
    assert page.goto(f"{base}{detail}").status == 404
    licence = reverse("accounts:registration_licence", args=[registration.pk])
    assert page.goto(f"{base}{licence}").status == 404
    page.goto(f"{base}/")
    log_out(page, base)

    # Approved by its own county, its alliance filed: still not in the other queue.
    approve_registration(page, base, reviewers["own"])
    add_colleague(page, base, mailoutbox)
    accept_invitation(page, base, mailoutbox)
    file_alliance(page, base, licence_file)
    log_out(page, base)
    assert ALLIANCE_NAME not in queue_text(page, base, other)
    assert page.goto(f"{base}{detail}").status == 404  # approved: still not theirs
    page.goto(f"{base}/")
    log_out(page, base)
    assert ALLIANCE_NAME in queue_text(page, base, reviewers["own"])


def test_a_registered_code_names_the_units_administrator_and_keeps_the_form(
    page, live_server, licence_file
):
    base = live_server.url
    unit = Organisation.objects.create(
        name="保定已注册传感器有限公司",
        uscc=UNIT_CODE,
        kind="enterprise",
        industry="C",
        legal_representative="孙立",
        jurisdiction=jurisdiction(ZHUOZHOU),
    )
    unit_admin(unit, last_name="赵", first_name="管理")
    page.goto(f"{base}{reverse('accounts:register')}")
    fill_registration(
        page, code=UNIT_CODE, name=UNIT_NAME, password=APPLICANT_PASSWORD, licence_file=licence_file
    )
    submit_registration(page)

    error = page.locator("#id_uscc").locator("xpath=..").locator(".invalid-feedback")
    assert "已注册为“保定已注册传感器有限公司”" in error.inner_text()
    # Named so a colleague knows whom to ask, masked for a stranger (赵*).
    assert "请联系该单位的单位管理员 赵** 为您添加账号" in error.inner_text()
    assert_typed_values_kept(page, code=UNIT_CODE, name=UNIT_NAME)
    assert Registration.objects.count() == 0
