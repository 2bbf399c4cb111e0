"""The versions, read-only in the Django admin: a version changes only through
policy.services (audited, and never once published), called by the administrator's own
pages (``portal.views.policy``, /policy/)."""

from django.contrib import admin

from .models import Article, Category, Condition, EventKind, Ground, Material, PolicyVersion


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _inline(model_, fields):
    return type(
        f"{model_.__name__}Inline",
        (ReadOnly, admin.TabularInline),
        {
            "model": model_,
            "fields": fields,
            "extra": 0,
            "can_delete": False,
            # Captioned, with column headers (docs/accessibility.md, "Django admin").
            "template": "admin/policy/readonly_tabular.html",
        },
    )


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["document_number", "title", "effective_from", "expires_on", "state"]
    list_filter = ["state"]
    inlines = [
        _inline(Category, ["number", "key", "title"]),
        _inline(Condition, ["number", "key", "title", "article_text", "check_key"]),
        _inline(Material, ["number", "kind", "title", "required", "accepted_types", "max_bytes"]),
        _inline(Ground, ["number", "key", "text"]),
        _inline(EventKind, ["number", "key", "title"]),
        _inline(Article, ["number", "chapter", "text"]),
    ]
