"""Amounts of money as people write and read them (issue 15 item 10).

* ``parse_yuan("500,000")`` → 500000: digits with or without thousands separators
  (“,” or “，”, in groups of three), full-width digits, a trailing “元”; anything else is
  refused (``ValueError``) — never guessed.
* ``wan(500000)`` → “50万元”, ``wan(123456)`` → “12.3456万元”: amounts in pages.
* ``money(500000)`` → “￥500,000.00”, ``capital(500000)`` → “伍拾万元整”: amounts in
  official notices, the figure and the amount in words (大写) side by side.
"""

import re
import unicodedata
from decimal import Decimal

_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


def parse_yuan(text) -> int:
    value = unicodedata.normalize("NFKC", str(text)).strip().replace("，", ",")
    value = value.removesuffix("元").strip()
    if "," in value:
        if not _GROUPED.fullmatch(value):
            raise ValueError(text)
        value = value.replace(",", "")
    if not value.isdigit():
        raise ValueError(text)
    return int(value)


def wan(amount) -> str:
    if amount in (None, ""):
        return ""
    figure = Decimal(int(amount)) / 10000
    text = format(figure.normalize(), "f") if figure != figure.to_integral() else str(int(figure))
    return f"{text}万元"


def money(amount) -> str:
    if amount in (None, ""):
        return ""
    return f"￥{int(amount):,}.00"


def _four(n: int) -> str:
    """0–9999 in words, with 零 where a place inside is empty."""
    out, zero = "", False
    for place in range(3, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[place]
    return out


def capital(amount) -> str:
    """Whole yuan in 大写, as on a cheque or an official notice: 伍拾万元整."""
    n = int(amount)
    if n == 0:
        return "零元整"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, need_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += "零"
        out += _four(group) + BIG_UNITS[index]
        need_zero = False
    return f"{out}元整"
