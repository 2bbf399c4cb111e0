"""Everything ``verify_audit_chain`` checks, in one read-only snapshot."""

from dataclasses import dataclass

from .chain import ChainProblem, consistent_snapshot, stale_pending, verify_chain
from .checkpoints import verify_checkpoints


@dataclass
class Verification:
    checked: int
    checkpoints: int
    problems: list[ChainProblem]


def verify_audit_log() -> Verification:
    with consistent_snapshot():
        checked, problems = verify_chain()
        problems += stale_pending()
        checkpoints, against_checkpoints = verify_checkpoints()
    return Verification(checked, checkpoints, problems + against_checkpoints)
