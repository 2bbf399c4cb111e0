import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from accounts.uscc import (
    ALPHABET,
    AUTHORITY_TYPES,
    ORG_CHECK_CHARACTERS,
    PROVINCE_PREFIXES,
    check_character,
    is_baoding_division,
    is_valid_uscc,
    uscc_division,
    uscc_problem,
)

# python-stdnum's public test samples (DOMAIN.md).
VALID_DIGIT_LEADING = [
    "91110000600037341L",
    "121200004013590816",
    "91620105L015101280",
    "91340600MA2PBM9HXD",
]


def reference_check(first17: str) -> str:
    # GB 32100-2015 written out from the standard's weight table, independently of the code.
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize("code", VALID_DIGIT_LEADING)
def test_public_samples_are_valid(code):
    assert is_valid_uscc(code)
    assert uscc_problem(code) is None


@pytest.mark.parametrize(
    "first17",
    ["A1130600MA0CXYZ1", "N2130608123456780", "Y1130606MA07T8X25", "51130600500012345"],
)
def test_letter_leading_codes_with_right_check_character_are_valid(first17):
    first17 = first17.replace("Z", "2")[:17].ljust(17, "0")
    code = first17 + reference_check(first17)
    assert is_valid_uscc(code)
    # python-stdnum wrongly rejects these: the reason accounts/uscc.py exists.
    if not first17[0].isdigit():
        assert not stdnum_uscc.is_valid(code)


def test_wrong_check_character_is_invalid():
    assert not is_valid_uscc("91110000600037341N")
    assert not is_valid_uscc("A1110000600037341L")


def _first17():
    """The first 17 characters of a code of the right structure (GB 32100): an authority
    and a type it registers, a division in a province, an organisation code whose last
    character is a digit or X."""
    head = st.sampled_from(
        [authority + kind for authority, kinds in AUTHORITY_TYPES.items() for kind in kinds]
    )
    division = st.tuples(
        st.sampled_from(sorted(PROVINCE_PREFIXES)), st.text("0123456789", min_size=4, max_size=4)
    ).map("".join)
    organisation = st.tuples(
        st.text(ALPHABET, min_size=8, max_size=8), st.sampled_from(ORG_CHECK_CHARACTERS)
    ).map("".join)
    return st.tuples(head, division, organisation).map("".join)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_check_character_matches_stdnum_arithmetic(first17):
    # stdnum's checksum arithmetic is right (only its format check is too strict).
    assert check_character(first17) == stdnum_uscc.calc_check_digit(first17)


@given(_first17())
def test_every_code_of_the_right_structure_and_check_is_valid(first17):
    assert is_valid_uscc(first17 + check_character(first17))


@given(_first17(), st.sampled_from(ALPHABET))
def test_any_other_check_character_is_rejected(first17, last):
    if last != check_character(first17):
        assert not is_valid_uscc(first17 + last)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_a_code_is_valid_only_if_every_position_is(first17):
    code = first17 + check_character(first17)
    structured = (
        first17[1] in AUTHORITY_TYPES.get(first17[0], "")
        and first17[2:8].isdigit()
        and first17[2:4] in PROVINCE_PREFIXES
        and first17[16] in ORG_CHECK_CHARACTERS
    )
    assert is_valid_uscc(code) == structured


def test_lower_case_and_spaces_are_normalised():
    assert is_valid_uscc(" 91340600ma2pbm9hxd ")


def test_division_is_characters_three_to_eight():
    assert uscc_division("91340600MA2PBM9HXD") == "340600"
    assert uscc_division("A1130606MA0CX0000X") == "130606"


def test_baoding_division():
    assert is_baoding_division("130602")
    assert is_baoding_division("130603")  # abolished 北市区, still on codes from ~2015
    assert not is_baoding_division("130000")  # provincial authority
    assert not is_baoding_division("110105")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9111000060003734", "应为18位，您输入了16位"),
        ("91110000600037341LX", "您输入了19位"),
        ("9111000060003734IL", "第17位的“I”不是合法字符"),
        ("O1110000600037341L", "第1位的“O”不是合法字符"),
        ("91110000600037341N", "第18位应为“L”，而不是“N”"),
        ("B1110000600037341L", "第1位（登记管理部门代码）“B”不存在"),
        (
            "94110000600037341L",
            "第2位（机构类别代码）“4”与第1位“9”不匹配：该登记管理部门的机构类别只能是1、2、3",
        ),
        ("Y2110000600037341L", "只能是1"),
        ("911A0000600037341L", "应全部为数字"),
        ("91990000600037341L", "不是有效的行政区划代码"),
        ("9111000060003734AL", "第17位（组织机构代码校验位）只能是数字或X，而不是“A”"),
    ],
)
def test_problem_says_what_to_fix(code, fragment):
    assert fragment in uscc_problem(code)
