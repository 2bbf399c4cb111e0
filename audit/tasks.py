import logging

from celery import shared_task

from .chain import seal_pending, verify_chain

logger = logging.getLogger(__name__)


@shared_task
def seal_and_verify_audit_chain() -> dict:
    """Daily (beat): seal anything left unsealed and check the chain; alert on tampering."""
    sealed = seal_pending()
    checked, problems = verify_chain()
    for problem in problems:
        logger.error("audit chain broken at %s: %s", problem.seq, problem.message)
    return {"sealed": sealed, "checked": checked, "problems": len(problems)}
