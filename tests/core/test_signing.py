"""The digital signature on issued documents (issue 18): each of the five kinds, rendered by
its own function and signed by its body's certificate from the session's demo CA
(tests/conftest.py), validates with pyHanko as intact and trusted; a copy changed after
signing does not; a certificate of another root is not trusted. The PDF/UA tags survive the
signature, and the visible signature sits over the seal area, wherever the text put it."""

import datetime
import io

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from core import signing
from core.pdf import render_pdf
from core.seal import MM, SEAL_MM
from core.signing_ca import Body, make_demo_ca
from filings import documents as filing_documents
from subsidies import documents as subsidy_documents
from subsidies import services as subsidy_services
from supervision import documents as case_documents
from supervision import services as case_services
from tests.factories import (
    MunicipalStaffFactory,
    filed_alliance,
    filing_in_state,
    pdf_upload,
    submitted_application,
    subsidy_round,
)
from tests.pdf_text import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]


def _letter(filing):
    number = filing.documents.get(kind="recommendation_letter").reference_number
    return filing_documents.recommendation_letter_pdf(filing, number), filing.jurisdiction


def _notice(filing):
    return filing_documents.filing_notice_pdf(filing, filing.alliance.filing_number), None


def _case(decide: bool):
    staff = MunicipalStaffFactory()
    case = case_services.case_open(
        alliance=filed_alliance(),
        by=staff,
        grounds=["2"],
        facts="连续两年未按章程开展创新活动",
        evidence=[pdf_upload("检查记录.pdf")],
    )
    if not decide:
        return case_documents.revocation_notice_pdf(case), None
    case.decision_number = "保科联撤〔2027〕001号"
    case.decided_at = case.opened_at + datetime.timedelta(days=20)
    case.decision = "revoke"
    return case_documents.revocation_decision_pdf(case), None


def _award():
    staff = MunicipalStaffFactory()
    application = submitted_application(subsidy_round(staff=staff))
    subsidy_services.round_start_evaluation(round_=application.round, by=staff)
    award = subsidy_services.award_set(application=application, by=staff, amount_yuan=200_000)
    award.notice_number = "保科联补〔2027〕001号"
    return subsidy_documents.award_notice_pdf(award), None


KINDS = {
    "推荐公函": lambda: _letter(filing_in_state("filed")),
    "备案通知书": lambda: _notice(filing_in_state("filed")),
    "告知书": lambda: _case(decide=False),
    "决定书": lambda: _case(decide=True),
    "补贴通知书": _award,
}


def _signed(kind):
    pdf, county = KINDS[kind]()
    body = county.code if county else signing.MUNICIPAL
    name = county.bureau_name if county else settings.PORTAL_BUREAU_NAME
    return pdf, signing.sign_pdf(pdf, body=body), name


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_issued_kind_validates_intact_and_trusted_signed_by_its_body(kind):
    pdf, signed, name = _signed(kind)

    result = signing.validate_pdf(signed)

    assert signed.startswith(pdf)  # an incremental update: the rendered bytes unchanged
    assert (result.signed, result.intact, result.valid, result.trusted) == (True,) * 4
    assert result.ok and result.problems == []
    assert result.signer == name
    assert abs(result.signing_time - datetime.datetime.now(datetime.UTC)).total_seconds() < 120
    assert not result.timestamped  # no TSA configured: PAdES B-B
    assert pdf_text(signed) == pdf_text(pdf)  # the seal is an annotation, not page text


def test_an_unsigned_document_is_not_valid():
    pdf, _county = _notice(filing_in_state("filed"))
    result = signing.validate_pdf(pdf)
    assert not result.signed and not result.ok
    assert result.problems == ["该文件没有数字签名"]


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF"])
def test_anything_that_is_not_a_pdf_is_a_verdict_not_an_error(data):
    result = signing.validate_pdf(data)
    assert not result.signed and not result.ok and result.problems


def test_a_copy_changed_after_signing_is_invalid():
    _pdf, signed, _name = _signed("备案通知书")
    # Change one byte inside the first stream (compressed page content), not the size.
    at = signed.index(b"stream", 100) + 40
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]

    result = signing.validate_pdf(tampered)

    assert result.signed and not result.intact and not result.valid and not result.ok
    assert "签名后文件内容被修改" in result.problems


def test_a_page_added_after_signing_is_invalid():
    _pdf, signed, _name = _signed("备案通知书")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    # An incremental update that draws on the signed page: the signed bytes stay intact,
    # what a reader sees does not.
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 100 Td (forged) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)

    result = signing.validate_pdf(out.getvalue())

    assert result.intact and not result.valid and not result.ok
    assert "签名后文件被追加修改" in result.problems


def test_a_signature_by_another_root_is_untrusted(tmp_path):
    other = tmp_path / "other"
    make_demo_ca(other, [Body(signing.MUNICIPAL, settings.PORTAL_BUREAU_NAME)], "other-pw")
    pdf, _county = _notice(filing_in_state("filed"))
    with override_settings(PORTAL_SIGNING_DIR=other, PORTAL_SIGNING_PASSWORD="other-pw"):
        signed = signing.sign_pdf(pdf)

    result = signing.validate_pdf(signed)  # against the session's root

    assert result.intact and result.valid and not result.trusted and not result.ok
    assert "签名证书不是由受信任的根证书签发" in result.problems
    # Against its own root, the same file is trusted: trust is the root's, nothing else.
    assert signing.validate_pdf(signed, roots=_roots(other / "root.pem")).ok


def _roots(path):
    from pyhanko.keys import load_certs_from_pemder

    return list(load_certs_from_pemder([str(path)]))


def test_the_document_stays_tagged_with_language_and_title_after_signing():
    pdf, signed, name = _signed("备案通知书")
    for data in (pdf, signed):
        reader = PdfFileReader(io.BytesIO(data))
        root = reader.root
        assert root["/MarkInfo"]["/Marked"] is True or bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        assert str(root["/Lang"]) == "zh-CN"
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert "备案通知书" in str(reader.trailer["/Info"]["/Title"])
        metadata = root["/Metadata"].get_object().data
        assert b"pdfuaid:part" in metadata
    # The signature field says what it is to a screen reader.
    seal_field = PdfFileReader(io.BytesIO(signed)).root["/AcroForm"]["/Fields"][0]
    assert str(seal_field["/TU"]) == f"{name}电子签章"


def _signature_annotation(data):
    reader = PdfFileReader(io.BytesIO(data))
    for number in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(number)[0].get_object()
        for annot in page.get("/Annots", ()):
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                return number, [float(x) for x in annot["/Rect"]]
    return None


def _seal_destination(data):
    reader = PdfFileReader(io.BytesIO(data))
    names = list(reader.root["/Names"]["/Dests"]["/Names"])
    found = dict(zip([str(n) for n in names[::2]], names[1::2], strict=True))
    return [float(x) for x in list(found["seal"])[2:4]]


def test_the_visible_seal_sits_over_the_seal_area_on_its_page():
    pdf, signed, _name = _signed("补贴通知书")
    page, (x1, y1, x2, y2) = _signature_annotation(signed)
    left, top = _seal_destination(pdf)

    assert page == 0
    assert (x1, round(x2 - x1, 1)) == (pytest.approx(left), round(SEAL_MM * MM, 1))
    assert y1 < top < y2  # across the "（盖章）" line


def _long_document(paragraphs: int) -> bytes:
    template = Template(
        '{% extends "pdf/official.html" %}{% block title %}长文{% endblock %}'
        '{% block document %}<h1>长文</h1>{% for i in rows %}<p class="body">'
        "第{{ i }}段：保定市产业创新战略联盟备案管理办法规定的事项，逐项说明如下。"
        "</p>{% endfor %}{% endblock %}"
    )
    from weasyprint import HTML

    html = template.render(
        Context(
            {
                "rows": range(paragraphs),
                "issuer": settings.PORTAL_BUREAU_NAME,
                "number": "保科联〔2027〕9号",
                "date": datetime.date(2027, 1, 5),
            }
        )
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def test_the_seal_follows_the_text_onto_the_second_page():
    pdf = _long_document(paragraphs=40)
    signed = signing.sign_pdf(pdf)

    page, (x1, y1, x2, y2) = _signature_annotation(signed)
    left, top = _seal_destination(pdf)

    assert int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]) == 2
    assert page == 1
    assert x1 == pytest.approx(left) and y1 < top < y2
    assert signing.validate_pdf(signed).ok


def _tagged_widget(data):
    """(page number, /Form element, document element, ParentTreeNextKey) for the seal's
    widget, found through its /StructParent in the parent tree."""
    reader = PdfFileReader(io.BytesIO(data))
    tree = reader.root["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    by_key = {int(nums[i]): nums.raw_get(i + 1) for i in range(0, len(nums), 2)}
    for number in range(int(reader.root["/Pages"]["/Count"])):
        page_ref = reader.find_page_for_modification(number)[0]
        annots = page_ref.get_object()["/Annots"] if "/Annots" in page_ref.get_object() else []
        for i in range(len(annots)):
            if annots[i].get("/FT") != "/Sig":
                continue
            element = by_key[int(annots[i]["/StructParent"])].get_object()
            assert element["/K"].raw_get("/Obj").idnum == annots.raw_get(i).idnum
            assert element.raw_get("/Pg").idnum == page_ref.idnum
            return number, element, tree["/K"][0], int(tree["/ParentTreeNextKey"])
    return None


@pytest.mark.parametrize("paragraphs", [0, 40])
def test_the_seals_widget_is_in_the_structure_tree(paragraphs):
    """PDF/UA-1 7.18.4: a visible annotation is tagged. The widget's /Form element hangs
    under the document element, on the seal's page (the second one for a long text),
    and the signature stays valid."""
    pdf = _long_document(paragraphs)
    before = PdfFileReader(io.BytesIO(pdf)).root["/StructTreeRoot"]["/K"][0]["/K"]
    signed = signing.sign_pdf(pdf)

    page, element, document, next_key = _tagged_widget(signed)
    assert page == (1 if paragraphs else 0)
    assert element["/S"] == "/Form" and str(element["/Alt"]).endswith("电子签章")
    assert (
        element.raw_get("/P").idnum
        == PdfFileReader(io.BytesIO(signed)).root["/StructTreeRoot"]["/K"].raw_get(0).idnum
    )
    assert len(document["/K"]) == len(before) + 1
    assert next_key == page + 2  # WeasyPrint's keys are one per page: 0, or 0 and 1
    assert signing.validate_pdf(signed).ok


def _altered(pdf: bytes, change) -> bytes:
    """``pdf`` with its structure tree changed by ``change(writer, tree)`` (a revision)."""
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    change(writer, writer.root["/StructTreeRoot"], generic)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _no_document_element(writer, tree, generic):
    tree["/K"] = generic.ArrayObject()
    writer.update_container(tree)


def _a_name_among_the_keys(writer, tree, generic):
    tree["/ParentTree"]["/Nums"][0] = generic.pdf_name("/Zero")
    writer.update_container(tree["/ParentTree"])


def _not_a_dictionary(writer, tree, generic):
    writer.root["/StructTreeRoot"] = generic.NumberObject(5)


@pytest.mark.parametrize(
    "change", [_no_document_element, _a_name_among_the_keys, _not_a_dictionary]
)
def test_a_structure_tree_of_another_shape_is_left_alone_and_the_document_signs(change):
    """The tag is never worth an unissued document: a tree tag_widget does not know is
    left as it was, the seal's widget untagged, and the signature is sound."""
    pdf = _altered(_long_document(0), change)
    signed = signing.sign_pdf(pdf)
    assert signing.validate_pdf(signed).ok
    reader = PdfFileReader(io.BytesIO(signed))
    widget = reader.root["/AcroForm"]["/Fields"][0]
    assert "/StructParent" not in widget


def test_a_next_key_below_the_keys_in_use_gives_the_widget_a_key_of_its_own():
    def understated(writer, tree, generic):
        tree["/ParentTreeNextKey"] = generic.NumberObject(0)
        writer.update_container(tree)

    signed = signing.sign_pdf(_altered(_long_document(0), understated))
    page, element, _document, next_key = _tagged_widget(signed)
    nums = PdfFileReader(io.BytesIO(signed)).root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert keys == [0, 1] and next_key == 2
    assert signing.validate_pdf(signed).ok


def test_a_pdf_without_a_seal_area_gets_an_invisible_signature():
    pdf = render_pdf("pdf/application_form.html", _application_context())
    signed = signing.sign_pdf(pdf)
    page, rect = _signature_annotation(signed)
    assert rect == [0, 0, 0, 0]
    assert signing.validate_pdf(signed).ok


def _application_context():
    from filings.conformance import check_conformance, rules_version
    from tests.factories import draft_filing

    filing = draft_filing()
    return {
        "filing": filing,
        "alliance": filing.alliance,
        "members": [],
        "checks": check_conformance(filing.alliance, filing),
        "policy_version": rules_version(filing.alliance, filing),
        "today": datetime.date(2027, 1, 5),
    }


def test_signing_and_validating_work_inside_a_running_event_loop():
    """pyHanko runs its own loop: in a thread that runs one (Playwright's sync API in a
    test worker, an async server) every issued document failed to sign."""
    import asyncio
    import concurrent.futures

    pdf, _county = _notice(filing_in_state("filed"))

    async def inside():
        return signing.validate_pdf(signing.sign_pdf(pdf, body="municipal"))

    # A thread of its own, so that its loop is the only one there even when this worker
    # already drives Playwright's (asyncio.run refuses to start inside a running loop).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, inside()).result()
    assert result.signed and result.intact and result.valid and result.trusted
