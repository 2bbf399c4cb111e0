from django.utils import timezone

from core.pdf import render_pdf


def award_notice_pdf(award) -> bytes:
    """运行经费补贴通知书 for one award, issued when the round is final."""
    return render_pdf(
        "pdf/award_notice.html",
        {
            "award": award,
            "application": award.application,
            "alliance": award.application.alliance,
            "round": award.application.round,
            "date": timezone.localdate(),
        },
    )
