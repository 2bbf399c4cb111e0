"""The import of the paper-era register (issue 16): the service, sheet by sheet."""

import datetime
import io
import zipfile

import pytest
import time_machine

from accounts.models import Organisation
from audit.models import AuditEntry
from filings.models import Alliance, AllianceMember
from filings.numbering import next_filing_number
from portal.imports import service
from subsidies.models import Award, SubsidyRound
from supervision.models import AnnualSummary, RevocationCase
from tests.factories import MunicipalStaffFactory, OrganisationFactory, policy_v1

from .import_files import alliance, code, member, unit, workbook

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


NUMBER = "保科联备〔2018〕007号"


@pytest.fixture
def staff():
    policy_v1()
    return MunicipalStaffFactory()


def good_file(**overrides) -> bytes:
    sheets = {
        "organisations": [unit("保定甲科技有限公司"), unit("保定乙材料有限公司")],
        "alliances": [alliance("保定甲产业技术创新战略联盟", "保定甲科技有限公司", NUMBER)],
        "members": [
            member(NUMBER, "保定甲科技有限公司", role="牵头单位"),
            member(NUMBER, "保定乙材料有限公司", role="理事单位"),
        ],
        "summaries": [
            {
                "filing_number": NUMBER,
                "year": 2019,
                "submitted_on": "2020-01-15",
                "accepted_on": "2020-02-01",
                "patents_granted": 4,
            }
        ],
        "awards": [{"filing_number": NUMBER, "year": 2019, "amount_yuan": 200000}],
    }
    sheets.update(overrides)
    return workbook(**sheets)


def counts():
    return (
        Organisation.objects.count(),
        Alliance.objects.count(),
        AllianceMember.objects.count(),
        AnnualSummary.objects.count(),
        Award.objects.count(),
        AuditEntry.objects.count(),
    )


def test_dry_run_reports_and_writes_nothing(staff):
    before = counts()
    report = service.run(good_file(), name="登记簿.xlsx", user=staff, dry_run=True)
    assert report["refusal_count"] == 0, report["refusals"]
    assert counts() == before
    by_sheet = {s["title"]: s for s in report["sheets"]}
    assert by_sheet["单位"]["created"] == 2
    assert by_sheet["联盟"]["created"] == 1
    assert by_sheet["成员单位"]["created"] == 2
    assert by_sheet["年度总结"]["created"] == 1
    assert by_sheet["补贴"]["created"] == 1


def test_import_writes_everything_audited_with_the_digest(staff):
    data = good_file()
    report = service.run(data, name="登记簿.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    a = Alliance.objects.get(filing_number=NUMBER)
    assert a.status == Alliance.Status.FILED
    assert a.filed_on == datetime.date(2018, 6, 30)
    assert a.category == "industrial_technology"
    assert a.members.get(role="lead").organisation.uscc == code("保定甲科技有限公司")
    summary = AnnualSummary.objects.get(alliance=a, year=2019)
    assert summary.state == AnnualSummary.State.ACCEPTED and summary.patents_granted == 4
    award = Award.objects.get(application__alliance=a)
    assert award.amount_yuan == 200000
    assert award.application.round.imported and award.application.round.year == 2019
    sha = service.sha256_of(data)
    entries = AuditEntry.objects.filter(action="import")
    # 2 units, 1 alliance, 2 members, 1 summary, the 2019 round, 1 application, 1 award
    assert entries.count() == 9
    assert all(sha in e.reason and e.actor == staff for e in entries)
    assert entries.for_object(a).get().action_label == "导入历史数据"


def refused(staff, data, *fragments):
    """The file is refused with each of ``fragments`` in one message; nothing written."""
    before = counts()
    report = service.run(data, name="登记簿.xlsx", user=staff, dry_run=False)
    assert counts() == before
    assert report["refusal_count"] >= 1
    text = "\n".join(report["refusals"])
    for fragment in fragments:
        assert fragment in text, text
    return report


def test_a_file_that_is_not_xlsx_is_refused_by_its_content(staff):
    refused(staff, b"%PDF-1.7 not a workbook", "不是Excel工作簿（.xlsx）", "按文件内容识别")
    # A zip that is no workbook, whatever its name says
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    refused(staff, buffer.getvalue(), "不是Excel工作簿")


def test_a_sheet_with_missing_columns_is_refused(staff):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(good_file()))
    book["联盟"].delete_cols(4)  # 备案编号
    buffer = io.BytesIO()
    book.save(buffer)
    refused(staff, buffer.getvalue(), "联盟表缺少列：备案编号")


def test_an_invalid_credit_code_names_row_and_column(staff):
    bad = unit("保定丙有限公司")
    bad["uscc"] = bad["uscc"][:-1] + ("0" if bad["uscc"][-1] != "0" else "1")
    report = refused(
        staff,
        good_file(organisations=[unit("保定甲科技有限公司"), unit("保定乙材料有限公司"), bad]),
        "单位表第4行 统一社会信用代码：校验码不符",
    )
    assert any(line["outcome"] == "refused" and line["row"] == 4 for line in report["lines"])


def test_a_category_that_does_not_exist(staff):
    row = alliance(
        "保定甲产业技术创新战略联盟", "保定甲科技有限公司", NUMBER, category="五类：不存在"
    )
    refused(
        staff,
        good_file(alliances=[row]),
        "联盟表第2行 联盟类别：“五类：不存在”不是有效的联盟类别",
    )


def test_a_date_in_the_future(staff):
    row = alliance(
        "保定甲产业技术创新战略联盟", "保定甲科技有限公司", NUMBER, filed_on="2026-03-03"
    )
    refused(staff, good_file(alliances=[row]), "联盟表第2行 备案日期：日期2026-03-03晚于今天")


def test_a_filing_number_twice_in_the_file(staff):
    rows = [
        alliance("保定甲产业技术创新战略联盟", "保定甲科技有限公司", NUMBER),
        alliance("保定乙产业创新联盟", "保定乙材料有限公司", NUMBER),
    ]
    refused(staff, good_file(alliances=rows), "联盟表第3行 备案编号：与本表第2行重复")


def test_a_filing_number_the_portal_holds_for_another_alliance(staff):
    from tests.factories import filed_alliance

    filed_alliance(filing_number=NUMBER, filed_on=datetime.date(2018, 5, 1))
    refused(
        staff, good_file(), "联盟表第2行 备案编号：该备案编号已被系统中的", "一个编号不能用两次"
    )


def test_file_and_row_limits_name_the_limit(staff, monkeypatch):
    from portal.imports import reading

    refused(staff, b"PK\x03\x04" + b"0" * (50 * 1024 * 1024), "超过了50 MB的上限")
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    refused(staff, good_file(), "工作簿的数据超过3行，超出一次导入的上限")


def test_a_refusal_in_a_later_sheet_rolls_back_the_earlier_ones(staff):
    summary = {"filing_number": NUMBER, "year": 2019, "submitted_on": "2030-01-01"}
    refused(staff, good_file(summaries=[summary]), "年度总结表第2行 提交日期")
    assert not Organisation.objects.filter(uscc=code("保定甲科技有限公司")).exists()


def test_an_existing_unit_is_matched_and_left_unchanged(staff):
    org = OrganisationFactory(
        uscc=code("保定甲科技有限公司"), name="原名称", legal_representative="原"
    )
    report = service.run(good_file(), name="x.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    org.refresh_from_db()
    assert (org.name, org.legal_representative) == ("原名称", "原")
    assert any("单位已存在，未作更改：原名称" in line["text"] for line in report["lines"])
    assert not AuditEntry.objects.for_object(org).exists()


def test_the_same_file_twice_changes_nothing_the_second_time(staff):
    data = good_file()
    first = service.run(data, name="x.xlsx", user=staff, dry_run=False)
    assert first["refusal_count"] == 0 and first["created"] == 9 - 2  # 2 are round/application
    before = counts()
    budget = SubsidyRound.objects.get(imported=True).budget_yuan
    second = service.run(data, name="x.xlsx", user=staff, dry_run=False)
    assert second["refusal_count"] == 0, second["refusals"]
    assert second["created"] == 0 and second["matched"] == first["created"]
    assert counts() == before
    assert SubsidyRound.objects.get(imported=True).budget_yuan == budget == 200000


def test_the_sequence_continues_after_the_highest_imported_number(staff):
    from django.db import transaction

    rows = [
        alliance("保定甲产业技术创新战略联盟", "保定甲科技有限公司", "保科联备〔2018〕007号"),
        alliance("保定乙产业创新联盟", "保定乙材料有限公司", "保科联备〔2018〕012号"),
    ]
    report = service.run(good_file(alliances=rows), name="x.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    with transaction.atomic():
        assert next_filing_number(2018) == "保科联备〔2018〕013号"
        assert next_filing_number(2019) == "保科联备〔2019〕001号"


def test_a_number_held_already_is_never_issued(staff):
    from django.db import transaction

    from tests.factories import filed_alliance

    filed_alliance(filing_number="保科联备〔2025〕001号")
    with transaction.atomic():
        assert next_filing_number(2025) == "保科联备〔2025〕002号"


def test_a_revoked_alliance_comes_with_its_decided_case(staff):
    row = alliance(
        "保定甲产业技术创新战略联盟",
        "保定甲科技有限公司",
        NUMBER,
        status="已取消备案",
        revoked_on="2021-05-10",
        revocation_ground="（四）宣布解散",
    )
    report = service.run(good_file(alliances=[row]), name="x.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    a = Alliance.objects.get(filing_number=NUMBER)
    assert a.status == Alliance.Status.REVOKED
    case = RevocationCase.objects.get(alliance=a)
    assert case.state == RevocationCase.State.REVOKED and case.grounds == ["4"]
    assert AuditEntry.objects.for_object(case).get().action == "import"


def test_a_revoked_row_without_its_date_is_refused(staff):
    row = alliance("保定甲产业技术创新战略联盟", "保定甲科技有限公司", NUMBER, status="已取消备案")
    refused(
        staff,
        good_file(alliances=[row]),
        "联盟表第2行 取消备案日期：已取消备案的联盟须填写取消备案日期",
        "联盟表第2行 取消备案情形：已取消备案的联盟须选择取消备案情形",
    )


def test_a_member_unknown_to_both_is_refused(staff):
    rows = [member(NUMBER, "保定甲科技有限公司", role="牵头单位"), member(NUMBER, "无名单位")]
    refused(
        staff,
        good_file(members=rows),
        "成员单位表第3行 成员单位统一社会信用代码：系统和“单位”表中都没有该单位",
    )


def test_the_untouched_example_rows_are_ignored(staff):
    report = service.run(workbook(), name="template.xlsx", user=staff, dry_run=True)
    assert report["refusal_count"] == 0
    assert report["rows"] == 0
    assert len(report["ignored_examples"]) == 5


def test_a_lead_row_for_another_unit_is_refused(staff):
    rows = [member(NUMBER, "保定乙材料有限公司", role="牵头单位")]
    refused(staff, good_file(members=rows), "成员单位表第2行 联盟内角色：该联盟的牵头单位是")


def test_a_lead_unit_left_out_of_the_members_is_added_as_lead(staff):
    rows = [member(NUMBER, "保定乙材料有限公司", role="理事单位")]
    report = service.run(good_file(members=rows), name="x.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    lead = AllianceMember.objects.get(alliance__filing_number=NUMBER, role="lead")
    assert lead.organisation.uscc == code("保定甲科技有限公司")
    assert AuditEntry.objects.for_object(lead).get().action == "import"


def test_a_later_file_adds_its_awards_to_the_years_imported_round(staff):
    service.run(good_file(), name="x.xlsx", user=staff, dry_run=False)
    second = "保科联备〔2018〕009号"
    later = workbook(
        organisations=[unit("保定乙材料有限公司")],
        alliances=[alliance("保定乙产业创新联盟", "保定乙材料有限公司", second)],
        awards=[{"filing_number": second, "year": 2019, "amount_yuan": 150000}],
    )
    report = service.run(later, name="y.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    round_ = SubsidyRound.objects.get(imported=True)
    assert round_.budget_yuan == 350000 and round_.applications.count() == 2
    increases = AuditEntry.objects.for_object(round_).filter(action="import_total")
    assert [e.reason[:9] for e in increases] == ["增加200000元", "增加150000元"]
    increase = increases.last()
    assert "增加150000元" in increase.reason and service.sha256_of(later) in increase.reason


def test_later_sheets_may_name_what_the_portal_holds_already(staff):
    from tests.factories import filed_alliance

    held = filed_alliance(filing_number="保科联备〔2020〕004号", filed_on=datetime.date(2020, 5, 1))
    unit_held = OrganisationFactory(uscc=code("保定已登记有限公司"))
    data = workbook(
        members=[member(held.filing_number, "保定已登记有限公司")],
        summaries=[
            {"filing_number": held.filing_number, "year": 2021, "submitted_on": "2022-03-01"}
        ],
    )
    report = service.run(data, name="x.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    assert held.members.filter(organisation=unit_held).exists()
    assert AnnualSummary.objects.get(alliance=held, year=2021).state == "submitted"


def test_members_of_a_refused_number_do_not_attach_to_the_holder(staff):
    from tests.factories import filed_alliance

    holder = filed_alliance(filing_number=NUMBER, filed_on=datetime.date(2018, 5, 1))
    report = refused(staff, good_file(), "一个编号不能用两次")
    # The member rows are refused as naming a refused alliance, not reported as joining
    # the alliance that holds the number.
    refusals = "\n".join(report["refusals"])
    assert "成员单位表第2行 联盟备案编号：该联盟在“联盟”表中的行有错误" in refusals
    assert not any(
        line["outcome"] == "created" and holder.name in line["text"] for line in report["lines"]
    )


def test_the_imports_audit_entries_are_sealed_into_the_chain(
    staff, django_capture_on_commit_callbacks
):
    from audit.chain import verify_chain

    with django_capture_on_commit_callbacks(execute=True):
        service.run(good_file(), name="x.xlsx", user=staff, dry_run=False)
    entries = AuditEntry.objects.filter(action="import")
    assert entries.count() == 9
    assert not entries.filter(seq__isnull=True).exists()
    _count, problems = verify_chain()
    assert problems == []


# --- What the paper register may not touch (penetration test, issue 16) ------------------


def test_an_alliance_filed_through_the_portal_takes_nothing_from_the_import(staff):
    """Its members, summaries and subsidies go through the portal's own audited paths."""
    from tests.factories import filing_in_state

    held = filing_in_state("filed").alliance
    OrganisationFactory(uscc=code("保定已登记有限公司"))
    data = workbook(
        members=[member(held.filing_number, "保定已登记有限公司")],
        summaries=[
            {"filing_number": held.filing_number, "year": 2025, "submitted_on": "2026-01-10"}
        ],
        awards=[{"filing_number": held.filing_number, "year": 2024, "amount_yuan": 9_999_999}],
    )
    report = refused(staff, data, "该联盟经本平台备案，其成员单位、年度总结和补贴只能在平台上办理")
    assert len(report["refusals"]) == 3


def test_an_alliance_under_a_revocation_case_takes_nothing_from_the_import(staff):
    from tests.factories import filed_alliance

    held = filed_alliance(filing_number="保科联备〔2020〕004号", filed_on=datetime.date(2020, 5, 1))
    RevocationCase.objects.create(
        alliance=held,
        grounds=["2"],
        facts="经查",
        state=RevocationCase.OPEN_STATES[0],
        opened_by=staff,
        statement_deadline=TODAY.date(),
        policy_version=policy_v1(),
    )
    OrganisationFactory(uscc=code("保定已登记有限公司"))
    data = workbook(members=[member(held.filing_number, "保定已登记有限公司")])
    refused(staff, data, "该联盟有尚未办结的取消备案案件，不能导入其记录")


def test_awards_of_this_year_or_of_a_year_the_portal_evaluated_are_refused(staff):
    from tests.factories import subsidy_round

    subsidy_round(year=2019)
    this_year = {"filing_number": NUMBER, "year": TODAY.year, "amount_yuan": 100000}
    refused(staff, good_file(awards=[this_year]), "补贴表第2行 年度：不能大于2025")
    refused(staff, good_file(), "2019年度的补贴已在平台上评审（有该年度的补贴批次），不能导入")


def test_a_sheet_of_many_empty_rows_is_refused_without_reading_them_all(staff, monkeypatch):
    from openpyxl import load_workbook

    from portal.imports import reading

    monkeypatch.setattr(reading, "MAX_SHEET_ROWS", 50)
    book = load_workbook(io.BytesIO(good_file()))
    book["单位"].cell(row=400, column=1, value=" ")  # rows 4–399 empty
    buffer = io.BytesIO()
    book.save(buffer)
    refused(staff, buffer.getvalue(), "单位表超过50行（空行也计入）")


def test_a_damaged_sheet_is_refused_as_damaged(staff):
    """A sheet's XML that does not parse (here an undefined entity) is found only while
    its rows are read: refused, not a server error and a job checking for ever."""
    source = zipfile.ZipFile(io.BytesIO(good_file()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><row r='9'>&boom;</row>", 1)
            out.writestr(item, data)
    refused(staff, buffer.getvalue(), "已损坏，无法读取")


# --- Re-test (issue 16): the same limits, got around --------------------------------------


def test_a_portal_alliance_named_in_the_alliances_sheet_still_takes_nothing(staff):
    """Listing the portal's alliance in 联盟 (matched, unchanged) must not open it to the
    later sheets: the re-test added a member, a summary and an award that way."""
    from tests.factories import filing_in_state

    held = filing_in_state("filed").alliance
    lead_code = held.lead_unit.uscc
    OrganisationFactory(uscc=code("保定已登记有限公司"))
    data = workbook(
        alliances=[
            {
                **alliance(held.name, "x", held.filing_number, filed_on=str(held.filed_on)),
                "lead_unit": lead_code,
            }
        ],
        members=[member(held.filing_number, "保定已登记有限公司")],
        awards=[{"filing_number": held.filing_number, "year": 2024, "amount_yuan": 123000}],
    )
    report = refused(staff, data, "该联盟经本平台备案")
    assert len([r for r in report["refusals"] if "该联盟经本平台备案" in r]) == 2


def test_a_filing_number_written_with_full_width_digits_or_spaces_is_the_same_number(staff):
    from tests.factories import filed_alliance

    filed_alliance(filing_number=NUMBER, filed_on=datetime.date(2018, 5, 1))
    lookalike = "保科联备〔２０１８〕 ００７号"
    data = good_file(
        alliances=[alliance("保定甲产业技术创新战略联盟", "保定甲科技有限公司", lookalike)],
        members=[],
        summaries=[],
        awards=[],
    )
    refused(staff, data, "一个编号不能用两次")


def test_a_unit_registered_outside_baoding_is_in_no_county(staff):
    outside = unit("北京某科技有限公司", division="110105", jurisdiction="竞秀区")
    refused(
        staff,
        good_file(organisations=[outside], alliances=[], members=[], summaries=[], awards=[]),
        "登记在保定市外，不属于竞秀区",
    )


def _with_sheet_xml(data: bytes, sheet: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == sheet:
                content = change(content)
            out.writestr(item, content)
    return buffer.getvalue()


def test_rows_past_a_stale_dimension_are_read(staff):
    """A writer that states A1:M2 for a sheet of three rows: all three are imported, not
    one (the rest dropped without a word)."""
    import re

    rows = [
        unit("保定甲科技有限公司"),
        unit("保定乙材料有限公司"),
        unit("保定丙电子有限公司"),
    ]
    data = workbook(organisations=rows)
    stale = _with_sheet_xml(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', xml),
    )
    report = service.run(stale, name="x.xlsx", user=staff, dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    assert Organisation.objects.filter(uscc__in=[r["uscc"] for r in rows]).count() == 3


def test_a_sheet_without_a_dimension_is_counted_before_it_is_read(staff, monkeypatch):
    from portal.imports import reading

    monkeypatch.setattr(reading, "MAX_SHEET_ROWS", 50)

    def many_rows(xml):
        import re

        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return xml.replace(b"</sheetData>", b"<row/>" * 500 + b"</sheetData>", 1)

    data = _with_sheet_xml(good_file(), "xl/worksheets/sheet1.xml", many_rows)
    refused(staff, data, "有工作表超过50行（空行也计入）")
