from django.utils import timezone

from core.pdf import render_pdf


def revocation_notice_pdf(case) -> bytes:
    """取消备案告知书: grounds, facts, and the period to state one's case."""
    return render_pdf(
        "pdf/revocation_notice.html",
        {
            "case": case,
            "alliance": case.alliance,
            "date": timezone.localdate(case.opened_at),
            "working_days": case.policy_version.statement_working_days,
            "policy_version": case.policy_version,
        },
    )


def revocation_decision_pdf(case) -> bytes:
    return render_pdf(
        "pdf/revocation_decision.html",
        {
            "case": case,
            "alliance": case.alliance,
            "policy_version": case.policy_version,
            "date": timezone.localdate(case.decided_at),
        },
    )
