from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "content_type",
        "object_id",
        "action_label",
        "source",
        "target",
        "actor_name",
        "actor_role",
    ]
    list_filter = ["content_type", "action", "actor_role"]
    search_fields = ["actor_name", "reason", "action_label"]
    date_hierarchy = "at"

    # Read-only in the admin as everywhere: the log is append-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
