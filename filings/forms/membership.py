"""A member unit's answer to the lead unit's record of its membership (Art. 9(3))."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .review import TEXT_MAX_LENGTH


class MembershipConfirmForm(forms.Form):
    """Carries the digest of the role and task division shown (``membership.terms_digest``):
    an answer to terms the lead unit changed meanwhile is refused as stale."""

    PREFIX = "confirm"

    seen_terms = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, member=None, **kwargs):
        # One form of each kind per row: each gets its own element ids.
        if member is not None:
            kwargs.setdefault("prefix", f"{self.PREFIX}{member.pk}")
        super().__init__(*args, **kwargs)


class MembershipDeclineForm(MembershipConfirmForm):
    PREFIX = "decline"

    reason = forms.CharField(
        label=_("拒绝理由"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("牵头单位将看到该理由。"),
        error_messages={
            "required": _("请写明拒绝的理由，牵头单位将看到该理由。"),
            "max_length": _("拒绝理由不能超过%(limit_value)d字（目前%(show_value)d字）。"),
        },
    )
