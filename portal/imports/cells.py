"""Reading one cell: each parser returns the stored value or raises ``CellError`` with
a message in Chinese saying what is wrong (the caller adds the sheet, row and column)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.uscc import compact, uscc_problem

from .choices import NO, YES

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class CellError(ValueError):
    pass


def filing_number(value) -> str:
    """A filing number as stored, for matching: full-width digits and brackets as their
    ASCII forms (NFKC), no spaces anywhere — “保科联备〔２０２６〕 ００２号” is 〔2026〕002号,
    not a new number beside it (penetration test, issue 16)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.split())


def number(value, *, required=True) -> str:
    """A filing-number cell: ``filing_number`` of it, required, at most 40 characters."""
    return text(filing_number(value), required=required, max_length=40)


def text(value, *, required=True, max_length=200) -> str:
    value = "" if value is None else str(value).strip()
    if not value:
        if required:
            raise CellError(_("必填，不能为空。"))
        return ""
    if len(value) > max_length:
        raise CellError(
            _("不能超过%(limit)d个字符（现为%(n)d个）。") % {"limit": max_length, "n": len(value)}
        )
    return value


def credit_code(value) -> str:
    code = compact(text(value, max_length=40))
    problem = uscc_problem(code)
    if problem:
        raise CellError(problem)
    return code


def date(value, *, today, required=True) -> datetime.date | None:
    """A date as Excel stores it or as people type it; never after ``today``."""
    if value in ("", None):
        if required:
            raise CellError(_("必填，不能为空。"))
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raw = re.sub(r"\s+", "", str(value))
        for fmt in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise CellError(_("“%(value)s”不是日期，请按“2018-06-30”的格式填写。") % {"value": raw})
    if value > today:
        raise CellError(
            _("日期%(date)s晚于今天（%(today)s），历史数据不能是将来的日期。")
            % {"date": value.isoformat(), "today": today.isoformat()}
        )
    return value


def whole_number(value, *, required=False, minimum=0, maximum=None) -> int:
    if value in ("", None):
        if required:
            raise CellError(_("必填，不能为空。"))
        return 0
    if isinstance(value, bool):
        raise CellError(_("应为整数。"))
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        raise CellError(_("“%(value)s”不是整数。") % {"value": value}) from None
    if number < minimum:
        raise CellError(_("不能小于%(min)d。") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("不能大于%(max)d。") % {"max": maximum})
    return number


def choice(value, options: dict, *, required=True, what: str):
    """``value`` looked up in ``options`` (label or key → stored value)."""
    raw = text(value, required=required, max_length=300)
    if not raw:
        return None
    if raw not in options:
        raise CellError(
            _("“%(value)s”不是有效的%(what)s，请从下拉列表中选择。") % {"value": raw, "what": what}
        )
    return options[raw]


def yes_no(value) -> bool:
    raw = text(value, max_length=10).upper()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(_("应填“是”或“否”。"))


def email(value) -> str:
    raw = text(value, required=False, max_length=254)
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise CellError(_("“%(value)s”不是有效的电子邮箱地址。") % {"value": raw}) from None
    return raw


def compact_code(value) -> str:
    """A credit code as stored, for looking it up (no check: see ``credit_code``)."""
    return compact("" if value is None else str(value))
