"""The major-event report form (Art. 12(2)). It parses what was typed; what a report
may say (which fields each kind needs, what a member change may be) is decided by
``services.events`` and its errors are put on these fields."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction, Organisation
from core.crispy import inert
from filings.models import AllianceMember
from policy import selectors as policy_selectors

from ..models import EventReport
from ..models.events import kind_version_on
from ..services.events import ADDRESS_FIELDS, MEMBER_FIELDS, NEW_ORG_FIELDS, PERSONNEL_FIELDS

Kind = EventReport.Kind
CHANGE_SECTIONS = {
    Kind.MEMBER_CHANGE: (
        "member_action",
        "member_uscc",
        "member_role",
        "member_task_division",
        "member_charter_signed",
    ),
    Kind.PERSONNEL_CHANGE: PERSONNEL_FIELDS,
    Kind.ADDRESS_CHANGE: ADDRESS_FIELDS,
}


class KindField(forms.ChoiceField):
    """The kinds of the version applied today (and, editing a report, of its event date's
    version). Whether a kind may be reported depends on the event date, typed in the same
    form: ``services.events.kind_problem`` decides, with a message naming the version."""

    def valid_value(self, value):
        return True


def kind_choices(report=None) -> list[tuple[str, str]]:
    versions = [policy_selectors.shown()]
    if report is not None and report.event_date is not None:
        versions.append(kind_version_on(report.event_date))
    found: dict[str, str] = {}
    for version in versions:
        for kind in policy_selectors.event_kinds(version):
            found.setdefault(kind.key, kind.title)
    return [("", "---------"), *found.items()]


class EventReportForm(forms.ModelForm):
    kind = KindField(label=_("事项类型"), error_messages={"required": _("请选择事项类型。")})
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
    new_org_jurisdiction = forms.ModelChoiceField(
        label=_("所在县（市、区）/开发区"),
        queryset=Jurisdiction.objects.all(),
        required=False,
        empty_label=_("（按统一社会信用代码识别）"),
        help_text=_(
            "保定市内单位按信用代码的登记机关识别，无需选择；识别不了时（如市级登记机关）"
            "请选择，市外单位留空。"
        ),
        error_messages={"invalid_choice": _("请从列表中选择县（市、区）或开发区。")},
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
        help_texts = {
            "member_charter_signed": _(
                "新增成员单位时填写（第九条第三项）：请上传新成员法定代表人签署的协议（章程）"
                "签署页作为附件；未签署的不能提交报告。"
            ),
        }
        error_messages = {
            "title": {"required": _("请填写标题。")},
            "event_date": {
                "required": _("请填写事项发生日期。"),
                "invalid": _("日期格式不正确，请按“2027-03-01”的格式填写。"),
            },
            "description": {"required": _("请填写情况说明。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds of the version applied today: a version may reword, drop and add
        # kinds; an added kind is a plain report (only CHANGE_KINDS change the record).
        choices = kind_choices(self.instance if self.instance.pk else None)
        self.fields["kind"].choices = choices
        offered = dict(choices)
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
        sections = []
        for kind, fields in CHANGE_SECTIONS.items():
            if kind not in offered:
                continue  # a change kind the version does not list is not offered
            extra = ()
            if kind == Kind.MEMBER_CHANGE:
                note = _("新增的单位尚未在平台登记时，请同时填写以下单位信息：")
                extra = (
                    HTML(f'<p class="text-muted small">{note}</p>'),
                    *NEW_ORG_FIELDS,
                    "new_org_jurisdiction",
                )
            sections.append(
                Fieldset(
                    inert(only % {"kind": offered[kind]}),  # a version's title: data
                    *fields,
                    *extra,
                    css_id=f"section-{kind}",
                )
            )
        self.helper.layout = Layout(
            Fieldset(_("事项"), "kind", "title", "event_date", "description"), *sections
        )
