"""The annual work summary form (Art. 12(1))."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AnnualSummary
from ..services.summaries import NUMBER_FIELDS, SUMMARY_FIELDS

NUMBER_ERRORS = {
    "required": _("请填写数字，没有请填0。"),
    "invalid": _("请填写整数（阿拉伯数字，不含小数点、逗号或单位），没有请填0。"),
    "min_value": _("不能为负数，请填写0或正整数。"),
    "max_value": _("数值过大，请核对后重新填写。"),
}


class SummaryForm(forms.ModelForm):
    class Meta:
        model = AnnualSummary
        # What the service lets a lead unit write, nothing more.
        fields = list(SUMMARY_FIELDS)
        widgets = {
            "work_done": forms.Textarea(attrs={"rows": 8}),
            "problems": forms.Textarea(attrs={"rows": 4}),
            "next_year_plan": forms.Textarea(attrs={"rows": 5}),
            **{name: forms.NumberInput(attrs={"min": 0, "step": 1}) for name in NUMBER_FIELDS},
        }
        error_messages = {name: NUMBER_ERRORS for name in NUMBER_FIELDS}
        help_texts = {
            "work_done": _("提交前必须填写。可先保存草稿，稍后继续填写。"),
            "member_investment_yuan": _("单位：元，填写整数。"),
            "government_investment_yuan": _("单位：元，填写整数。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        numbers = [Div(name, css_class="col-md-4") for name in NUMBER_FIELDS]
        self.helper.layout = Layout(
            Fieldset(_("年度主要工作"), "work_done"),
            Fieldset(_("主要成果（数字）"), Div(*numbers, css_class="row")),
            Fieldset(_("存在的问题"), "problems"),
            Fieldset(_("下一年度工作计划"), "next_year_plan"),
        )
