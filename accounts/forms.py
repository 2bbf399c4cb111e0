from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from core import throttle
from core.client_ip import client_ip

from .models import Jurisdiction, Organisation
from .uscc import compact
from .validation import uscc_refusal

USCC_HELP = _("18位，见营业执照或事业单位法人证书，字母请大写。")
JURISDICTION_HELP = _("保定市内单位请选择其所在县（市、区）或开发区，市外单位留空。")


class ThrottledLogin:
    """Before the password is even checked: too many failures from this address (any user
    name), or for this user name (from any address), in the last 15 minutes. For every
    form that logs a user in: the portal's and the admin's."""

    throttled_message = _("登录失败次数过多，请15分钟后再试。如忘记密码，请使用“忘记密码”重置。")

    def clean(self):
        username = (self.cleaned_data.get("username") or "").lower()
        address = client_ip(self.request) if self.request is not None else ""
        if not throttle.allowed("login-address", address) or (
            username and not throttle.allowed("login-account", username)
        ):
            raise forms.ValidationError(self.throttled_message, code="throttled")
        return super().clean()


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The admin's own login page (PortalAdminSite): throttled like the portal's."""


class LoginForm(ThrottledLogin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入（密码区分大小写）。"),
        "inactive": _("该账号已停用，请联系保定市科学技术局。"),
        "no_role": _(
            "该账号尚未分配角色，暂时无法使用本平台。请联系保定市科学技术局系统管理员分配角色。"
        ),
    }

    def clean_username(self):
        # AuthenticationForm sets max_length on the widget only: enforce it, or an
        # over-long name reaches django-axes, whose column is 255 characters.
        username = self.cleaned_data.get("username", "")
        if len(username) > 150:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        return username

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.effective_role:
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")


class OrganisationForm(forms.ModelForm):
    """Registering a unit (municipal staff; a new member unit in a filing)."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "uscc",
            "kind",
            "industry",
            "legal_representative",
            "address",
            "contact_person",
            "contact_phone",
            "contact_email",
            "jurisdiction",
        ]
        help_texts = {
            "uscc": USCC_HELP,
            "jurisdiction": JURISDICTION_HELP,
        }

    def clean_uscc(self):
        code = compact(self.cleaned_data["uscc"])
        refusal = uscc_refusal(code, exclude_pk=self.instance.pk)
        if refusal:
            raise forms.ValidationError(refusal, code="invalid_uscc")
        return code


def _field(name: str, **kwargs):
    """The form field of an Organisation column: its label, length and choices."""
    return Organisation._meta.get_field(name).formfield(**kwargs)


class ContactForm(forms.Form):
    """What a unit edits itself after registration (each save audited)."""

    address = _field("address")
    contact_person = _field("contact_person")
    contact_phone = _field("contact_phone")
    contact_email = _field("contact_email")

    @classmethod
    def for_organisation(cls, organisation):
        return cls(initial={f: getattr(organisation, f) for f in Organisation.CONTACT_FIELDS})


class OrganisationChangeForm(forms.Form):
    """A change of the unit's legal facts: the new values (prefilled with the current
    ones) and why. Checked in full by the service; here only types and required fields."""

    name = _field("name")
    uscc = _field("uscc", help_text=USCC_HELP)
    kind = _field("kind")
    industry = _field("industry")
    legal_representative = _field("legal_representative")
    jurisdiction = forms.ModelChoiceField(
        label=_("所在县（市、区）/开发区"),
        queryset=Jurisdiction.objects.all(),
        required=False,
        empty_label=_("保定市外"),
        help_text=JURISDICTION_HELP,
    )
    reason = forms.CharField(
        label=_("变更理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明变更的原因和依据，如营业执照变更日期、变更登记通知书文号。"),
    )

    @classmethod
    def for_organisation(cls, organisation):
        initial = {f: getattr(organisation, f) for f in Organisation.LEGAL_FACTS}
        return cls(initial=initial)

    def facts(self) -> dict:
        return {f: self.cleaned_data[f] for f in Organisation.LEGAL_FACTS}


class DecisionForm(forms.Form):
    """Approving or rejecting a change request: one opinion, two buttons."""

    reason = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予批准时必须写明理由，申请单位会收到。"),
    )
    expected_state = forms.CharField(required=False, widget=forms.HiddenInput)


class ExpectedStateForm(forms.Form):
    expected_state = forms.CharField(required=False, widget=forms.HiddenInput)


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's, but the e-mail is queued (core.outbox) instead of sent while the visitor
    waits: a request for a registered address then takes as long as one for an unknown
    address, so the answer's timing does not tell which addresses have accounts."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        from core import outbox

        from .tasks import send_password_reset_mail

        outbox.enqueue(
            send_password_reset_mail, context["user"].pk, context["domain"], context["protocol"]
        )


class TwoFactorCodeForm(forms.Form):
    """The code page and the enrol page: six digits from the authenticator, or (on the
    code page) a backup code. Kept as typed when refused."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": _("请输入验证码。")},
    )

    def __init__(self, *args, backup=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("身份验证器显示的 6 位数字；手机不在身边时可输入一个备用码（每个只能用一次）。")
            if backup
            else _("身份验证器中“%(issuer)s”显示的 6 位数字。")
            % {"issuer": settings.OTP_TOTP_ISSUER}
        )


class ColleagueForm(forms.Form):
    """A unit administrator adds a colleague: checked in full by the service
    (accounts.unit_users), here only lengths and required fields."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"), max_length=11, help_text=_("11位手机号码，如 13812345678。")
    )
    email = forms.CharField(
        label=_("电子邮箱"), max_length=254, help_text=_("设置密码的邀请链接发送到这个邮箱。")
    )
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("同事登录时使用；字母、数字和 @ . + - _。"),
    )


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("停用原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如“已调离本单位”。记入本单位的操作记录。"),
        error_messages={"required": _("请写明停用的原因，如“已调离本单位”。")},
    )


# --- Unit registration (单位注册) -----------------------------------------------------------

#: The jurisdiction select's first two choices: what the credit code says, or none.
JURISDICTION_DERIVED, JURISDICTION_OUTSIDE = "", "outside"


def _jurisdiction_choices():
    yield JURISDICTION_DERIVED, _("按统一社会信用代码确定（推荐）")
    yield JURISDICTION_OUTSIDE, _("保定市外（只能作为成员单位，不能牵头）")
    for jurisdiction in Jurisdiction.objects.all():
        yield str(jurisdiction.pk), jurisdiction.name


def _registration_field(name: str, **kwargs):
    from .models import Registration

    return Registration._meta.get_field(name).formfield(**kwargs)


class RegistrationCorrectionForm(forms.Form):
    """The unit's facts and the applicant's name and mobile: what a returned registration
    corrects. Checked in full by the service; here only types and required fields."""

    name = _registration_field("name")
    # Longer than the 18 characters: spaces and hyphens as people type them are removed
    # by the service, which says what is wrong with the code.
    uscc = _registration_field("uscc", help_text=USCC_HELP, max_length=40)
    kind = _registration_field("kind")
    industry = _registration_field("industry")
    legal_representative = _registration_field("legal_representative")
    address = _registration_field("address")
    jurisdiction = forms.ChoiceField(
        label=_("所在县（市、区）/开发区"),
        required=False,
        help_text=_(
            "一般按信用代码第3–8位（登记管理机关行政区划码）确定，由该县（市、区）或开发区的科技主管部门审核。"
            "与实际不符时可更正，但须写明理由。"
        ),
    )
    jurisdiction_reason = forms.CharField(
        label=_("更正所在县（市、区）的理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("只在选择的县（市、区）与按信用代码确定的不同时填写，审核人员会看到。"),
    )
    licence = forms.FileField(
        label=_("营业执照或事业单位法人证书"),
        required=False,
        help_text=_("PDF、JPEG或PNG扫描件。"),
    )
    applicant_name = _registration_field("applicant_name")
    mobile = _registration_field("mobile", help_text=_("11位手机号码。"), max_length=30)

    licence_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = list(_jurisdiction_choices())
        self.fields["licence"].required = self.licence_required
        if not self.licence_required:
            self.fields["licence"].help_text = _("不重新上传则沿用原文件。PDF、JPEG或PNG扫描件。")

    @classmethod
    def for_registration(cls, registration):
        from .registration import CORRECTABLE

        initial = {f: getattr(registration, f) for f in CORRECTABLE if f != "jurisdiction"}
        if registration.jurisdiction_id == registration.derived_jurisdiction_id:
            initial["jurisdiction"] = JURISDICTION_DERIVED
        elif registration.jurisdiction_id is None:
            initial["jurisdiction"] = JURISDICTION_OUTSIDE
        else:
            initial["jurisdiction"] = str(registration.jurisdiction_id)
        return cls(initial=initial)

    def values(self) -> dict:
        """The cleaned data as the services take it (the jurisdiction: ``DERIVED``, None
        for outside Baoding, or a Jurisdiction)."""
        from .registration import DERIVED

        data = {k: v for k, v in self.cleaned_data.items() if k != "licence"}
        choice = data.pop("jurisdiction") or JURISDICTION_DERIVED
        if choice == JURISDICTION_DERIVED:
            data["jurisdiction"] = DERIVED
        elif choice == JURISDICTION_OUTSIDE:
            data["jurisdiction"] = None
        else:
            data["jurisdiction"] = Jurisdiction.objects.filter(pk=int(choice)).first() or "?"
        return data


class RegistrationForm(RegistrationCorrectionForm):
    """A new registration: the unit, the licence, and the applicant's account."""

    email = _registration_field("email", help_text=_("用于确认注册和接收审核结果。"))
    username = _registration_field(
        "username", help_text=_("登录平台时使用，字母、数字和 @ . + - _。")
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10位；不能是常见密码，不能全是数字，不能与登录名、邮箱相近。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    licence_required = True

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致，请重新输入。"))
        return cleaned

    def values(self) -> dict:
        data = super().values()
        data["password"] = data.pop("password1", "")
        data.pop("password2", None)
        return data


class RegistrationDecisionForm(DecisionForm):
    """Approving, returning or refusing a registration: one opinion, three buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "退回或不予通过时必须写明理由：退回时写明需要修改的内容，申请人会收到。"
        )
