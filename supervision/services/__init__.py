"""Every write a user can cause in supervision (Art. 12, 13, 16, 17).

Each service locks its record, refuses a stale page, checks the state and the
permission, and only then the input. The ``*_check*`` functions are those first checks
alone: a page asks them what the service would refuse before any input is read.
"""

from .events import (
    event_accept,
    event_attach,
    event_check,
    event_check_edit,
    event_check_new,
    event_create,
    event_return,
    event_save,
    event_submit,
)
from .liaison import liaison_assign
from .recommendations import recommendation_create
from .revocation import (
    case_check,
    case_decide,
    case_open,
    case_submit_statement,
    dissolution_announce,
)
from .summaries import (
    summary_accept,
    summary_attach,
    summary_check,
    summary_check_edit,
    summary_create,
    summary_return,
    summary_save,
    summary_submit,
)
from .symposia import (
    symposium_cancel,
    symposium_check,
    symposium_check_attendance,
    symposium_check_open,
    symposium_invite,
    symposium_record_attendance,
    symposium_record_minutes,
    symposium_schedule,
)

__all__ = [
    "case_check",
    "case_decide",
    "case_open",
    "case_submit_statement",
    "dissolution_announce",
    "event_accept",
    "event_attach",
    "event_check",
    "event_check_edit",
    "event_check_new",
    "event_create",
    "event_return",
    "event_save",
    "event_submit",
    "liaison_assign",
    "recommendation_create",
    "summary_accept",
    "summary_attach",
    "summary_check",
    "summary_check_edit",
    "summary_create",
    "summary_return",
    "summary_save",
    "summary_submit",
    "symposium_cancel",
    "symposium_check",
    "symposium_check_attendance",
    "symposium_check_open",
    "symposium_invite",
    "symposium_record_attendance",
    "symposium_record_minutes",
    "symposium_schedule",
]
