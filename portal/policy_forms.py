"""The administrator's forms for a policy version: its particulars and parameters, and a
row of each of its lists. They only read and shape input; ``policy.services`` checks and
writes it (and its ValidationErrors come back onto these forms by field)."""

from django import forms
from django.core.validators import MaxValueValidator
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from policy.models import (
    CHECKS,
    FILE_TYPES,
    PARAMETERS,
    Article,
    Category,
    Condition,
    Criterion,
    EventKind,
    Ground,
    Material,
    PolicyVersion,
)
from policy.services import PARTICULARS, PARTS

MIB = 1024 * 1024


def date_input():
    """A widget of its own for each field and form: a shared widget instance would carry
    one form's error attributes into every later form."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReminderDaysField(forms.CharField):
    """ "30, 7, 0" ↔ [30, 7, 0]."""

    default_error_messages = {
        "invalid": _("请填写用逗号分隔的整数天数，如“30, 7, 0”（0为截止当日）。"),
    }

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        parts = [p.strip() for p in value.replace("，", ",").replace("、", ",").split(",")]
        parts = [p for p in parts if p]
        if not parts:
            return []
        try:
            days = [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return sorted(set(days), reverse=True)


class VersionForm(forms.Form):
    """A version's particulars and parameters, with ``copy_from`` when a draft is new."""

    def __init__(self, *args, new=False, bases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            self.fields["copy_from"] = forms.ModelChoiceField(
                queryset=bases,
                required=False,
                label=_("以此版本为基础"),
                empty_label=_("（不复制，从空白开始）"),
                help_text=_("复制其条文、参数和各项清单，再修改不同之处。"),
            )
        names = list(PARTICULARS) + [name for name, _article in PARAMETERS]
        for name, field in fields_for_model(PolicyVersion, fields=names).items():
            if isinstance(field, forms.IntegerField):
                field.max_value = field.max_value or 2_147_483_647
                field.validators.append(MaxValueValidator(field.max_value))
                field.widget.attrs.setdefault("max", field.max_value)
            self.fields[name] = field
        for name in ("effective_from", "expires_on"):
            self.fields[name].widget = date_input()
        self.fields["note"].widget.attrs["rows"] = 3
        self.fields["reminder_days_before"] = ReminderDaysField(
            label=PolicyVersion._meta.get_field("reminder_days_before").verbose_name,
            help_text=_("截止日前多少天提醒，用逗号分隔，如“30, 7, 0”（0为截止当日）。"),
        )
        if new:
            # Parameters left empty are copied from the base version (the service checks
            # that a version without a base has them all).
            for name, _article in PARAMETERS:
                self.fields[name].required = False

    def parameters(self):
        return [self[name] for name, _article in PARAMETERS]

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "copy_from"}
        if "copy_from" in self.fields:
            data = {k: v for k, v in data.items() if v not in (None, "", [])}
        return data


class PartForm(forms.Form):
    """A row of one of a version's lists (``policy.services.PARTS``). The identifying
    field (key, kind, name or article number) is asked only when a row is added."""

    MODELS = {
        "articles": Article,
        "categories": Category,
        "conditions": Condition,
        "materials": Material,
        "event_kinds": EventKind,
        "grounds": Ground,
        "criteria": Criterion,
    }

    def __init__(self, *args, related, adding, **kwargs):
        super().__init__(*args, **kwargs)
        self.related = related
        id_field, allowed = PARTS[related]
        model = self.MODELS[related]
        names = ([id_field] if adding else []) + [
            f.name for f in model._meta.get_fields() if f.name in allowed
        ]
        for name, field in fields_for_model(model, fields=names).items():
            self.fields[name] = field
        if adding and id_field in ("key", "kind"):
            self.fields[id_field].help_text = _(
                "小写英文字母、数字和下划线，如 biomedicine；记录保存的是代码，添加后不能修改。"
            )
        if "check_key" in self.fields:
            self.fields["check_key"] = forms.ChoiceField(
                label=_("核查方式"),
                choices=[("", _("（请选择）")), *CHECKS.items()],
                help_text=_("平台无法自动核查的条件，选“由牵头单位声明、审核部门确认”。"),
            )
        if "accepted_types" in self.fields:
            self.fields["accepted_types"] = forms.MultipleChoiceField(
                label=_("接受的文件类型"),
                choices=[(k, k.upper()) for k in FILE_TYPES],
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["max_bytes"] = forms.IntegerField(
                label=_("单个文件大小上限（MB）"), min_value=1, max_value=50
            )
            if self.initial.get("max_bytes"):
                self.initial["max_bytes"] = max(1, self.initial["max_bytes"] // MIB)
        for name in ("text", "description", "article_text", "evidence"):
            if name in self.fields:
                self.fields[name].widget.attrs["rows"] = 4

    @property
    def identity_field(self) -> str:
        return PARTS[self.related][0]

    def data_for_service(self) -> tuple[object, dict]:
        data = dict(self.cleaned_data)
        identity = data.pop(self.identity_field, None)
        if "max_bytes" in data:
            data["max_bytes"] = data["max_bytes"] * MIB
        if "accepted_types" in data:
            data["accepted_types"] = list(data["accepted_types"])
        return identity, data


class PublishForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    end_predecessor = forms.BooleanField(required=False)
    # The version the page offered to end: a page that named another one is stale.
    predecessor = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("我已核对以上施行日期和后果，确认发布。发布后本版本不能再修改。"),
        error_messages={"required": _("请勾选确认后再发布。")},
    )


class ConfirmForm(forms.Form):
    """An irreversible step on a version page: withdraw a publication, delete a draft."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("我已了解后果，确认办理。"),
        error_messages={"required": _("请勾选确认后再办理。")},
    )
