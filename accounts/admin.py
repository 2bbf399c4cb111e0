"""The Django admin, for administrators only (PortalAdminSite). A unit's legal facts are
read-only here: they change only through a change request (accounts.services). What an
administrator changes about users' and groups' access, and passwords, is audited. The
administrator does not reset two-factor login, lift lockouts or end sessions: those are
the security administrator's (三员分立), in the portal's own pages (portal.views.security).
The list shows whether a user enrolled; django-otp's own device pages are not registered,
they would show the secrets."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import in_log_language, record

from . import services, user_audit
from .forms import OrganisationForm
from .models import Jurisdiction, Organisation, Role, User
from .separation import SEPARATED_ROLES, is_separated
from .signals import password_changed


class LabelledEnabledForm(forms.ModelForm):
    """The list's 参与备案 checkbox of each row, named after its row ("参与备案：竞秀区"): Django
    renders the list's inputs without a label."""

    class Meta:
        model = Jurisdiction
        fields = ["enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enabled"]
        field.widget.attrs["aria-label"] = _("%(label)s：%(row)s") % {
            "label": field.label,
            "row": self.instance.name,
        }


class PasswordChangeForm(AdminPasswordChangeForm):
    """Django's, with its "password-based login" help text built for each request: Django
    joins it at import, in whatever language was active then, and leaves the warning
    about losing the password untranslated."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
                "{}</li></ul>",
                SetUnusablePasswordMixin.usable_password_help_text,
                _("停用后，该用户当前的密码将被清除。"),
            )


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Django's search-as-you-type select names itself by its selection, so it has no
    name while empty: its placeholder says what the field is."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = str(
            _("%(label)s（输入名称搜索）") % {"label": self.field.verbose_name}
        )
        return attrs


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    """Which bureau reviews, under which letter prefix, and whether a county takes part:
    every change (form or list edit) is audited old → new."""

    list_display = ["code", "name", "kind", "bureau_name", "enabled", "note"]
    list_filter = ["kind", "enabled"]
    list_editable = ["enabled"]
    search_fields = ["code", "name", "bureau_name"]

    def get_changelist_form(self, request, **kwargs):
        return LabelledEnabledForm

    def save_model(self, request, obj, form, change):
        before = Jurisdiction.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        changed = [
            (field, getattr(before, field.attname) if before else "", getattr(obj, field.attname))
            for field in Jurisdiction._meta.concrete_fields
            if not field.primary_key
            and (before is None or getattr(before, field.attname) != getattr(obj, field.attname))
        ]
        if changed:
            record(
                subject=obj,
                action="jurisdiction_change" if change else "jurisdiction_create",
                action_label=_("修改县（市、区）设置") if change else _("新增县（市、区）"),
                actor=request.user,
                # Labels in the log's language, whatever the administrator reads.
                reason=in_log_language(
                    lambda: "；".join(
                        f"{f.verbose_name}：“{old}” → “{new}”" for f, old, new in changed
                    )
                ),
            )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "uscc", "kind", "industry", "jurisdiction", "legal_representative"]
    list_filter = ["kind", "industry", "jurisdiction"]
    search_fields = ["name", "uscc", "legal_representative"]
    list_select_related = ["jurisdiction"]

    def get_readonly_fields(self, request, obj=None):
        return Organisation.LEGAL_FACTS if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            contact = {f: data[f] for f in Organisation.CONTACT_FIELDS}
            services.organisation_update_contact(organisation=obj, by=request.user, **contact)
            return
        created = services.organisation_register(by=request.user, values=data)
        obj.pk = created.pk
        obj._state.adding = False


class AuditedAccessMixin:
    """Audit every save and delete of a user or group, with the old and new values."""

    def save_model(self, request, obj, form, change):
        form.access_before = user_audit.snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_audit.record_saved(obj=form.instance, by=request.user, before=form.access_before)

    def delete_model(self, request, obj):
        user_audit.record_deleted(obj=obj, by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            user_audit.record_deleted(obj=obj, by=request.user)
        super().delete_queryset(request, queryset)


class UserChangeForm(BaseUserAdmin.form):
    """The unit administrator's flag (单位管理员): one per unit and only for a unit's user.
    The database refuses a second one; here the administrator is told why instead."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_unit_admin"):
            return cleaned
        organisation = cleaned.get("organisation")
        if cleaned.get("role") != Role.LEAD_UNIT or organisation is None:
            self.add_error(
                "is_unit_admin", _("只有联盟牵头单位角色、已选择所属单位的用户可以担任单位管理员。")
            )
            return cleaned
        other = (
            User.objects.filter(organisation=organisation, is_unit_admin=True)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if other is not None:
            self.add_error(
                "is_unit_admin",
                _(
                    "“%(unit)s”已有单位管理员 %(admin)s。每个单位只能有一名单位管理员："
                    "请先取消其单位管理员，或由其在平台上移交。"
                )
                % {"unit": organisation, "admin": other},
            )
        return cleaned


@admin.register(User)
class UserAdmin(AuditedAccessMixin, BaseUserAdmin):
    form = UserChangeForm
    change_password_form = PasswordChangeForm
    list_display = [
        "username",
        "full_name",
        "role",
        "organisation",
        "jurisdiction",
        "is_unit_admin",
        "is_active",
        "two_factor_enrolled",
    ]
    list_filter = ["role", "is_liaison_officer", "is_unit_admin", "is_active", "jurisdiction"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation", "jurisdiction"]
    autocomplete_fields = ["organisation"]
    # Set by logging in and by Django, never typed (and its inputs had no label).
    readonly_fields = ["last_login", "date_joined"]
    # Plain multiple selects, labelled: Django's two-box widget draws its search icons as
    # spans with aria-label, which WCAG's rules refuse (docs/accessibility.md).
    filter_horizontal = ()
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("平台角色"),
            {
                "fields": [
                    "role",
                    "organisation",
                    "jurisdiction",
                    "is_liaison_officer",
                    "is_unit_admin",
                    "phone",
                ]
            },
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ["role", "organisation", "jurisdiction", "email"]}),
    ]

    # 三员分立 (accounts.separation): the auditor's and the security administrator's
    # roles and accounts are out of this administrator's reach.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role":
            field.choices = [c for c in field.choices if c[0] not in SEPARATED_ROLES]
        return field

    def has_change_permission(self, request, obj=None):
        if obj is not None and is_separated(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_separated(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(role__in=SEPARATED_ROLES))

    def get_queryset(self, request):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(two_factor_on=Exists(enrolled))

    @admin.display(description=_("姓名"), ordering="last_name")
    def full_name(self, obj):
        # Django's own column was headed "Get full name", in English on Chinese pages.
        return obj.get_full_name()

    @admin.display(description=_("两步验证"), boolean=True, ordering="two_factor_on")
    def two_factor_enrolled(self, obj):
        return obj.two_factor_on

    def user_change_password(self, request, id, form_url=""):
        # Django's view answers a redirect for success and for some refusals alike: the
        # stored hash says whether the password was set (and the hash is not logged).
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and user is not None:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                password_changed.send(
                    sender=type(self), user=user, by=request.user, how="admin", request=request
                )
        return response


admin.site.unregister(Group)
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Group)
class GroupAdmin(AuditedAccessMixin, BaseGroupAdmin):
    filter_horizontal = ()  # as UserAdmin's
