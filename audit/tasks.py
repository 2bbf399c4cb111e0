import logging

from celery import shared_task

from . import retention
from .chain import seal_pending
from .checkpoints import write_checkpoint
from .verify import verify_audit_log

logger = logging.getLogger(__name__)


@shared_task
def seal_and_verify_audit_chain() -> dict:
    """Daily (beat): seal anything left unsealed, write the day's checkpoint outside the
    database, then check the chain against it and every earlier one; alert on tampering."""
    sealed = seal_pending()
    checkpoint = write_checkpoint()
    result = verify_audit_log()
    for problem in result.problems:
        logger.error("audit chain broken at %s: %s", problem.seq, problem.message)
    return {
        "sealed": sealed,
        "checked": result.checked,
        "checkpoints": result.checkpoints,
        "problems": len(result.problems),
        "checkpoint": checkpoint,
    }


@shared_task
def report_log_retention() -> dict:
    """Daily (beat): how old each log's oldest entry is (kept at least 180 days,
    网络安全法 第二十一条). Deletes nothing: audit.retention refuses younger deletes."""
    return retention.report()
