"""Forms and list filters of major-event reports (Art. 12(2))."""

import datetime

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.conf import settings
from django.db.models import DateField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.uscc import compact, uscc_problem
from filings.models import AllianceMember

from .models import EventReport

Kind = EventReport.Kind
Action = EventReport.MemberAction
YES_NO = [("yes", _("是")), ("no", _("否"))]
MEMBER_FIELDS = ["member_action", "member_role", "member_task_division"]
NEW_ORG_FIELDS = [
    "new_org_name",
    "new_org_kind",
    "new_org_industry",
    "new_org_legal_representative",
]
PERSONNEL_FIELDS = ["position", "new_person_name"]
ADDRESS_FIELDS = ["new_office_address"]


def late_q(today=None) -> Q:
    """``EventReport.is_late`` as a database condition."""
    today = today or timezone.localdate()
    days = datetime.timedelta(days=settings.EVENT_REPORT_LATE_DAYS)
    deadline = ExpressionWrapper(F("event_date") + days, output_field=DateField())
    reported_late = Q(reported_at__isnull=False, reported_day__gt=deadline)
    unreported_late = Q(reported_at__isnull=True, event_date__lt=today - days)
    return reported_late | unreported_late


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称"), method="search")
    kind = django_filters.ChoiceFilter(label=_("事项类型"), choices=Kind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=EventReport.State.choices)
    late = django_filters.ChoiceFilter(label=_("逾期报告"), choices=YES_NO, method="by_late")

    class Meta:
        model = EventReport
        fields = ["q", "kind", "state", "late"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(alliance__name__icontains=value) if value else queryset

    def by_late(self, queryset, name, value):
        # The local calendar day of the report, as is_late counts it.
        queryset = queryset.annotate(reported_day=TruncDate("reported_at"))
        return queryset.filter(late_q()) if value == "yes" else queryset.exclude(late_q())


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

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.alliance = alliance
        self.member_organisation = None
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

    def clean_event_date(self):
        day = self.cleaned_data["event_date"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                _("事项发生日期不能晚于今天（%(today)s），请报告已经发生的事项。"),
                code="future",
                params={"today": today.strftime("%Y-%m-%d")},
            )
        return day

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        checks = {
            Kind.MEMBER_CHANGE: self._clean_member_change,
            Kind.PERSONNEL_CHANGE: self._clean_personnel_change,
            Kind.ADDRESS_CHANGE: self._clean_address_change,
        }
        if kind in checks:
            checks[kind](data)
        # A report carries only the fields of its own kind.
        if kind != Kind.MEMBER_CHANGE:
            for name in MEMBER_FIELDS:
                data[name] = ""
            self.member_organisation = None
        if kind != Kind.PERSONNEL_CHANGE:
            for name in PERSONNEL_FIELDS:
                data[name] = ""
        if kind != Kind.ADDRESS_CHANGE:
            data["new_office_address"] = ""
        return data

    def _require(self, data, name, message):
        value = data.get(name)
        if not (value.strip() if isinstance(value, str) else value):
            self.add_error(name, message)
            return False
        return True

    def _clean_member_change(self, data):
        action_ok = self._require(data, "member_action", _("请选择成员变更类型（新增或退出）。"))
        if not self._require(data, "member_uscc", _("请填写变更成员单位的统一社会信用代码。")):
            return
        code = compact(data["member_uscc"])
        problem = uscc_problem(code)
        if problem:
            self.add_error("member_uscc", problem)
            return
        data["member_uscc"] = code
        if not action_ok:
            return
        action = data["member_action"]
        organisation = Organisation.objects.filter(uscc=code).first()
        self.member_organisation = organisation
        if organisation is None:
            if action == Action.REMOVE:
                self.add_error(
                    "member_uscc",
                    _("统一社会信用代码为%(code)s的单位未登记，不是联盟成员。") % {"code": code},
                )
                return
            required = {
                "new_org_name": _("该代码尚未登记，请填写单位名称。"),
                "new_org_kind": _("该代码尚未登记，请选择单位类型。"),
                "new_org_industry": _("该代码尚未登记，请选择所属行业。"),
                "new_org_legal_representative": _("该代码尚未登记，请填写法定代表人。"),
            }
            for name, message in required.items():
                self._require(data, name, message)
        else:
            is_member = self.alliance.members.filter(organisation=organisation).exists()
            if action == Action.ADD and is_member:
                self.add_error(
                    "member_uscc",
                    _("“%(name)s”已是联盟成员，无需新增。") % {"name": organisation.name},
                )
            if action == Action.REMOVE and not is_member:
                self.add_error(
                    "member_uscc",
                    _("“%(name)s”不是联盟成员，无法退出。") % {"name": organisation.name},
                )
            if action == Action.REMOVE and organisation.pk == self.alliance.lead_unit_id:
                self.add_error("member_uscc", _("牵头单位不能通过成员变更退出联盟。"))
        if action == Action.ADD:
            self._require(
                data,
                "member_task_division",
                _("请写明新成员单位在联盟中的任务分工（第九条第三项）。"),
            )
        else:
            data["member_role"] = ""
            data["member_task_division"] = ""

    def _clean_personnel_change(self, data):
        self._require(data, "position", _("请选择变更的职务。"))
        self._require(data, "new_person_name", _("请填写新任人员姓名。"))

    def _clean_address_change(self, data):
        if self._require(data, "new_office_address", _("请填写新的办公室地址。")):
            if data["new_office_address"].strip() == self.alliance.office_address.strip():
                self.add_error("new_office_address", _("新地址与联盟现登记的办公室地址相同。"))

    def save(self, commit=True):
        """Registers an unknown new member unit; call inside the service's transaction."""
        report = super().save(commit=False)
        organisation = self.member_organisation
        if report.kind == Kind.MEMBER_CHANGE and organisation is None:
            data = self.cleaned_data
            # get_or_create: another report may have registered the code meanwhile.
            organisation, _created = Organisation.objects.get_or_create(
                uscc=data["member_uscc"],
                defaults={
                    "name": data["new_org_name"].strip(),
                    "kind": data["new_org_kind"],
                    "industry": data["new_org_industry"],
                    "legal_representative": data["new_org_legal_representative"].strip(),
                },
            )
        report.member_organisation = organisation
        if commit:
            report.save()
        return report
