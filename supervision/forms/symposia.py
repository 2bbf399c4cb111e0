"""Forms of symposia (Art. 12(3)): scheduling, inviting, minutes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoicesField
from filings.models import Alliance

from ..models import Symposium
from ..selectors import filed_alliances

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class AllianceChoiceField(IdChoicesField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.filing_number or '—'}）"


class SymposiumForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("召开时间"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    alliances = AllianceChoiceField(
        label=_("邀请的联盟"),
        queryset=Alliance.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("只能邀请已备案的联盟；按住Ctrl可多选，也可稍后再邀请。"),
    )

    class Meta:
        model = Symposium
        fields = ["title", "starts_at", "location", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alliances"].queryset = filed_alliances()

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        # The measures date from 2018; a date far outside the portal's life is a typo
        # (and year 1 cannot even be stored in UTC).
        if not (2018 <= starts_at.year <= 2100):
            raise forms.ValidationError(_("请填写2018年至2100年之间的召开时间。"))
        return starts_at


class InviteForm(forms.Form):
    alliances = AllianceChoiceField(
        label=_("追加邀请的联盟"),
        queryset=Alliance.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={"required": _("请选择要邀请的联盟。")},
    )

    def __init__(self, *args, symposium: Symposium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alliances"].queryset = filed_alliances().exclude(
            symposium_invitations__symposium=symposium
        )


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("会议纪要摘要"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写会议纪要摘要。")},
    )
    file = forms.FileField(
        label=_("会议纪要文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("PDF、JPEG或PNG文件。"),
    )
