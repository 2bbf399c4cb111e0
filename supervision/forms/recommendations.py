"""The form recommending an alliance to the province (Art. 17)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ProvincialRecommendation


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("推荐类型"),
        choices=ProvincialRecommendation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择推荐类型。")},
    )
    note = forms.CharField(
        label=_("推荐说明"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明推荐理由，如联盟运行成效、拟牵头申报的省级项目等。"),
        error_messages={"required": _("请填写推荐说明。")},
    )
    recommended_on = forms.DateField(
        label=_("推荐日期"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("请填写推荐日期。"),
            "invalid": _("请按“年-月-日”填写推荐日期，如2026-03-01。"),
        },
    )
