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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

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
    @admin.display(description=_("状态"))
    def status(self, obj):
        return super().status(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # axes names a lockout by its raw UTC time ("Attempted Access: 2026-12-06
        # 18:03:42.555318+00:00"): the page is headed by who, from where, and when, local.
        if obj is not None:
            context["subtitle"] = _("%(username)s 自 %(address)s（%(time)s）") % {
                "username": obj.username or "—",
                "address": obj.ip_address or "—",
                "time": date_format(timezone.localtime(obj.attempt_time), "DATETIME_FORMAT"),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)


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
