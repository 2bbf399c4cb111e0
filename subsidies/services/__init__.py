"""Every write a user can cause in subsidy evaluation (Art. 15).

Each service takes plain values (never a form) and checks in one order: lock the row,
refuse a stale page, check the state (TransitionRefused) and the permission
(PermissionDenied), then the input (ValidationError, keyed by field where it belongs to
one), then writes, audits and enqueues its side effects in the same transaction. The
``check_*`` functions are the state and permission part alone, for pages that must say
beforehand whether an action is open (a form shown or not, a button offered or not).
"""

from .applications import (
    APPLICATION_FIELDS,
    application_attach,
    application_create,
    application_save,
    application_submit,
    application_withdraw,
    check_application_edit,
    explain_application,
)
from .awards import (
    AWARD_GONE,
    award_remove,
    award_set,
    check_award_change,
    check_disbursement_record,
    check_objection_record,
    disbursement_record,
    objection_record,
    objection_resolve,
)
from .draws import check_redraw, draw_panels, redraw
from .draws import pool as draw_pool
from .evaluation import (
    assign_evaluator,
    check_panel_change,
    check_recuse,
    check_score_save,
    conflict_of_interest,
    declare_no_conflict,
    recuse,
    score_save,
    unassign_evaluator,
)
from .rounds import (
    LABELS as ROUND_LABELS,
)
from .rounds import (
    ROUND_FIELDS,
    check_criteria_save,
    check_round_action,
    check_round_update,
    criteria_save,
    explain_round,
    round_create,
    round_finalise,
    round_open,
    round_publish,
    round_start_evaluation,
    round_update,
    window_error,
)

__all__ = [
    "APPLICATION_FIELDS",
    "AWARD_GONE",
    "ROUND_FIELDS",
    "ROUND_LABELS",
    "application_attach",
    "application_create",
    "application_save",
    "application_submit",
    "application_withdraw",
    "assign_evaluator",
    "award_remove",
    "award_set",
    "check_application_edit",
    "check_award_change",
    "check_criteria_save",
    "check_disbursement_record",
    "check_objection_record",
    "check_panel_change",
    "check_recuse",
    "check_redraw",
    "check_round_action",
    "check_round_update",
    "check_score_save",
    "conflict_of_interest",
    "criteria_save",
    "declare_no_conflict",
    "disbursement_record",
    "draw_panels",
    "draw_pool",
    "explain_application",
    "explain_round",
    "objection_record",
    "objection_resolve",
    "recuse",
    "redraw",
    "round_create",
    "round_finalise",
    "round_open",
    "round_publish",
    "round_start_evaluation",
    "round_update",
    "score_save",
    "unassign_evaluator",
    "window_error",
]
