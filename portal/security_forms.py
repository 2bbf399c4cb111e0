"""The security administrator's forms: the user filter of the two-factor page and the
three actions (lift a lockout, reset two-factor login, end a session)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User


def reason_field():
    return forms.CharField(
        label=_("原因"), max_length=200, error_messages={"required": _("请填写原因。")}
    )


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或用户名"), method="by_name")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices)
    enrolled = django_filters.ChoiceFilter(
        label=_("两步验证"),
        choices=[("yes", _("已绑定")), ("no", _("未绑定"))],
        method="by_enrolment",
    )

    class Meta:
        model = User
        fields = ["q", "role", "enrolled"]

    def by_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )

    def by_enrolment(self, queryset, name, value):
        return queryset.filter(two_factor_on=(value == "yes"))


def users_with_enrolment():
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.select_related("organisation", "jurisdiction")
        .annotate(two_factor_on=Exists(enrolled))
        .order_by("username")
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
    ip_address = forms.CharField(max_length=64, required=False)
    reason = reason_field()


class TwoFactorResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核实该用户的身份，确认重置其两步验证"),
        error_messages={"required": _("请勾选确认后再重置。")},
    )
    reason = reason_field()


class SessionEndForm(forms.Form):
    session = forms.CharField(max_length=64)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
