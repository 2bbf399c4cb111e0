"""What an administrator changes about who may do what — a user's role, unit, county,
liaison flag, active/staff/superuser flags, groups and permissions, and a group's
permissions — goes to the audit log with the old and new values (等保2.0 security audit).

Values are read from the database before and after the admin saves (the form's own
instance is already changed when ``save_model`` runs; many-to-many fields are saved in
``save_related``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record

from .models import User

USER_FIELDS = (
    "role",
    "organisation",
    "jurisdiction",
    "is_liaison_officer",
    "is_unit_admin",
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)
GROUP_FIELDS = ("name", "permissions")
LABELS = {
    "user_create": gettext_lazy("创建用户"),
    "user_access_change": gettext_lazy("变更用户角色或权限"),
    "user_delete": gettext_lazy("删除用户"),
    "group_create": gettext_lazy("创建用户组"),
    "group_change": gettext_lazy("变更用户组权限"),
    "group_delete": gettext_lazy("删除用户组"),
}


def _permissions(queryset) -> str:
    codes = queryset.values_list("content_type__app_label", "codename")
    return "、".join(sorted(f"{app}.{codename}" for app, codename in codes))


def _value(obj, field: str) -> str:
    value = getattr(obj, field)
    if field == "groups":
        return "、".join(sorted(value.values_list("name", flat=True)))
    if field in ("user_permissions", "permissions"):
        return _permissions(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field == "role":
        return obj.get_role_display()
    return "" if value is None else str(value)


def snapshot(obj) -> dict[str, tuple[str, str]] | None:
    """``{field: (label, value)}`` of the stored row, in the log's language; None for a
    row not saved yet."""
    if obj is None or obj.pk is None:
        return None
    model = type(obj)
    fields = USER_FIELDS if model is User else GROUP_FIELDS
    stored = model.objects.get(pk=obj.pk)

    def read():
        return {f: (str(model._meta.get_field(f).verbose_name), _value(stored, f)) for f in fields}

    return in_log_language(read)


def _describe(before, after) -> str:
    if before is None:
        return "；".join(f"{label}：{value}" for label, value in after.values() if value)
    return "；".join(
        f"{label}：“{before[f][1]}” → “{value}”"
        for f, (label, value) in after.items()
        if before[f][1] != value
    )


def record_saved(*, obj, by, before) -> None:
    """After the admin saved ``obj`` (and its many-to-many fields): one entry with what
    changed, none when nothing audited changed (a new phone number, say)."""
    kind = "user" if type(obj) is User else "group"
    after = snapshot(obj)
    text = _describe(before, after)
    if before is not None and not text:
        return
    action = (
        f"{kind}_create"
        if before is None
        else ("user_access_change" if kind == "user" else "group_change")
    )
    record(subject=obj, action=action, action_label=LABELS[action], actor=by, reason=text)


def record_deleted(*, obj, by) -> None:
    kind = "user" if type(obj) is User else "group"
    text = _describe(None, snapshot(obj))
    record(
        subject=obj,
        action=f"{kind}_delete",
        action_label=LABELS[f"{kind}_delete"],
        actor=by,
        reason=text,
    )
