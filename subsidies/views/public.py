"""Published subsidy results (Art. 15; 公示): open to everyone, no login.

Only rounds in their notice period or decided are shown; any other round is a 404. The
page names the alliance, its lead unit, category and amount — never scores or evaluators.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from filings.selectors import attach_category_versions

from ..selectors import published_awards, published_rounds


def _publisher() -> dict:
    """Who publishes the notice and where objections go (settings)."""
    return {
        "bureau": settings.PORTAL_BUREAU_NAME,
        "objection_address": settings.PORTAL_OBJECTION_ADDRESS,
        "objection_phone": settings.PORTAL_OBJECTION_PHONE,
    }


@require_safe
def results(request):
    rounds = list(published_rounds())
    awards: dict[int, list] = {}
    published = list(published_awards())
    attach_category_versions([a.application.alliance for a in published])
    for award in published:
        awards.setdefault(award.application.round_id, []).append(award)
    groups = [(round_, awards.get(round_.pk, [])) for round_ in rounds]
    return render(
        request,
        "subsidies/public/results.html",
        {"groups": groups, **_publisher()},
    )


@require_safe
def round_results(request, pk):
    round_ = get_object_or_404(published_rounds(), pk=pk)
    awards = list(published_awards().filter(application__round=round_))
    attach_category_versions([a.application.alliance for a in awards])
    return render(
        request,
        "subsidies/public/round_results.html",
        {
            "round": round_,
            "awards": awards,
            "total": sum(a.amount_yuan for a in awards),
            **_publisher(),
        },
    )
