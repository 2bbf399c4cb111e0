"""The revocation case's documents (Art. 13), issued by the municipal bureau on
templates/pdf/official.html: the 告知书 (the right to state one's case, with its deadline)
and the 决定书 (with the means of redress, whose bodies are settings)."""

from django.conf import settings
from django.utils import timezone

from core.pdf import render_pdf


def revocation_notice_pdf(case, verification=None) -> bytes:
    """取消备案告知书: grounds, facts, and the period to state one's case."""
    return render_pdf(
        "pdf/revocation_notice.html",
        {
            "case": case,
            "alliance": case.alliance,
            "number": case.notice_number,
            "date": timezone.localdate(case.opened_at),
            "working_days": case.policy_version.statement_working_days,
            "policy_version": case.policy_version,
            "verification": verification,
        },
    )


def revocation_decision_pdf(case, verification=None) -> bytes:
    """决定书: the decision, its reasons, and where to seek review (行政复议, 行政诉讼)."""
    return render_pdf(
        "pdf/revocation_decision.html",
        {
            "case": case,
            "alliance": case.alliance,
            "policy_version": case.policy_version,
            "number": case.decision_number,
            "date": timezone.localdate(case.decided_at),
            "review_body": settings.PORTAL_REVIEW_BODY,
            "litigation_court": settings.PORTAL_LITIGATION_COURT,
            "verification": verification,
        },
    )
