"""Reading the portal's PDFs in tests: their text, and what was drawn in red."""

import io

from pypdf import PdfReader

RED = (0.8, 0.0, 0.0)  # #c00, the red header's colour (templates/pdf/base.html)


def _reader(pdf) -> PdfReader:
    if isinstance(pdf, bytes):
        return PdfReader(io.BytesIO(pdf))
    with pdf.open("rb") as f:  # a stored FieldFile: what the user downloads
        return PdfReader(io.BytesIO(f.read()))


def pdf_text(pdf) -> str:
    """All pages' text without whitespace: a long name may wrap across lines."""
    return "".join("".join(page.extract_text().split()) for page in _reader(pdf).pages)


def red_text(pdf) -> str:
    """The text of the first page drawn with the red fill colour, without whitespace."""
    page = _reader(pdf).pages[0]
    colour = [None]
    found = []

    def before(operator, operands, cm, tm):
        if operator == b"rg":
            colour[0] = tuple(round(float(x), 2) for x in operands)

    def text(chunk, cm, tm, font, size):
        if colour[0] == RED:
            found.append(chunk)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return "".join("".join(found).split())


def day(date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def assert_issued(pdf, *, issuer: str, number: str, date) -> str:
    """The shared page of an issued document (templates/pdf/official.html): the issuing
    body in red at the head, the number, and the seal area — issuer, （盖章）, date. Returns
    the text for the document's own assertions."""
    text = pdf_text(pdf)
    assert red_text(pdf) == issuer, red_text(pdf)
    assert text.startswith(f"{issuer}{number}"), text[:80]
    assert f"{issuer}（盖章）{day(date)}" in text, text[-200:]
    return text
