"""Forms of awards and the public notice (Art. 15): amount, objection, resolution,
disbursement."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .common import DATE, DATE_ERRORS, YuanField, int_errors


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
    # Not required here: the service says what is missing, after what else stops it.
    resolution = forms.CharField(
        label=_("处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DisbursementForm(forms.Form):
    disbursed_on = forms.DateField(
        label=_("拨付日期"), widget=DATE, initial=timezone.localdate, error_messages=DATE_ERRORS
    )
    disbursed_yuan = YuanField(
        label=_("拨付金额（元）"), min_value=1, error_messages=int_errors(_("拨付金额"))
    )
