"""The three filing PDFs (Art. 10–11) carry the data they certify, readable as Chinese text.

The letter and the notice are read as the services issued them (the stored
FilingDocument files), not re-rendered: what the lead unit downloads is what is tested.
"""

import io

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from filings import documents
from filings.models import AllianceMember, FilingDocument
from tests.factories import draft_filing, filing_in_state
from tests.pdf_text import assert_issued
from tests.pdf_text import pdf_text as _text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]

CJK_FONT_NAMES = ("Noto", "WenQuanYi", "SourceHan", "CJK")


def _font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts", []):
                names.add(str(descendant.get_object()["/BaseFont"]))
    return names


def _issued(filing, kind) -> tuple[FilingDocument, bytes]:
    document = filing.documents.get(kind=kind)
    with document.file.open("rb") as f:
        return document, f.read()


@pytest.fixture
def filed():
    return filing_in_state("filed")


def test_application_form_shows_the_alliance_its_members_and_the_art9_check():
    filing = draft_filing(name="保定轨道交通装备产业技术创新战略联盟")
    alliance = filing.alliance

    text = _text(documents.application_form_pdf(filing))

    assert "备案申请书" in text
    assert "保定轨道交通装备产业技术创新战略联盟" in text
    assert alliance.lead_unit.name in text
    assert alliance.lead_unit.uscc in text
    assert "一类：产业技术创新战略联盟" in text  # version 1's title of the category
    for member in alliance.members.select_related("organisation"):
        assert member.organisation.name in text
    # The Art. 9 self-check: a complete draft passes all seven conditions.
    assert "不符合" not in text
    assert "（7）开放发展机制符合" in text


def test_application_form_of_an_unsigned_draft_shows_the_failures():
    filing = draft_filing(name="保定未签署章程测试联盟")
    AllianceMember.objects.filter(alliance=filing.alliance).update(charter_signed=False)

    text = _text(documents.application_form_pdf(filing))

    assert "未签署" in text
    assert "（3）联盟协议（章程）签署不符合" in text
    assert "尚未确认签署联盟协议（章程）" in text


def test_recommendation_letter_as_issued_by_the_county(filed):
    alliance = filed.alliance
    document, pdf = _issued(filed, FilingDocument.Kind.RECOMMENDATION_LETTER)

    text = _text(pdf)

    assert document.reference_number == filed.recommendation_number
    assert document.reference_number in text
    assert f"关于推荐“{alliance.name}”备案的函" in text
    assert alliance.lead_unit.name in text
    assert filed.jurisdiction.bureau_name in text  # the issuing county bureau
    assert f"{settings.PORTAL_BUREAU_NAME}：" in text  # addressed to the municipal bureau
    assert alliance.category_title == "一类：产业技术创新战略联盟"
    assert alliance.category_title in text
    assert "".join(filed.county_opinion.split()) in text
    # Its attachments are the materials the lead unit uploaded, by the version's titles.
    uploaded = [m.kind_title for m in filed.materials.all()]
    assert uploaded and all("".join(title.split()) in text for title in uploaded)


def test_filing_notice_as_issued_by_the_municipal_bureau(filed):
    alliance = filed.alliance
    document, pdf = _issued(filed, FilingDocument.Kind.FILING_NOTICE)

    text = _text(pdf)

    assert alliance.filing_number
    assert document.reference_number == alliance.filing_number
    assert alliance.filing_number in text
    assert "产业创新战略联盟备案通知书" in text
    assert alliance.name in text
    assert f"{alliance.lead_unit.name}：" in text  # addressed to the lead unit
    assert settings.PORTAL_BUREAU_NAME in text
    assert f"经{filed.jurisdiction.bureau_name}推荐" in text
    assert f"{alliance.filed_on.year}年{alliance.filed_on.month}月{alliance.filed_on.day}日" in text
    for member in alliance.members.select_related("organisation"):
        assert member.organisation.name in text


def test_every_pdf_embeds_a_cjk_font_and_no_missing_glyphs(filed):
    pdfs = {
        "application_form": documents.application_form_pdf(filed),
        "recommendation_letter": _issued(filed, FilingDocument.Kind.RECOMMENDATION_LETTER)[1],
        "filing_notice": _issued(filed, FilingDocument.Kind.FILING_NOTICE)[1],
    }
    for name, pdf in pdfs.items():
        fonts = _font_names(pdf)
        assert any(marker in font for font in fonts for marker in CJK_FONT_NAMES), (name, fonts)
        text = _text(pdf)
        assert "\ufffd" not in text, name  # replacement character: a glyph without Unicode
        assert "保定市" in text, name


def test_letter_and_notice_stand_on_the_shared_official_page(filed):
    """Issue 15 item 11: red header with the issuing body, the number, the seal area."""
    letter, letter_pdf = _issued(filed, FilingDocument.Kind.RECOMMENDATION_LETTER)
    assert_issued(
        letter_pdf,
        issuer=filed.jurisdiction.bureau_name,  # the county bureau, not the municipal one
        number=letter.reference_number,
        date=timezone.localdate(filed.recommended_at),
    )
    notice, notice_pdf = _issued(filed, FilingDocument.Kind.FILING_NOTICE)
    text = assert_issued(
        notice_pdf,
        issuer=settings.PORTAL_BUREAU_NAME,
        number=notice.reference_number,
        date=filed.alliance.filed_on,
    )
    # The 抄送 line after the seal; the verification code and QR code (issue 18) beside
    # the seal are drawn last, and take no page of their own.
    assert f"抄送：{filed.jurisdiction.bureau_name}核验码：" in text
    assert text.endswith("输入核验码核验—1—")
