"""The lead unit's application forms (Art. 9–10): the alliance in sections, its members and
its materials.

Every form keeps what was typed when it is invalid, and every message says in Chinese
what to fix. The forms only parse: ``filings.services`` validates what the law and the
model require, and writes.
"""

import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.conf import settings
from django.forms.models import fields_for_model, model_to_dict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.forms import OrganisationForm
from accounts.models import Jurisdiction, Organisation
from accounts.uscc import compact, uscc_problem
from core.crispy import inert
from core.uploads import TYPE_NAMES
from policy import selectors as policy_selectors
from policy.models import number_for_language

from ..membership import asks_member
from ..models import Alliance, AllianceMember

# A telephone number as people type it: digits, spaces, hyphens and brackets, an optional
# leading +, an optional extension (转 / ext).
PHONE = re.compile(r"^\+?[\d\s()-]+(?:(?:转|ext\.?|x)\s*\d+)?$", re.IGNORECASE)

MEMBER_ROLES = [(value, label) for value, label in AllianceMember.Role.choices if value != "lead"]

# (legend, the Art. 9 check the section's fields answer, fields, an extra note): the
# sections follow Art. 8 and Art. 9. Each section's help quotes the version's own text of
# the condition with that check (``section_help``), the first section its Art. 8.
ALLIANCE_SECTIONS = [
    (gettext_lazy("一、基本信息"), None, ["name", "category"], ""),
    (gettext_lazy("二、任务与目标"), "goals", ["industry_chain", "innovation_goals"], ""),
    (
        gettext_lazy("三、组织机构与工作办公室"),
        "bodies",
        [
            "decision_body",
            "executive_body",
            # Printed on the 备案申请书 (they read “—” while the form lacked them).
            "chairperson",
            "secretary_general",
            "liable_entity",
            "office_address",
            "office_fulltime_staff",
            "office_contact_name",
            "office_contact_phone",
            "office_contact_email",
        ],
        "",
    ),
    (gettext_lazy("四、经费管理"), "funding_rules", ["funding_rules"], ""),
    (gettext_lazy("五、利益保障机制"), "ip_mechanism", ["ip_mechanism"], ""),
    (
        gettext_lazy("六、开放发展与京津合作"),
        "openness",
        ["openness_mechanism", "beijing_tianjin_partners"],
        gettext_lazy("第五条鼓励“京津研发、保定转化”，请填写京津合作单位及合作内容。"),
    ),
]


def _quoted_item(condition) -> str:
    """ "（二）产业创新链构建任务明确、目标清晰。": the item as the version words it (the
    2018 texts begin with their item number and end with the list's semicolon)."""
    text = condition.article_text.strip().rstrip("；;，,。") + "。"
    return text if text.startswith("（") else f"{condition.item}{text}"


def section_legend_and_help(version, title, check_key, note) -> tuple[str, str]:
    """A section's legend and help under ``version``: "二、任务与目标（第九条第二项）" and
    that item's text as the version words it; a section whose check the version does not
    use shows its title alone."""
    if check_key is None:
        return _("%(title)s（第八条 联盟类别）") % {"title": title}, category_help(version)
    conditions = (
        [c for c in version.conditions.all() if c.check_key == check_key] if version else []
    )
    if not conditions:
        return str(title), str(note)
    items = "、".join(_("第%(n)s项") % {"n": number_for_language(c.number)} for c in conditions)
    texts = "".join(f"第九条{_quoted_item(c)}" for c in conditions)
    return (
        _("%(title)s（第九条%(items)s）") % {"title": title, "items": items},
        texts + str(note),
    )


ALLIANCE_FIELDS = [name for _title, _check, fields, _note in ALLIANCE_SECTIONS for name in fields]


class AllianceNewForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("联盟名称"),
        max_length=200,
        help_text=gettext_lazy(
            "例如：保定市新能源汽车产业技术创新战略联盟。其他内容可在下一步填写。"
        ),
        error_messages={
            "required": gettext_lazy("请填写联盟名称。"),
            "max_length": gettext_lazy(
                "联盟名称不能超过%(limit_value)d字（目前%(show_value)d字）。"
            ),
        },
    )


def _alliance_fields():
    return fields_for_model(
        Alliance,
        fields=ALLIANCE_FIELDS,
        widgets={
            # A text box, not type="number": a browser shows nothing for a non-number,
            # and the user must see what they typed next to the error.
            "office_fulltime_staff": forms.TextInput(attrs={"inputmode": "numeric"}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "industry_chain",
                    "innovation_goals",
                    "decision_body",
                    "executive_body",
                    "funding_rules",
                    "ip_mechanism",
                    "openness_mechanism",
                    "beijing_tianjin_partners",
                )
            },
        },
        error_messages={
            "name": {"required": gettext_lazy("请填写联盟名称。")},
            "office_fulltime_staff": {
                "invalid": gettext_lazy("专职人员数请填写整数，例如 3。"),
                "min_value": gettext_lazy("专职人员数不能为负数。"),
                "max_value": gettext_lazy("专职人员数不能超过%(limit_value)s。"),
            },
            "office_contact_email": {
                "invalid": gettext_lazy("请填写有效的电子邮箱地址，例如 office@example.com。"),
            },
        },
    )


def category_help(version) -> str:
    """Art. 8 of ``version``: each category's title and the article's words."""
    return _("第八条：%(items)s") % {
        "items": "；".join(
            f"{c.title}（{c.description}）" if c.description else c.title
            for c in policy_selectors.categories(version)
        )
    }


class AllianceForm(forms.Form):
    """The alliance's data in the sections of Art. 9, shown from ``alliance``. A draft may
    be incomplete: the conformance check, not this form, says what is still missing before
    submission. Never touches the alliance: ``filing_save_draft`` writes.

    ``version`` is the policy version the filing is checked against
    (``conformance.rules_version``): its Art. 8 categories are the ones offered."""

    # When the page was loaded: saving over a newer version (another tab, a colleague of
    # the same unit) is refused instead of silently undoing their change.
    loaded_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, alliance=None, version=None, **kwargs):
        if alliance is not None:
            initial = model_to_dict(alliance, fields=ALLIANCE_FIELDS)
            initial["loaded_at"] = alliance.updated_at.isoformat()
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(_alliance_fields())
        category = self.fields["category"] = forms.ChoiceField(
            label=Alliance._meta.get_field("category").verbose_name,
            required=False,
            choices=[
                ("", _("（请选择）")),
                *((c.key, c.title) for c in policy_selectors.categories(version)),
            ],
        )
        # Django fills in the value: the version is put in now, the value's place kept.
        category.error_messages["invalid_choice"] = _(
            "“%(value)s”不是%(version)s第八条所列的类别，请重新选择。"
        ) % {"version": str(version).replace("%", "%%"), "value": "%(value)s"}
        self.helper = FormHelper()
        self.helper.form_tag = False
        sections = []
        for title, check_key, fields, note in ALLIANCE_SECTIONS:
            legend, help_text = section_legend_and_help(version, title, check_key, note)
            sections.append(
                # Version text is data: inert in crispy's template source.
                Fieldset(
                    inert(legend),
                    HTML(f'<p class="small text-muted">{inert(help_text)}</p>'),
                    *fields,
                    css_class="border rounded p-3 mb-3",
                )
            )
        self.helper.layout = Layout("loaded_at", *sections)

    def clean_office_contact_phone(self):
        """A landline (0312-5012345, with an extension) or a mobile number: digits with the
        separators people type, and 7 to 20 digits in all. "abc" was accepted and printed on
        the 备案申请书."""
        value = unicodedata.normalize("NFKC", self.cleaned_data.get("office_contact_phone", ""))
        value = " ".join(value.split())
        if value and (not PHONE.match(value) or not 7 <= sum(c.isdigit() for c in value) <= 20):
            raise forms.ValidationError(
                _("请填写有效的联系电话，例如 0312-5012345 或 13812345678。"), code="invalid_phone"
            )
        return value


class MemberAddForm(forms.Form):
    """Art. 9(1), 9(3): a member unit added by its 统一社会信用代码; a unit the portal does
    not know yet is registered from the fields below the code."""

    NEW_ORGANISATION_FIELDS = ["name", "kind", "industry", "legal_representative", "jurisdiction"]

    uscc = forms.CharField(
        label=gettext_lazy("统一社会信用代码"),
        max_length=30,
        help_text=gettext_lazy("18位，见营业执照或事业单位法人证书。"),
        error_messages={"required": gettext_lazy("请填写成员单位的统一社会信用代码。")},
    )
    role = forms.ChoiceField(label=gettext_lazy("联盟内角色"), choices=MEMBER_ROLES)
    task_division = forms.CharField(
        label=gettext_lazy("任务分工"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("第九条（三）：协议（章程）应明确成员单位之间的任务分工。"),
    )
    charter_signed = forms.BooleanField(
        label=gettext_lazy("法定代表人已签署联盟协议（章程）"),
        required=False,
        help_text=gettext_lazy(
            "已在平台注册的单位由其单位管理员在线确认签署，请勿勾选；添加后该单位将收到确认请求。"
        ),
    )
    # Only for a unit not registered yet.
    name = forms.CharField(label=gettext_lazy("单位名称"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("单位类型"),
        choices=[("", gettext_lazy("（请选择）")), *Organisation.Kind.choices],
        required=False,
    )
    industry = forms.ChoiceField(
        label=gettext_lazy("所属行业"),
        choices=[("", gettext_lazy("（请选择）")), *Organisation.Industry.choices],
        required=False,
    )
    legal_representative = forms.CharField(
        label=gettext_lazy("法定代表人"), max_length=50, required=False
    )
    jurisdiction = forms.ModelChoiceField(
        label=gettext_lazy("所在县（市、区）/开发区"),
        queryset=Jurisdiction.objects.all(),
        required=False,
        empty_label=gettext_lazy("市外单位"),
        help_text=gettext_lazy("保定市内单位请选择，市外单位留空。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "member")
        super().__init__(*args, **kwargs)
        self.organisation = None  # an existing Organisation, found by its code
        self.new_organisation = None  # the values of a unit to register, for a new code

    def clean_uscc(self):
        code = compact(self.cleaned_data["uscc"])
        problem = uscc_problem(code)
        if problem:
            raise forms.ValidationError(problem, code="invalid_uscc")
        return code

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("uscc")
        if not code:
            return cleaned
        self.organisation = Organisation.objects.filter(uscc=code).first()
        if self.organisation is not None:
            return cleaned
        missing = [
            f for f in ("name", "kind", "industry", "legal_representative") if not cleaned.get(f)
        ]
        if missing:
            self.add_error(
                None, _("该信用代码尚未登记，请填写单位名称、类型、所属行业和法定代表人。")
            )
            for field in missing:
                self.add_error(field, _("新登记单位必须填写此项。"))
            return cleaned
        jurisdiction = cleaned.get("jurisdiction")
        organisation_form = OrganisationForm(
            data={
                "uscc": code,
                "name": cleaned["name"],
                "kind": cleaned["kind"],
                "industry": cleaned["industry"],
                "legal_representative": cleaned["legal_representative"],
                "jurisdiction": jurisdiction.pk if jurisdiction else "",
            }
        )
        if organisation_form.is_valid():
            # Registered by the service (accounts.services.organisation_register_named),
            # audited, only if the member is really added.
            self.new_organisation = organisation_form.cleaned_data
        else:
            for field, errors in organisation_form.errors.items():
                target = field if field in self.fields else None
                for error in errors:
                    self.add_error(target, error)
        return cleaned


class MemberEditForm(forms.Form):
    """Task division, role and the Art. 9(3) signature of one member row."""

    FIELDS = ["role", "task_division", "charter_signed"]

    def __init__(self, *args, member: AllianceMember, lead_unit_id=None, **kwargs):
        if lead_unit_id is None:
            lead_unit_id = member.alliance.lead_unit_id
        kwargs.setdefault("prefix", f"m{member.pk}")
        kwargs.setdefault("initial", model_to_dict(member, fields=self.FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                AllianceMember,
                fields=self.FIELDS,
                widgets={"task_division": forms.Textarea(attrs={"rows": 2})},
            )
        )
        if member.role == AllianceMember.Role.LEAD:
            # The lead unit's row stays the lead unit's.
            self.fields["role"].disabled = True
        else:
            self.fields["role"].choices = MEMBER_ROLES
        if asks_member(member, lead_unit_id):
            # A registered unit confirms its signature online (filings.membership).
            signed = self.fields["charter_signed"]
            signed.disabled = True
            signed.help_text = _(
                "该单位已在平台注册，由其单位管理员在线确认签署。修改角色或任务分工后，"
                "此前的确认失效，该单位将被再次请求确认。"
            )


class MaterialUploadForm(forms.Form):
    """Art. 10 (2)–(4). Type, size and name are checked by ``core.uploads.check_upload``
    in the service, so the rules and messages are the same for every upload."""

    kind = forms.ChoiceField(
        label=gettext_lazy("材料类型"),
        choices=(),  # the filing's version's kinds: see __init__
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("请选择材料类型。"),
            "invalid_choice": gettext_lazy("请选择材料类型。"),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("选择文件"),
        # Empty files get check_upload's message, like every other upload problem.
        allow_empty_file=True,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        error_messages={
            "required": gettext_lazy("请选择要上传的文件。"),
            "invalid": gettext_lazy("未收到文件，请检查表单后重新上传。"),
        },
    )

    def __init__(self, *args, kind: str = "", rule=None, kinds=None, **kwargs):
        # One form per kind of material on the page: each gets its own element ids.
        # ``rule`` is the policy version's Art. 10 material of this kind (its types and
        # size limit); ``kinds`` the version's materials, the only kinds accepted.
        kwargs.setdefault("prefix", "material")
        # Only a key of the version's kind (letters, digits, _) goes into the ids' format.
        plain = bool(kind) and re.fullmatch(r"[A-Za-z0-9_]{1,30}", kind) is not None
        kwargs.setdefault("auto_id", f"id_material_{kind}_%s" if plain else "id_%s")
        if kind:
            kwargs.setdefault("initial", {"kind": kind})
        super().__init__(*args, **kwargs)
        # On the edit page every row's file input belongs to the draft's form (the page
        # keeps typed text): each is named after its kind, so that a file chosen in one row
        # never travels as another's. A POST of the plain name is read the same.
        self.file_name = f"material-{kind}-file" if plain else None
        if self.file_name and self.file_name not in self.files and "material-file" in self.files:
            self.files = self.files.copy()
            self.files.setlist(self.file_name, self.files.getlist("material-file"))
        if kinds is not None:
            self.fields["kind"].choices = [(m.kind, m.title) for m in kinds]
            self.fields["kind"].error_messages["invalid_choice"] = _(
                "“%(value)s”不是本申请适用的政策版本第十条所列的备案材料，请重新选择材料类型。"
            )
        limit = settings.UPLOAD_MAX_BYTES
        types = "PDF、JPEG或PNG"
        if rule is not None:
            limit = min(limit, rule.max_bytes)
            types = "、".join(TYPE_NAMES[t] for t in sorted(rule.content_types))
        self.fields["file"].help_text = _(
            "%(types)s格式（按文件内容识别），每个文件不超过%(limit)s。"
        ) % {"types": types, "limit": filesizeformat(limit)}

    def add_prefix(self, field_name):
        if field_name == "file" and self.file_name:
            return self.file_name
        return super().add_prefix(field_name)


class DeclarationForm(forms.Form):
    """The Art. 9 conditions of the filing's version that the portal cannot check: the lead
    unit declares that it meets each one it ticks; the reviewers confirm it."""

    keys = forms.MultipleChoiceField(
        label=gettext_lazy("我单位声明符合以下备案条件"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, checks=(), **kwargs):
        kwargs.setdefault("prefix", "declare")
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = [
            (c.key, f"{c.title}：{c.article}" + (f"（{c.evidence}）" if c.evidence else ""))
            for c in checks
        ]
