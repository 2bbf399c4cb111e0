"""Panel scores (Art. 15 "经评审"): each evaluator's weighted total, then the panel mean —
trimmed of the single highest and lowest totals when there are enough scores."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def weighted_total(scores: dict[int, int], weights: dict[int, int]) -> Decimal:
    """Σ score × weight / 100 over the criteria (criterion id → score, criterion id → weight)."""
    total = sum(Decimal(scores[c]) * weights[c] for c in weights)
    return (total / 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def panel_score(totals: list[Decimal], *, trim_from: int) -> Decimal | None:
    """Mean of ``totals``; with at least ``trim_from`` of them (the round's policy
    version's ``trim_min_scores``), drop one highest and one lowest."""
    if not totals:
        return None
    kept = sorted(totals)
    if len(kept) >= trim_from:
        kept = kept[1:-1]
    return (sum(kept, Decimal(0)) / len(kept)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class RankedApplication:
    application: object
    totals: list[Decimal]
    panel: Decimal | None
    rank: int | None = None
    # Evaluators who must recuse (their unit joined the alliance after the assignment):
    # their scores are not counted, and staff should assign a replacement.
    recused: list[str] = field(default_factory=list)

    @property
    def spread(self) -> Decimal | None:
        return max(self.totals) - min(self.totals) if self.totals else None

    @property
    def count(self) -> int:
        return len(self.totals)


def ranking(round_) -> list[RankedApplication]:
    """The round's submitted applications with their panel scores, best first.

    Four queries whatever the number of applications: criteria, applications, scores, and
    the assignments whose evaluator must recuse — their scores are left out (Art. 15's
    evaluation must be impartial) and named on the ranking.
    """
    from filings.selectors import hand_down_category_versions, with_category_version

    from .conflicts import conflicted
    from .models import Application, Assignment, Score

    weights = dict(round_.criteria.values_list("pk", "weight"))
    trim_from = round_.policy_version.trim_min_scores
    applications = hand_down_category_versions(
        with_category_version(
            Application.objects.filter(
                round=round_, state=Application.State.SUBMITTED
            ).select_related("alliance", "alliance__lead_unit", "award"),
            through="alliance",
        ),
        "alliance",
    )
    recused: dict[int, list[str]] = {}
    recused_ids = set()
    for pk, app_id, last, first, username in conflicted(
        # A withdrawn assignment has no score to leave out.
        Assignment.objects.filter(application__round=round_, withdrawn_at__isnull=True)
    ).values_list(
        "pk",
        "application_id",
        "evaluator__last_name",
        "evaluator__first_name",
        "evaluator__username",
    ):
        recused_ids.add(pk)
        recused.setdefault(app_id, []).append(f"{last}{first}" or username)
    sheets: dict[tuple[int, int], dict[int, int]] = {}
    for app_id, assignment_id, criterion_id, score in Score.objects.filter(
        assignment__application__round=round_, assignment__submitted_at__isnull=False
    ).values_list("assignment__application_id", "assignment_id", "criterion_id", "score"):
        if assignment_id not in recused_ids:
            sheets.setdefault((app_id, assignment_id), {})[criterion_id] = score
    totals: dict[int, list[Decimal]] = {}
    for (app_id, _assignment), scores in sheets.items():
        if set(scores) == set(weights):
            totals.setdefault(app_id, []).append(weighted_total(scores, weights))
    ranked = [
        RankedApplication(
            a,
            totals.get(a.pk, []),
            panel_score(totals.get(a.pk, []), trim_from=trim_from),
            recused=recused.get(a.pk, []),
        )
        for a in applications
    ]
    ranked.sort(key=lambda r: (r.panel is None, -(r.panel or 0), r.application.alliance.name))
    for position, row in enumerate((r for r in ranked if r.panel is not None), start=1):
        row.rank = position
    return ranked


def suggest_awards(
    ranked: list[RankedApplication], round_, *, pass_mark: Decimal = Decimal(60)
) -> dict[int, int]:
    """Proposed amounts (application id → yuan) for staff to adjust.

    Applications at or above ``pass_mark`` in rank order get an amount scaled linearly
    from the maximum (rank 1) to the minimum (last qualifying), rounded down to 1,000 yuan;
    each is cut to what the budget has left, and none is proposed below the minimum.
    """
    low, high = round_.policy_version.subsidy_min_yuan, round_.policy_version.subsidy_max_yuan
    qualifying = [r for r in ranked if r.panel is not None and r.panel >= pass_mark]
    proposals, left = {}, round_.budget_yuan
    n = len(qualifying)
    for index, row in enumerate(qualifying):
        share = Decimal(1) if n == 1 else Decimal(n - 1 - index) / (n - 1)
        amount = int((low + (high - low) * share) // 1000 * 1000)
        amount = min(amount, left // 1000 * 1000)
        if amount < low:
            break
        proposals[row.application.pk] = amount
        left -= amount
    return proposals
