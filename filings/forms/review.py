"""The reviewers' and the lead unit's decision forms on the filing page.

Each carries the state the user saw (``expected_state``), so a decision taken on a page
that another decision has overtaken is refused instead of silently applied.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

# Long enough for a reasoned opinion, short enough to fit the 推荐公函's table.
TEXT_MAX_LENGTH = 2000


class ActionForm(forms.Form):
    """A decision without text: submit, resubmit, withdraw, approve."""

    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: str = "", **kwargs):
        # Several forms share one page: give each its own element ids.
        kwargs.setdefault("auto_id", f"id_{action}_%s" if action else "id_%s")
        super().__init__(*args, **kwargs)


class OpinionForm(ActionForm):
    """Art. 11 初审: the county bureau recommends with a written opinion."""

    opinion = forms.CharField(
        label=_("初审意见"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("推荐公函将载明该意见。"),
        error_messages={
            "required": _("请填写初审意见，推荐公函将载明该意见。"),
            "max_length": _("初审意见不能超过%(limit_value)d字（目前%(show_value)d字）。"),
        },
    )


class ReasonForm(ActionForm):
    """Return for revision or reject: the lead unit sees the reason (ARCHITECTURE.md)."""

    reason = forms.CharField(
        label=_("理由"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("牵头单位将看到该理由。"),
        error_messages={
            "required": _("请写明理由，牵头单位将看到该理由。"),
            "max_length": _("理由不能超过%(limit_value)d字（目前%(show_value)d字）。"),
        },
    )


class ReturnForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("退回修改理由")


class RejectForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("不予备案理由")


# The form of each action the filing page can show, by transition name.
ACTION_FORMS = {
    "submit": ActionForm,
    "resubmit": ActionForm,
    "withdraw": ActionForm,
    "recommend": OpinionForm,
    "return_for_revision": ReturnForm,
    "reject": RejectForm,
    "approve": ActionForm,
}

# The text field of each action that has one.
TEXT_FIELDS = {"recommend": "opinion", "return_for_revision": "reason", "reject": "reason"}
