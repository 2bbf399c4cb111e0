"""Forms of revocation cases (Art. 13): opening, dissolution, statement, decision."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import RevocationGround


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each by the portal's upload rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return list(files)


class CaseOpenForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label=_("取消备案情形（第十三条）"),
        choices=RevocationGround.choices,  # the version's: see __init__
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项第十三条规定的取消备案情形。")},
    )
    facts = forms.CharField(
        label=_("事实与理由"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请写明事实与理由。")},
    )
    evidence = MultipleFileField(
        label=_("证据材料"),
        required=False,
        help_text=_("可选，可多选；PDF、JPEG或PNG文件。提交未成功时，请重新选择证据材料。"),
    )

    # 立案 cannot be undone. Asked on the form rather than on a confirmation page
    # (core.confirm), which could not carry the evidence files: unticked, nothing happens.
    confirmed = forms.BooleanField(
        error_messages={"required": _("请勾选确认后再立案。")},
    )

    def __init__(self, *args, version=None, alliance=None, **kwargs):
        # The grounds of the version a case opened now would be bound to.
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["grounds"].choices = [(g.key, g.text) for g in version.grounds.all()]
        self.fields["confirmed"].label = _(
            "我确认对“%(name)s”立案：平台将生成取消备案告知书并送达、通知牵头单位，"
            "陈述申辩期自即日起计算；立案记录不能撤销。"
        ) % {"name": alliance.name if alliance is not None else ""}


class DissolveForm(forms.Form):
    statement = forms.CharField(
        label=_("解散说明"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请说明解散的决定和理由，如成员大会（理事会）决议的时间和内容。"),
        error_messages={"required": _("请说明解散的决定和理由（如成员大会决议）。")},
    )
    confirm = forms.BooleanField(
        label=_("我单位确认宣布联盟解散，并知悉联盟备案将被取消（第十三条第四项）。"),
        error_messages={"required": _("请勾选确认后再提交。")},
    )


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("陈述申辩意见"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写陈述申辩意见。")},
    )
    files = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_(
            "可选，可多选（最多10个）；PDF、JPEG或PNG文件，每个不超过%(limit)s。"
            "提交未成功时，请重新选择附件。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        self.fields["files"].help_text = self.fields["files"].help_text % {"limit": limit}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("revoke", _("取消备案")), ("dismiss", _("不予取消备案"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择决定：取消备案或不予取消。")},
    )
    reasons = forms.CharField(
        label=_("决定理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请写明决定理由。")},
    )
