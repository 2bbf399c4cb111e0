from django.utils import timezone

from core.pdf import render_pdf


def award_notice_pdf(award, verification=None, *, date=None) -> bytes:
    """运行经费补贴通知书 for one award, issued when the round is final."""
    round_ = award.application.round
    return render_pdf(
        "pdf/award_notice.html",
        {
            "award": award,
            "application": award.application,
            "alliance": award.application.alliance,
            "round": round_,
            "policy_version": round_.policy_version,
            "number": award.notice_number,
            "date": date or timezone.localdate(),
            "verification": verification,
        },
    )
