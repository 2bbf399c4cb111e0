"""Forms and list filters of annual work summaries (Art. 12(1)), and the upload and
return forms shared with major-event reports."""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AnnualSummary
from .models.summaries import annual_summary_due_date

NUMBER_FIELDS = [
    "joint_projects",
    "patents_applied",
    "patents_granted",
    "standards",
    "people_trained",
    "member_investment_yuan",
    "government_investment_yuan",
]
NUMBER_ERRORS = {
    "required": _("请填写数字，没有请填0。"),
    "invalid": _("请填写整数（阿拉伯数字，不含小数点、逗号或单位），没有请填0。"),
    "min_value": _("不能为负数，请填写0或正整数。"),
    "max_value": _("数值过大，请核对后重新填写。"),
}
YES_NO = [("yes", _("是")), ("no", _("否"))]
HANDED_IN = (AnnualSummary.State.SUBMITTED, AnnualSummary.State.ACCEPTED)


def last_overdue_year(today=None) -> int:
    """The latest year whose summary is past due today (due dates fall in the next year)."""
    today = today or timezone.localdate()
    if today > annual_summary_due_date(today.year - 1):
        return today.year - 1
    return today.year - 2


def overdue_q(today=None) -> Q:
    """``AnnualSummary.is_overdue`` as a database condition."""
    return Q(year__lte=last_overdue_year(today)) & ~Q(state__in=HANDED_IN)


class SummaryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称"), method="search")
    year = django_filters.NumberFilter(label=_("年度"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=AnnualSummary.State.choices)
    overdue = django_filters.ChoiceFilter(label=_("逾期未交"), choices=YES_NO, method="by_overdue")

    class Meta:
        model = AnnualSummary
        fields = ["q", "year", "state", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(alliance__name__icontains=value) if value else queryset

    def by_overdue(self, queryset, name, value):
        condition = overdue_q()
        return queryset.filter(condition) if value == "yes" else queryset.exclude(condition)


class SummaryForm(forms.ModelForm):
    class Meta:
        model = AnnualSummary
        fields = ["work_done", *NUMBER_FIELDS, "problems", "next_year_plan"]
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


class AttachmentForm(forms.Form):
    """One PDF/JPEG/PNG; the service checks the content (filings.uploads)."""

    file = forms.FileField(
        label=_("附件"),
        help_text=_("PDF、JPEG或PNG文件，按文件内容识别。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("所选文件是空文件，请重新选择。"),
            "invalid": _("未收到文件，请重新选择后上传。"),
        },
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("牵头单位将看到这里写的理由，请写明需要修改的内容。"),
        error_messages={"required": _("退回修改必须写明理由。")},
    )
