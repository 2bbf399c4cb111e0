"""Widgets and error messages the subsidy forms share."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("请输入有效日期，如2027-03-01。")}


def int_errors(what):
    # format_lazy keeps the messages translatable when the user switches language.
    return {
        "required": format_lazy(_("请填写{}。"), what),
        "invalid": format_lazy(_("{}须为整数。"), what),
        "min_value": format_lazy(_("{}不能小于%(limit_value)s。"), what),
        "max_value": format_lazy(_("{}不能大于%(limit_value)s。"), what),
    }
