from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Jurisdiction, Organisation, User


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "bureau_name", "enabled", "note"]
    list_filter = ["kind", "enabled"]
    list_editable = ["enabled"]
    search_fields = ["code", "name", "bureau_name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "kind", "industry", "jurisdiction", "legal_representative"]
    list_filter = ["kind", "industry", "jurisdiction"]
    search_fields = ["name", "uscc", "legal_representative"]
    list_select_related = ["jurisdiction"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "role",
        "organisation",
        "jurisdiction",
        "is_active",
    ]
    list_filter = ["role", "is_liaison_officer", "is_active", "jurisdiction"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation", "jurisdiction"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("平台角色"),
            {"fields": ["role", "organisation", "jurisdiction", "is_liaison_officer", "phone"]},
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ["role", "organisation", "jurisdiction", "email"]}),
    ]
