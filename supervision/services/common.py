from collections.abc import Collection, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core import transitions
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


def require_editable(record, by, *, editable, refusal: str):
    """The lead unit may change ``record`` (content, attachments) while its state is one of
    ``editable``: the state first (TransitionRefused with ``refusal``, formatted with the
    state), then the permission (PermissionDenied)."""
    if record.state not in editable:
        raise transitions.TransitionRefused([refusal % {"state": record.get_state_display()}])
    require_lead_unit(record.alliance, by)


def require_transition(record, name, by, *, expected_state=None, explain=None, label=None):
    """What a service refuses before it reads any input: a stale page, then the state, the
    permission and the legal conditions of transition ``name`` (core.transitions.check)."""
    if expected_state and record.state != expected_state:
        raise transitions.StaleRecord
    transitions.check(record, name, by, explain=explain, label=label)


def require_reason(text: str, message: str, *, field: str | None = None) -> str:
    """``text`` stripped, or ValidationError(``message``) on ``field`` when it is empty."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message} if field else message)
    return text


def accepted_fields(data: Mapping, allowed: Collection[str], service: str) -> dict:
    """``data`` as a dict, when it names only fields ``service`` lets its caller write.

    Any other key (the state, the alliance, a timestamp…) is the caller's bug, not the
    user's input: it raises TypeError rather than being dropped, so a field added to a form
    can never reach the database unnoticed."""
    unexpected = set(data) - set(allowed)
    if unexpected:
        raise TypeError(f"{service}() does not accept {', '.join(sorted(unexpected))}")
    return dict(data)


def all_or_errors(*checks) -> list:
    """Run every check (a callable returning the cleaned value); the values, or one
    ValidationError with the field errors of all that failed, so the user fixes them at once."""
    values, errors = [], {}
    for check in checks:
        try:
            values.append(check())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


def upload_errors_on(field: str, error: ValidationError) -> ValidationError:
    """An upload check's error (core.uploads), put on the form field that carried the file."""
    return ValidationError({field: error.error_list})


# One way to store an upload everywhere (checked by content, generated name).
save_attachment = store_upload
