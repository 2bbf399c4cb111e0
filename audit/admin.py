"""The logs in the Django admin: nobody adds, changes or deletes an entry, and the
administrator does not read them (三员分立: the security auditor reads the logs, in the
portal's own log screens, portal.logs; the admin site is the administrator's only).

- ``AuditEntry``: no page at all in the admin.
- django-axes' access logs (``AccessLog``, ``AccessFailureLog``): likewise, and they are
  kept at least 180 days (audit.retention).
- django-axes' ``AccessAttempt`` is the lockout counter, not a log: the administrator
  sees who is locked out, read-only (axes' own screen offered a delete action and a
  "clean up expired attempts" action; neither is left). Lockouts end by themselves after
  the cool-off; each one is in the audit log.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdminMixin:
    """No add, change or delete, and no bulk actions (Django's delete action included)."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HiddenLogMixin(ReadOnlyAdminMixin):
    """A log: the administrator does not read it either (the security auditor does)."""

    def has_view_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(HiddenLogMixin, admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "action_label", "actor_name"]


class ReadOnlyAccessAttemptAdmin(ReadOnlyAdminMixin, AccessAttemptAdmin):
    pass


class HiddenAccessLogAdmin(HiddenLogMixin, AccessLogAdmin):
    pass


class HiddenAccessFailureLogAdmin(HiddenLogMixin, AccessFailureLogAdmin):
    pass


for _model, _admin in (
    (AccessAttempt, ReadOnlyAccessAttemptAdmin),
    (AccessLog, HiddenAccessLogAdmin),
    (AccessFailureLog, HiddenAccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
