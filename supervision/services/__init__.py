"""Every write a user can cause in supervision (Art. 12, 13, 16)."""

from .events import event_accept, event_attach, event_create, event_return, event_save, event_submit
from .liaison import liaison_assign
from .revocation import (
    case_decide,
    case_open,
    case_submit_statement,
    dissolution_announce,
)
from .summaries import (
    summary_accept,
    summary_attach,
    summary_create,
    summary_return,
    summary_save,
    summary_submit,
)
from .symposia import (
    symposium_cancel,
    symposium_invite,
    symposium_record_attendance,
    symposium_record_minutes,
    symposium_schedule,
)

__all__ = [
    "case_decide",
    "case_open",
    "case_submit_statement",
    "dissolution_announce",
    "event_accept",
    "event_attach",
    "event_create",
    "event_return",
    "event_save",
    "event_submit",
    "liaison_assign",
    "summary_accept",
    "summary_attach",
    "summary_create",
    "summary_return",
    "summary_save",
    "summary_submit",
    "symposium_cancel",
    "symposium_invite",
    "symposium_record_attendance",
    "symposium_record_minutes",
    "symposium_schedule",
]
