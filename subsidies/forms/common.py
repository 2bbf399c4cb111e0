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


class YuanField(forms.IntegerField):
    """Whole yuan, typed as people write them: “500000”, “500,000”, “５００，０００”, “500000元”
    (core.money.parse_yuan); anything else is the field's “须为整数” error."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value):
        from core.money import parse_yuan

        if value in self.empty_values:
            return None
        try:
            return parse_yuan(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
