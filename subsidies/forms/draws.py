"""Forms of the evaluator draw (issue 15 item 13) and the evaluator's recusal (item 12)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .common import int_errors


class DrawForm(forms.Form):
    """How many experts per application: 1 to the pool's size (Art. 15 评审)."""

    def __init__(self, *args, pool_size: int, initial_size: int, **kwargs):
        super().__init__(*args, **kwargs)
        errors = int_errors(_("评审专家人数"))
        errors["max_value"] = _("每份申请的评审专家人数不能超过专家库人数（%(limit_value)s人）。")
        self.fields["per_application"] = forms.IntegerField(
            label=_("每份申请评审专家人数"),
            min_value=1,
            max_value=max(pool_size, 1),
            initial=max(min(initial_size, pool_size), 1),
            error_messages=errors,
            help_text=_(
                "为每份尚未配齐专家的申请随机抽取，自动跳过利益冲突（成员单位、"
                "与同一申请其他专家同单位）。任一申请抽不满时，本次不抽取任何专家。"
            ),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由。")},
    )

    def __init__(self, *args, label=None, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
