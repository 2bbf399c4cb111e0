"""Forms of a lead unit's subsidy application (Art. 15): the draft, the self-evaluation,
evidence, and the application list filter."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Application, SubsidyRound
from ..services import APPLICATION_FIELDS


class ApplicationForm(forms.Form):
    """The draft's texts (``services.APPLICATION_FIELDS``); neither is required before
    submission, which the service checks."""

    summary = forms.CharField(
        label=_("运行情况与成效概述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("上一年度联盟运行情况、主要成效，提交时必填。"),
    )
    funding_plan = forms.CharField(
        label=_("补贴经费使用计划"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("补贴经费的使用安排（专款用于联盟运行）。"),
    )

    @staticmethod
    def initial_from(application) -> dict:
        return {name: getattr(application, name) for name in APPLICATION_FIELDS}


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
