"""Forms of subsidy rounds, applications and awards (Art. 15), and the application list filter.

The evaluator's forms live in ``forms_evaluation.py``.
"""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

from .models import Application, SubsidyRound

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("请输入有效日期，如2027-03-01。")}


def _int_errors(what):
    # format_lazy keeps the messages translatable when the user switches language.
    return {
        "required": format_lazy(_("请填写{}。"), what),
        "invalid": format_lazy(_("{}须为整数。"), what),
        "min_value": format_lazy(_("{}不能小于%(limit_value)s。"), what),
        "max_value": format_lazy(_("{}不能大于%(limit_value)s。"), what),
    }


# --- Rounds -------------------------------------------------------------------------------


class RoundForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"), min_value=2018, max_value=2100, error_messages=_int_errors(_("年度"))
    )
    title = forms.CharField(label=_("批次名称"), max_length=200)
    budget_yuan = forms.IntegerField(
        label=_("补贴总预算（元）"),
        min_value=settings.SUBSIDY_MIN_YUAN,
        max_value=10**11,  # far above any municipal budget; keeps typos out of the database
        help_text=_("整数，单位元。单项补贴10万元至50万元（第十五条）。"),
        error_messages=_int_errors(_("补贴总预算")),
    )
    opens_on = forms.DateField(
        label=_("申请开始日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    closes_on = forms.DateField(
        label=_("申请截止日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    evaluators_per_application = forms.IntegerField(
        label=_("每份申请评审专家人数"),
        min_value=1,
        max_value=15,
        initial=settings.SUBSIDY_EVALUATORS_PER_APPLICATION,
        help_text=_("5人及以上时去掉一个最高分和一个最低分后取平均。"),
        error_messages=_int_errors(_("评审专家人数")),
    )
    notice_working_days = forms.IntegerField(
        label=_("公示期（工作日）"),
        min_value=1,
        max_value=30,
        initial=settings.SUBSIDY_NOTICE_WORKING_DAYS,
        error_messages=_int_errors(_("公示期")),
    )

    FIELDS = [
        "year",
        "title",
        "budget_yuan",
        "opens_on",
        "closes_on",
        "evaluators_per_application",
        "notice_working_days",
    ]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and opens > closes:
            self.add_error("closes_on", _("申请截止日期不能早于开始日期。"))
        return data

    @classmethod
    def initial_from(cls, round_) -> dict:
        return {name: getattr(round_, name) for name in cls.FIELDS}


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("评审指标"), max_length=50)
    weight = forms.IntegerField(
        label=_("权重（%）"),
        min_value=1,
        max_value=100,
        error_messages=_int_errors(_("权重")),
    )


class BaseCriterionFormSet(forms.BaseFormSet):
    """Rows left blank are ignored wherever they are, so a row is removed either by ticking
    its delete box or by clearing it."""

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True, max_num=20
)


def criteria_from(formset) -> list[tuple[str, int]]:
    """The rows kept (not deleted, not left blank), in the order typed."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append((data["name"], data["weight"]))
    return rows


class AssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(
        label=_("评审专家"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("请选择评审专家。"),
            "invalid_choice": _("所选用户不是评审专家。"),
        },
    )

    def __init__(self, *args, evaluators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = (
            evaluators if evaluators is not None else evaluators_qs()
        )


def evaluators_qs():
    return (
        User.objects.filter(role=Role.EVALUATOR, is_active=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


# --- Awards and the notice ----------------------------------------------------------------


class AwardForm(forms.Form):
    # A CharField: the service is the one place that decides what an amount may be
    # (whole yuan within Art. 15's bounds and the budget), so its message is the one shown.
    amount = forms.CharField(label=_("补贴金额（元）"), max_length=20)


class ObjectionForm(forms.Form):
    objector_name = forms.CharField(label=_("异议人姓名（实名）"), max_length=50)
    objector_contact = forms.CharField(label=_("联系方式"), max_length=100)
    content = forms.CharField(label=_("书面异议内容"), widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(
        label=_("收到日期"), widget=DATE, initial=timezone.localdate, error_messages=DATE_ERRORS
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}))


class DisbursementForm(forms.Form):
    disbursed_on = forms.DateField(
        label=_("拨付日期"), widget=DATE, initial=timezone.localdate, error_messages=DATE_ERRORS
    )
    disbursed_yuan = forms.IntegerField(
        label=_("拨付金额（元）"), min_value=1, error_messages=_int_errors(_("拨付金额"))
    )


# --- Applications -------------------------------------------------------------------------


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["summary", "funding_plan"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "funding_plan": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "summary": _("上一年度联盟运行情况、主要成效，提交时必填。"),
            "funding_plan": _("补贴经费的使用安排（专款用于联盟运行）。"),
        }


SELF_SCORE_ERRORS = {
    "invalid": _("自评分须为0到100之间的整数。"),
    "min_value": _("自评分不能低于0分。"),
    "max_value": _("自评分不能高于100分。"),
}


class SelfEvaluationForm(forms.Form):
    """One self-evaluation score (0–100, may be left empty in a draft) and statement per
    criterion of the round."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_ = list(rows)
        for row in self.rows_:
            self.fields[f"score_{row.criterion_id}"] = forms.IntegerField(
                label=_("自评分（0–100）"),
                required=False,
                min_value=0,
                max_value=100,
                error_messages=SELF_SCORE_ERRORS,
            )
            self.fields[f"statement_{row.criterion_id}"] = forms.CharField(
                label=_("自评说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @staticmethod
    def initial_from(rows) -> dict:
        initial = {}
        for row in rows:
            initial[f"score_{row.criterion_id}"] = row.score
            initial[f"statement_{row.criterion_id}"] = row.statement
        return initial

    def rows(self):
        return [
            (
                row.criterion,
                self[f"score_{row.criterion_id}"],
                self[f"statement_{row.criterion_id}"],
            )
            for row in self.rows_
        ]

    def self_evaluations(self) -> dict[int, tuple[int | None, str]]:
        return {
            row.criterion_id: (
                self.cleaned_data[f"score_{row.criterion_id}"],
                self.cleaned_data[f"statement_{row.criterion_id}"].strip(),
            )
            for row in self.rows_
        }


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("佐证材料"),
        help_text=_("PDF、JPEG或PNG文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": _("请选择要上传的文件。")},
    )


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称或牵头单位"), method="search")
    round = django_filters.ModelChoiceFilter(label=_("批次"), queryset=SubsidyRound.objects.none())
    state = django_filters.ChoiceFilter(label=_("状态"), choices=Application.State.choices)

    class Meta:
        model = Application
        fields = ["q", "round", "state"]

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["round"].queryset = (
            rounds if rounds is not None else SubsidyRound.objects.none()
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(alliance__name__icontains=value) | Q(alliance__lead_unit__name__icontains=value)
        )
