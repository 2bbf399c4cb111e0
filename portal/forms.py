"""What a user may ask an export for: each condition parsed before a job is queued, so a
malformed one is a message, never a failed job or a 500."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction
from filings.models import Alliance, Filing
from policy import selectors as policy_selectors

from .models import ExportJob

FIRST_YEAR = 2018  # the measures took effect in 2018


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (k, label)
            for k, label in ExportJob.Kind.choices
            if k != ExportJob.Kind.DOSSIER and k not in ExportJob.LOG_KINDS
        ],
    )
    status = forms.ChoiceField(label=_("备案状态"), choices=Alliance.Status.choices, required=False)
    category = forms.ChoiceField(
        label=_("类别"), choices=policy_selectors.category_choices, required=False
    )
    state = forms.ChoiceField(label=_("申请状态"), choices=Filing.State.choices, required=False)
    jurisdiction = forms.ModelChoiceField(
        label=_("县（市、区）"), queryset=Jurisdiction.objects.all(), required=False
    )
    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, required=False)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年。"))
        return year

    def params(self) -> dict:
        """The conditions as the export job stores them (JSON)."""
        data = self.cleaned_data
        params = {k: data[k] for k in ("status", "category", "state", "year") if data.get(k)}
        if data.get("jurisdiction"):
            params["jurisdiction"] = data["jurisdiction"].pk
        return params
