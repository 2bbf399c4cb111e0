"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).

We implement the check ourselves instead of calling ``stdnum.cn.uscc``: python-stdnum
requires characters 1–8 to be digits and so rejects valid codes issued by authorities
whose registration-authority code is a letter (A, N, Y…). See docs/decisions.md.
"""

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
LENGTH = 18

# Position 1, the registration authority, and the organisation types (position 2) each may
# register (GB 32100-2015 with amendment XG1-2016): 1 机构编制 (机关, 事业单位, 群众团体,
# 其他), 2 外交, 3 司法行政, 4 文化, 5 民政 (社会团体, 民办非企业单位, 基金会, 其他),
# 6 旅游, 7 宗教, 8 工会, 9 工商 (企业, 个体工商户, 农民专业合作社), A 中央军委改革和编制办公室,
# N 农业 (组级, 村级, 乡镇级集体经济组织, 其他), Y 其他 (always 1).
AUTHORITY_TYPES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}
# Positions 3–8 are a GB/T 2260 division: its first two digits a province-level unit, or
# 10 for an authority at national level (100000).
PROVINCE_PREFIXES = frozenset(
    "10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
# Position 17 is the check digit of the GB 11714 organisation code: a digit or X. (Its
# value is not enforced: see docs/decisions.md.)
ORG_CHECK_CHARACTERS = "0123456789X"
# Weight of position i (1-based) is 3**(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))


def compact(code: str) -> str:
    """The code as people type it, without spaces or hyphens, upper-cased."""
    return "".join(code.split()).replace("-", "").upper()


def check_character(first17: str) -> str:
    """The 18th character that makes ``first17`` a valid code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _defect(code: str) -> tuple[str, dict] | None:
    """The first thing wrong with a compacted code, as (kind, details), or None."""
    if len(code) != LENGTH:
        return "length", {"n": len(code)}
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            return "character", {"pos": position, "ch": ch}
    structure = _structure_defect(code)
    if structure:
        return structure
    expected = check_character(code[:-1])
    if code[-1] != expected:
        return "check", {"expected": expected, "actual": code[-1]}
    return None


def _structure_defect(code: str) -> tuple[str, dict] | None:
    """What a code of legal characters gets wrong about GB 32100's structure."""
    authority, kind = code[0], code[1]
    if authority not in AUTHORITY_TYPES:
        return "authority", {"ch": authority}
    if kind not in AUTHORITY_TYPES[authority]:
        return "type", {
            "ch": kind,
            "authority": authority,
            "allowed": "、".join(AUTHORITY_TYPES[authority]),
        }
    division = code[2:8]
    if not division.isdigit():
        return "division_digits", {"division": division}
    if division[:2] not in PROVINCE_PREFIXES:
        return "division_province", {"division": division}
    if code[16] not in ORG_CHECK_CHARACTERS:
        return "org_check", {"ch": code[16]}
    return None


def uscc_problem(code: str) -> str | None:
    """What is wrong with ``code``, in words a user can act on, or None when it is valid."""
    defect = _defect(compact(code))
    if defect is None:
        return None
    kind, details = defect
    messages = {
        "length": _("统一社会信用代码应为18位，您输入了%(n)d位。"),
        "character": _(
            "第%(pos)d位的“%(ch)s”不是合法字符：统一社会信用代码只使用数字和除 I、O、S、V、Z 以外的大写字母。"
        ),
        "authority": _(
            "第1位（登记管理部门代码）“%(ch)s”不存在：应为1–9、A、N或Y。请对照营业执照或法人证书核对。"
        ),
        "type": _(
            "第2位（机构类别代码）“%(ch)s”与第1位“%(authority)s”不匹配：该登记管理部门的机构类别只能是%(allowed)s。请核对前两位。"
        ),
        "division_digits": _(
            "第3–8位（登记管理机关行政区划码）“%(division)s”应全部为数字。请逐位核对。"
        ),
        "division_province": _(
            "第3–8位（登记管理机关行政区划码）“%(division)s”不是有效的行政区划代码。请逐位核对。"
        ),
        "org_check": _("第17位（组织机构代码校验位）只能是数字或X，而不是“%(ch)s”。请逐位核对。"),
        "check": _(
            "校验码不符：按前17位计算，第18位应为“%(expected)s”，而不是“%(actual)s”。请对照营业执照或法人证书逐位核对。"
        ),
    }
    return messages[kind] % details


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` has 18 legal characters and the right check character.

    Spaces and hyphens are ignored and letters may be lower case, as people type them.
    """
    return _defect(compact(code)) is None


def uscc_division(code: str) -> str:
    """The GB/T 2260 division code of the registering authority (characters 3–8)."""
    return compact(code)[2:8]


def is_baoding_division(division: str) -> bool:
    # Art. 9(1): registered in Baoding. 1306xx covers the current districts and the
    # abolished 130603/130604 that codes from around 2015 still carry.
    return division.startswith("1306")
