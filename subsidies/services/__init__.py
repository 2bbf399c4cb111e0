"""Every write a user can cause in subsidy evaluation (Art. 15)."""

from .applications import (
    application_attach,
    application_create,
    application_save,
    application_submit,
    application_withdraw,
)
from .awards import (
    award_remove,
    award_set,
    disbursement_record,
    objection_record,
    objection_resolve,
)
from .evaluation import assign_evaluator, declare_no_conflict, score_save, unassign_evaluator
from .rounds import (
    criteria_save,
    round_create,
    round_finalise,
    round_open,
    round_publish,
    round_start_evaluation,
    round_update,
)

__all__ = [
    "application_attach",
    "application_create",
    "application_save",
    "application_submit",
    "application_withdraw",
    "assign_evaluator",
    "award_remove",
    "award_set",
    "criteria_save",
    "declare_no_conflict",
    "disbursement_record",
    "objection_record",
    "objection_resolve",
    "round_create",
    "round_finalise",
    "round_open",
    "round_publish",
    "round_start_evaluation",
    "round_update",
    "score_save",
    "unassign_evaluator",
]
