from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Organisation
from .uscc import compact, uscc_problem


class LoginForm(AuthenticationForm):
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
            "uscc": _("18位，见营业执照或事业单位法人证书，字母请大写。"),
            "jurisdiction": _("保定市内单位请选择其所在县（市、区）或开发区，市外单位留空。"),
        }

    def clean_uscc(self):
        code = compact(self.cleaned_data["uscc"])
        problem = uscc_problem(code)
        if problem:
            raise forms.ValidationError(problem, code="invalid_uscc")
        existing = Organisation.objects.filter(uscc=code).exclude(pk=self.instance.pk).first()
        if existing:
            raise forms.ValidationError(
                _("统一社会信用代码 %(code)s 已登记为“%(name)s”，请勿重复添加。"),
                code="duplicate_uscc",
                params={"code": code, "name": existing.name},
            )
        return code
