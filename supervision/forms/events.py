"""The major-event report form (Art. 12(2)). It parses what was typed; what a report
may say (which fields each kind needs, what a member change may be) is decided by
``services.events`` and its errors are put on these fields."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from filings.models import AllianceMember
from policy import selectors as policy_selectors

from ..models import EventReport
from ..services.events import ADDRESS_FIELDS, MEMBER_FIELDS, NEW_ORG_FIELDS, PERSONNEL_FIELDS

Kind = EventReport.Kind


class EventReportForm(forms.ModelForm):
    member_uscc = forms.CharField(
        label=_("变更成员单位的统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("18位，见营业执照或事业单位法人证书。"),
    )
    new_org_name = forms.CharField(label=_("单位名称"), max_length=200, required=False)
    new_org_kind = forms.ChoiceField(
        label=_("单位类型"), choices=[("", "---------"), *Organisation.Kind.choices], required=False
    )
    new_org_industry = forms.ChoiceField(
        label=_("所属行业"),
        choices=[("", "---------"), *Organisation.Industry.choices],
        required=False,
    )
    new_org_legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, required=False
    )

    class Meta:
        model = EventReport
        fields = [
            "kind",
            "title",
            "event_date",
            "description",
            *MEMBER_FIELDS,
            *PERSONNEL_FIELDS,
            *ADDRESS_FIELDS,
        ]
        widgets = {
            "event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
            "member_task_division": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "kind": {"required": _("请选择事项类型。")},
            "title": {"required": _("请填写标题。")},
            "event_date": {
                "required": _("请填写事项发生日期。"),
                "invalid": _("日期格式不正确，请按“2027-03-01”的格式填写。"),
            },
            "description": {"required": _("请填写情况说明。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds of the version applied today that the portal handles (a version may
        # drop kinds; a kind of its own needs code before it can be reported).
        version = policy_selectors.shown()
        if version is not None:
            keys = set(version.event_kinds.values_list("key", flat=True))
            self.fields["kind"].choices = [("", "---------")] + [
                (value, label) for value, label in Kind.choices if value in keys
            ]
        self.fields["member_role"].choices = [
            ("", "---------"),
            (AllianceMember.Role.MEMBER, AllianceMember.Role.MEMBER.label),
            (AllianceMember.Role.COUNCIL, AllianceMember.Role.COUNCIL.label),
        ]
        if self.instance.member_organisation_id and not self.is_bound:
            self.initial["member_uscc"] = self.instance.member_organisation.uscc
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        only = _("仅“%(kind)s”填写")
        self.helper.layout = Layout(
            Fieldset(_("事项"), "kind", "title", "event_date", "description"),
            Fieldset(
                only % {"kind": Kind.MEMBER_CHANGE.label},
                "member_action",
                "member_uscc",
                "member_role",
                "member_task_division",
                HTML(
                    '<p class="text-muted small">{}</p>'.format(
                        _("新增的单位尚未在平台登记时，请同时填写以下单位信息：")
                    )
                ),
                *NEW_ORG_FIELDS,
                css_id="section-member_change",
            ),
            Fieldset(
                only % {"kind": Kind.PERSONNEL_CHANGE.label},
                *PERSONNEL_FIELDS,
                css_id="section-personnel_change",
            ),
            Fieldset(
                only % {"kind": Kind.ADDRESS_CHANGE.label},
                *ADDRESS_FIELDS,
                css_id="section-address_change",
            ),
        )
