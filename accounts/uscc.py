"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).

We implement the check ourselves instead of calling ``stdnum.cn.uscc``: python-stdnum
requires characters 1–8 to be digits and so rejects valid codes issued by authorities
whose registration-authority code is a letter (A, N, Y…). See docs/decisions.md.
"""

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
LENGTH = 18
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
    expected = check_character(code[:-1])
    if code[-1] != expected:
        return "check", {"expected": expected, "actual": code[-1]}
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
