"""The lead unit's online application (Art. 9–10): draft, members, the generated 申请书."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Organisation
from accounts.uscc import check_character
from demo.accounts import demo_uscc
from filings.models import Alliance, AllianceMember, Filing
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    draft_filing,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def new_code(name: str) -> str:
    """A valid code that no organisation in the database has."""
    code = demo_uscc(name, authority="91", division="110108")
    assert not Organisation.objects.filter(uscc=code).exists()
    return code


@pytest.fixture
def lead(client):
    user = LeadUnitUserFactory()
    login(client, user)
    return user


@pytest.fixture
def filing(client, lead):
    response = client.post(reverse("filings:new"), {"name": "保定氢能产业技术创新战略联盟"})
    filing = Filing.objects.get(alliance__lead_unit=lead.organisation)
    assert response.status_code == 302
    assert response["Location"] == reverse("filings:edit", args=[filing.pk])
    return filing


def member_data(**overrides):
    data = {
        "member-uscc": "",
        "member-role": "member",
        "member-task_division": "负责中试验证",
        "member-charter_signed": "on",
        "member-name": "",
        "member-kind": "",
        "member-industry": "M",
        "member-legal_representative": "",
        "member-jurisdiction": "",
    }
    data.update(overrides)
    return data


# --- Create, edit, save a draft -----------------------------------------------------------


def test_lead_unit_creates_alliance_with_itself_as_lead_member(filing, lead):
    assert filing.state == Filing.State.DRAFT
    assert filing.alliance.name == "保定氢能产业技术创新战略联盟"
    lead_row = filing.alliance.members.get()
    assert lead_row.organisation == lead.organisation
    assert lead_row.role == AllianceMember.Role.LEAD


def test_new_alliance_without_name_is_refused_in_chinese(client, lead):
    response = client.post(reverse("filings:new"), {"name": ""})
    assert response.status_code == 200
    assert "请填写联盟名称。" in response.content.decode()
    assert not Alliance.objects.exists()


def test_edit_page_shows_sections_of_art9_members_materials_and_checklist(client, filing):
    response = client.get(reverse("filings:edit", args=[filing.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for legend in (
        "基本信息（第八条 联盟类别）",
        "任务与目标（第九条第二项）",
        "经费管理（第九条第五项）",
    ):
        assert legend in html
    assert "第九条（二）产业创新链构建任务明确、目标清晰。" in html
    assert 'data-testid="checklist"' in html
    assert 'data-testid="member-add-form"' in html
    assert reverse("filings:material_upload", args=[filing.pk]) in html
    assert reverse("filings:application_form_pdf", args=[filing.pk]) in html
    assert reverse("filings:submit", args=[filing.pk]) in html
    assert 'name="expected_state" value="draft"' in html


def test_saving_a_partial_draft_keeps_what_was_typed(client, filing):
    response = client.post(
        reverse("filings:edit", args=[filing.pk]),
        {
            "save": "1",
            "name": "保定氢能产业技术创新战略联盟",
            "category": "industrial",
            "industry_chain": "制氢、储运、燃料电池",
            "office_fulltime_staff": "3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("filings:edit", args=[filing.pk])
    assert "草稿已保存" in messages_of(response)
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    assert alliance.category == "industrial"
    assert alliance.industry_chain == "制氢、储运、燃料电池"
    assert alliance.office_fulltime_staff == 3
    assert alliance.funding_rules == ""


def test_invalid_staff_count_keeps_every_typed_value_and_saves_nothing(client, filing):
    typed = {
        "name": "改过名字的联盟",
        "category": "strategic",
        "industry_chain": "产业链任务甲乙丙",
        "innovation_goals": "创新目标丁戊己",
        "decision_body": "理事会七人",
        "executive_body": "秘书处",
        "liable_entity": "保定某某公司",
        "office_address": "保定市莲池区东风路8号",
        "office_fulltime_staff": "三人",
        "office_contact_name": "李四",
        "office_contact_phone": "0312-1234567",
        "office_contact_email": "不是邮箱",
        "funding_rules": "自主投入为主",
        "ip_mechanism": "事先约定归属",
        "openness_mechanism": "成果向外扩散",
        "beijing_tianjin_partners": "北京某研究院",
    }
    response = client.post(reverse("filings:edit", args=[filing.pk]), {"save": "1", **typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "专职人员数请填写整数，例如 3。" in html
    assert "请填写有效的电子邮箱地址" in html
    for value in typed.values():
        assert value in html, value
    assert 'value="strategic" selected' in html
    # Shown in a text box: a type="number" input would display nothing for "三人".
    assert 'name="office_fulltime_staff" value="三人"' in html
    assert 'type="number"' not in html
    # The heading still shows the saved name, not the unsaved one.
    assert '<h1 class="h3 mb-1" data-testid="edit-title">保定氢能产业技术创新战略联盟</h1>' in html
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    assert alliance.name == "保定氢能产业技术创新战略联盟"
    assert alliance.category == ""
    assert alliance.industry_chain == ""


def test_my_filings_and_home_list_the_filing_with_state_and_edit_link(client, filing):
    for url in (reverse("filings:mine"), reverse("portal:home")):
        html = client.get(url).content.decode()
        assert "保定氢能产业技术创新战略联盟" in html
        assert "草稿" in html
        assert reverse("filings:edit", args=[filing.pk]) in html
        assert reverse("filings:new") in html


def test_my_filings_shows_return_reason_and_no_edit_link_under_review(client):
    returned = filing_in_state(Filing.State.RETURNED)
    login(client, returned.created_by)
    html = client.get(reverse("filings:mine")).content.decode()
    assert "请补充成员单位任务分工" in html
    assert reverse("filings:edit", args=[returned.pk]) in html

    in_review = filing_in_state(Filing.State.COUNTY_REVIEW)
    login(client, in_review.created_by)
    html = client.get(reverse("filings:mine")).content.decode()
    assert reverse("filings:detail", args=[in_review.pk]) in html
    assert reverse("filings:edit", args=[in_review.pk]) not in html


def test_returned_filing_shows_the_reason_on_the_edit_page(client):
    returned = filing_in_state(Filing.State.RETURNED)
    login(client, returned.created_by)
    html = client.get(reverse("filings:edit", args=[returned.pk])).content.decode()
    assert "退回修改理由" in html
    assert "请补充成员单位任务分工" in html
    assert 'name="expected_state" value="returned"' in html


def test_submit_button_disabled_with_reasons_until_everything_conforms(client, filing, lead):
    html = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert 'data-testid="submit-button" disabled' in html
    assert "第十条材料未上传" in html

    complete = draft_filing(lead)
    html = client.get(reverse("filings:edit", args=[complete.pk])).content.decode()
    assert 'data-testid="submit-button">' in html
    assert 'data-testid="submit-blockers"' not in html


# --- Members (Art. 9(1), 9(3)) ---------------------------------------------------------------


def test_lead_unit_adds_existing_organisation_by_credit_code(client, filing):
    university = OrganisationFactory(kind="university", industry="P")
    count = Organisation.objects.count()
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(**{"member-uscc": university.uscc.lower()}),
    )
    assert response.status_code == 302
    member = filing.alliance.members.get(organisation=university)
    assert member.charter_signed is True
    assert member.signed_by == university.legal_representative
    assert member.task_division == "负责中试验证"
    assert Organisation.objects.count() == count


def test_unknown_code_with_organisation_fields_registers_the_organisation(client, filing):
    code = new_code("北京氢能研究院")
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(
            **{
                "member-uscc": code,
                "member-role": "council",
                "member-name": "北京氢能研究院",
                "member-kind": "institute",
                "member-legal_representative": "周七",
            }
        ),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(uscc=code)
    assert organisation.name == "北京氢能研究院"
    assert organisation.kind == "institute"
    assert organisation.industry == "M"
    assert organisation.jurisdiction is None
    member = filing.alliance.members.get(organisation=organisation)
    assert member.role == AllianceMember.Role.COUNCIL


def test_unknown_code_without_organisation_fields_is_refused_and_nothing_created(client, filing):
    code = new_code("天津未登记单位")
    count = Organisation.objects.count()
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(**{"member-uscc": code, "member-task_division": "负责检测"}),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "该信用代码尚未登记，请填写单位名称、类型、所属行业和法定代表人。" in html
    assert code in html
    assert "负责检测" in html
    assert Organisation.objects.count() == count
    assert filing.alliance.members.count() == 1


VALID = demo_uscc("校验用单位", authority="91", division="130602")
WRONG_CHECK = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            WRONG_CHECK,
            f"校验码不符：按前17位计算，第18位应为“{check_character(VALID[:17])}”，"
            f"而不是“{WRONG_CHECK[-1]}”。请对照营业执照或法人证书逐位核对。",
        ),
        (
            VALID[:9] + "I" + VALID[10:],
            "第10位的“I”不是合法字符：统一社会信用代码只使用数字和除 I、O、S、V、Z 以外的大写字母。",
        ),
        (
            VALID[:9] + "O" + VALID[10:],
            "第10位的“O”不是合法字符：统一社会信用代码只使用数字和除 I、O、S、V、Z 以外的大写字母。",
        ),
        (VALID[:17], "统一社会信用代码应为18位，您输入了17位。"),
    ],
)
def test_invalid_credit_code_gets_exact_chinese_message(client, filing, code, message):
    count = Organisation.objects.count()
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(
            **{
                "member-uscc": code,
                "member-name": "校验用单位",
                "member-kind": "enterprise",
                "member-legal_representative": "赵六",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "校验用单位" in html  # what was typed is kept
    assert Organisation.objects.count() == count
    assert filing.alliance.members.count() == 1


def test_mistyped_code_of_a_known_unit_says_the_code_is_wrong_not_unregistered(client, filing):
    university = OrganisationFactory(kind="university", industry="P")
    typo = university.uscc[:-1] + ("0" if university.uscc[-1] != "0" else "1")
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]), member_data(**{"member-uscc": typo})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"校验码不符：按前17位计算，第18位应为“{university.uscc[-1]}”" in html
    assert "该信用代码尚未登记" not in html
    assert filing.alliance.members.count() == 1


def test_duplicate_member_gets_the_services_message(client, filing, lead):
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(**{"member-uscc": lead.organisation.uscc}),
    )
    assert response.status_code == 200
    assert f"“{lead.organisation.name}”已是本联盟成员。" in response.content.decode()
    assert filing.alliance.members.count() == 1


def test_member_edit_records_task_division_and_signature(client, filing):
    university = OrganisationFactory(kind="university", industry="P")
    member = AllianceMember.objects.create(alliance=filing.alliance, organisation=university)
    response = client.post(
        reverse("filings:member_edit", args=[filing.pk, member.pk]),
        {
            f"m{member.pk}-role": "council",
            f"m{member.pk}-task_division": "人才培养",
            f"m{member.pk}-charter_signed": "on",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.task_division, member.charter_signed) == (
        "council",
        "人才培养",
        True,
    )
    assert member.signed_by == university.legal_representative


def test_member_edit_with_invalid_role_rerenders_with_error(client, filing):
    university = OrganisationFactory()
    member = AllianceMember.objects.create(alliance=filing.alliance, organisation=university)
    response = client.post(
        reverse("filings:member_edit", args=[filing.pk, member.pk]),
        {f"m{member.pk}-role": "lead", f"m{member.pk}-task_division": "夺权"},
    )
    assert response.status_code == 200
    assert "夺权" in response.content.decode()
    member.refresh_from_db()
    assert member.role == AllianceMember.Role.MEMBER


def test_member_remove_and_lead_row_cannot_be_removed(client, filing, lead):
    other = AllianceMember.objects.create(
        alliance=filing.alliance, organisation=OrganisationFactory()
    )
    response = client.post(reverse("filings:member_remove", args=[filing.pk, other.pk]))
    assert response.status_code == 302
    assert not AllianceMember.objects.filter(pk=other.pk).exists()

    lead_row = filing.alliance.members.get(organisation=lead.organisation)
    response = client.post(reverse("filings:member_remove", args=[filing.pk, lead_row.pk]))
    assert response.status_code == 302
    assert "牵头单位不能从联盟中移除。" in messages_of(response)
    assert AllianceMember.objects.filter(pk=lead_row.pk).exists()


def test_member_of_another_alliance_is_not_found_through_my_filing(client, filing):
    foreign = draft_filing().alliance.members.exclude(role="lead").first()
    response = client.post(reverse("filings:member_remove", args=[filing.pk, foreign.pk]))
    assert response.status_code == 404
    assert AllianceMember.objects.filter(pk=foreign.pk).exists()


# --- Who may do what -------------------------------------------------------------------------


def test_lead_unit_of_another_alliance_gets_404_everywhere(client):
    theirs = draft_filing()
    member = theirs.alliance.members.exclude(role="lead").first()
    login(client, LeadUnitUserFactory())
    assert client.get(reverse("filings:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("filings:edit", args=[theirs.pk]), {"name": "x"}).status_code == 404
    posts = [
        (
            "filings:member_add",
            [theirs.pk],
            member_data(**{"member-uscc": member.organisation.uscc}),
        ),
        ("filings:member_edit", [theirs.pk, member.pk], {f"m{member.pk}-role": "council"}),
        ("filings:member_remove", [theirs.pk, member.pk], {}),
        ("filings:material_upload", [theirs.pk], {"material-kind": "charter"}),
    ]
    for name, args, data in posts:
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    assert client.get(reverse("filings:application_form_pdf", args=[theirs.pk])).status_code == 404
    theirs.alliance.refresh_from_db()
    assert theirs.alliance.name == "保定测试联盟"
    assert AllianceMember.objects.filter(pk=member.pk, role="member").exists()


@pytest.mark.parametrize("factory", [CountyReviewerFactory, MunicipalStaffFactory])
def test_reviewers_cannot_open_the_edit_page(client, factory):
    filing = filing_in_state(Filing.State.COUNTY_REVIEW)
    login(client, factory())
    assert client.get(reverse("filings:edit", args=[filing.pk])).status_code in (403, 404)
    assert client.get(reverse("filings:mine")).status_code == 403
    assert client.get(reverse("filings:new")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    filing = draft_filing()
    response = client.get(reverse("filings:edit", args=[filing.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_get_on_post_only_urls_is_405(client, filing):
    member = filing.alliance.members.get()
    for name, args in [
        ("filings:member_add", [filing.pk]),
        ("filings:member_edit", [filing.pk, member.pk]),
        ("filings:member_remove", [filing.pk, member.pk]),
        ("filings:material_upload", [filing.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 405, name


def test_editing_a_filing_in_county_review_is_refused_without_change(client):
    filing = filing_in_state(Filing.State.COUNTY_REVIEW)
    login(client, filing.created_by)
    name_before = filing.alliance.name
    members_before = filing.alliance.members.count()

    response = client.get(reverse("filings:edit", args=[filing.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("filings:detail", args=[filing.pk])

    response = client.post(reverse("filings:edit", args=[filing.pk]), {"name": "偷改的名字"})
    assert response.status_code == 302
    assert "申请当前状态为“县级初审中”，不能修改。" in messages_of(response)
    outsider = OrganisationFactory()
    client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(**{"member-uscc": outsider.uscc}),
    )
    filing.alliance.refresh_from_db()
    assert filing.alliance.name == name_before
    assert filing.alliance.members.count() == members_before
    assert Filing.objects.get(pk=filing.pk).state == Filing.State.COUNTY_REVIEW


# --- The generated 备案申请书 (Art. 10(2)) ----------------------------------------------------


def test_application_form_pdf_contains_the_alliance_name(client, cjk_font):
    from pypdf import PdfReader

    filing = draft_filing(name="保定氢能产业技术创新战略联盟")
    login(client, filing.created_by)
    response = client.get(reverse("filings:application_form_pdf", args=[filing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%A4%87%E6%A1%88%E7%94%B3%E8%AF%B7%E4%B9%A6-" in disposition
    content = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "保定氢能产业技术创新战略联盟" in text.replace(" ", "").replace("\n", "")


def test_application_form_pdf_is_visible_to_the_county_reviewer_after_submission(client):
    filing = filing_in_state(Filing.State.COUNTY_REVIEW)
    login(client, CountyReviewerFactory(jurisdiction=filing.jurisdiction))
    response = client.get(reverse("filings:application_form_pdf", args=[filing.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    login(client, CountyReviewerFactory(jurisdiction=jurisdiction("130606")))
    response = client.get(reverse("filings:application_form_pdf", args=[filing.pk]))
    assert response.status_code == 404


# --- Penetration test (release after issue 11): units registered by a lead unit -------------
# POST /filings/<pk>/members/add/ with an unknown credit code registers that unit with the
# name, legal representative and county the lead unit typed (an event report's member
# change does the same), and nothing in the audit log says who registered it: the first to
# type a real company's code decides its registered facts. Every registration is audited,
# like the bureau's (accounts.services.organisation_register).


def test_a_unit_registered_by_a_lead_unit_is_audited(client, filing, lead):
    from audit.models import AuditEntry

    code = new_code("北京审计测试研究院")
    client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(
            **{
                "member-uscc": code,
                "member-name": "北京审计测试研究院",
                "member-kind": "institute",
                "member-legal_representative": "周七",
            }
        ),
    )
    organisation = Organisation.objects.get(uscc=code)
    assert AuditEntry.objects.for_object(organisation).filter(actor=lead).exists()


def test_a_unit_outside_baoding_cannot_start_an_alliance_as_its_lead(client):
    """Art. 9(1): it registered to confirm its memberships; leading is refused at once
    with the reason, not at submission after the whole application was typed."""
    outsider = LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=None))
    assert not outsider.organisation.registered_in_baoding
    client.force_login(outsider)
    response = client.post(reverse("filings:new"), {"name": "京外牵头联盟"})
    assert response.status_code == 200
    assert "不能牵头组建联盟（第九条第一项）" in response.content.decode()
    assert not Alliance.objects.exists()
    # A Baoding unit still can.
    client.force_login(LeadUnitUserFactory())
    assert client.post(reverse("filings:new"), {"name": "保定牵头联盟"}).status_code == 302
    assert Alliance.objects.get().name == "保定牵头联盟"


def test_a_unit_registered_outside_hebei_cannot_lead_whatever_county_it_names(client):
    outsider = LeadUnitUserFactory(
        organisation=OrganisationFactory(
            jurisdiction=None, uscc=demo_uscc("京外单位", authority="91", division="110105")
        )
    )
    Organisation.objects.filter(pk=outsider.organisation_id).update(
        jurisdiction=jurisdiction("130602")
    )
    client.force_login(outsider)
    response = client.post(reverse("filings:new"), {"name": "京外牵头联盟"})
    assert "不能牵头组建联盟（第九条第一项）" in response.content.decode()
    assert not Alliance.objects.exists()


def test_the_chairperson_and_secretary_general_are_entered_and_printed(client, filing):
    """Issue 15 item 9: the 备案申请书 prints 理事长 / 秘书长, which the form did not ask."""
    html = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert 'name="chairperson"' in html and 'name="secretary_general"' in html
    response = client.post(
        reverse("filings:edit", args=[filing.pk]),
        {
            "save": "1",
            "name": filing.alliance.name,
            "chairperson": "王理事",
            "secretary_general": "李秘书",
        },
    )
    assert response.status_code == 302
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    assert (alliance.chairperson, alliance.secretary_general) == ("王理事", "李秘书")
    from django.template.loader import render_to_string

    printed = render_to_string(
        "pdf/application_form.html", {"alliance": alliance, "filing": filing}
    )
    assert "王理事 / 李秘书" in printed


def test_a_new_unit_needs_its_industry_chosen_not_a_silent_default(client, filing):
    code = new_code("未选行业单位")
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        member_data(
            **{
                "member-uscc": code,
                "member-name": "未选行业单位",
                "member-kind": "enterprise",
                "member-industry": "",
                "member-legal_representative": "吴九",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "所属行业" in html and "新登记单位必须填写此项。" in html
    assert not Organisation.objects.filter(uscc=code).exists()
    page = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert (
        '<option value="" selected>（请选择）</option>' in page.split('name="member-industry"')[1]
    )


def edit_page_data(client, filing) -> dict:
    """The draft's fields as its edit page sends them."""
    form = client.get(reverse("filings:edit", args=[filing.pk])).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0312-5012345", "0312-5012345"),
        ("（0312）5012345 转 8001", "(0312)5012345 转 8001"),
        ("138 1234 5678", "138 1234 5678"),
        ("+86 13812345678", "+86 13812345678"),
    ],
)
def test_office_phone_accepts_what_people_type(client, filing, typed, kept):
    response = client.post(
        reverse("filings:edit", args=[filing.pk]),
        {"save": "1", **edit_page_data(client, filing), "office_contact_phone": typed},
    )
    assert response.status_code == 302
    filing.alliance.refresh_from_db()
    assert filing.alliance.office_contact_phone == kept


@pytest.mark.parametrize("typed", ["abc", "12345", "0312-abc-1234", "1" * 21])
def test_office_phone_refuses_what_is_not_a_number(client, filing, typed):
    response = client.post(
        reverse("filings:edit", args=[filing.pk]),
        {"save": "1", **edit_page_data(client, filing), "office_contact_phone": typed},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写有效的联系电话" in html and typed in html
    filing.alliance.refresh_from_db()
    assert filing.alliance.office_contact_phone == ""
