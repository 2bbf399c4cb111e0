from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.uploads import store_upload


def require_lead_unit(alliance, by):
    if not (
        by.is_authenticated and by.is_lead_unit and by.organisation_id == alliance.lead_unit_id
    ):
        raise PermissionDenied


def require_municipal_staff(by):
    if not (by.is_authenticated and by.is_municipal_staff):
        raise PermissionDenied


def require_filed(alliance):
    """Art. 13: a revoked (or never filed) alliance submits nothing new."""
    if alliance.status != "filed":
        raise ValidationError(
            _("“%(name)s”的备案状态为“%(status)s”，不能提交新的材料。")
            % {"name": alliance.name, "status": alliance.get_status_display()}
        )


def require_reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


# One way to store an upload everywhere (checked by content, generated name).
save_attachment = store_upload
