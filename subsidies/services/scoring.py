"""Scores typed against a round's criteria: the self-evaluation and the evaluators' sheets."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def checked_scores(
    scores: dict, names: dict[int, str], *, invalid: str, out_of_range
) -> dict[int, tuple[int | None, str]]:
    """``scores`` (criterion id → (score or None, text)) with whole-number scores from 0 to
    100 on the criteria of ``names`` (id → name); ValidationError otherwise, ``invalid``
    for what is not a number and ``out_of_range(name)`` for a number outside 0–100."""
    checked = {}
    for criterion_id, (score, text) in scores.items():
        try:
            criterion_id = int(criterion_id)
            score = None if score is None else int(score)
        except (TypeError, ValueError):
            raise ValidationError(invalid) from None
        if criterion_id not in names:
            raise ValidationError(_("评审指标不属于本批次。"))
        if score is not None and not (0 <= score <= 100):
            raise ValidationError(out_of_range(names[criterion_id]))
        checked[criterion_id] = (score, str(text or "").strip())
    return checked
