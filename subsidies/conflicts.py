"""Recusal (回避): an evaluator whose organisation is a member unit of the alliance (the
lead unit is a member too) may not read or score its application.

Assignment already refuses such an evaluator, and scoring checks again; but membership
changes while a round is evaluated (an accepted Art. 12(2) member change). So the rule is
also applied wherever an evaluator reads and wherever scores are counted, from the
membership as it is now — never from a flag that could be stale — while the round is
open or being evaluated. Once its results are published the evaluation is over: a unit
joining later changes neither the ranking nor who may read their own sheet.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from filings.models import AllianceMember

from .models import SubsidyRound

#: Rounds whose evaluation is not over: recusal applies to them.
UNDER_EVALUATION = (SubsidyRound.State.OPEN, SubsidyRound.State.EVALUATING)


def member_conflict(alliance="application__alliance", organisation="evaluator__organisation"):
    """An ``Exists`` for querysets of assignments (or of applications, with other paths):
    the evaluator's organisation is a member of the application's alliance. ``organisation``
    is a path in the outer query, or an expression (a given organisation's id)."""
    if isinstance(organisation, str):
        organisation = OuterRef(organisation)
    return Exists(
        AllianceMember.objects.filter(alliance=OuterRef(alliance), organisation=organisation)
    )


def recusal(
    *,
    alliance="application__alliance",
    organisation="evaluator__organisation",
    round_state="application__round__state",
) -> Q:
    """The evaluator must recuse: a member conflict in a round whose evaluation is not over."""
    return Q(member_conflict(alliance, organisation), **{f"{round_state}__in": UNDER_EVALUATION})


def recused_flag(**paths) -> ExpressionWrapper:
    """``recusal`` as an annotation."""
    return ExpressionWrapper(recusal(**paths), output_field=BooleanField())


def must_recuse(evaluator, application) -> bool:
    """For one evaluator and application (pages), as the querysets decide."""
    from .services import conflict_of_interest

    return application.round.state in UNDER_EVALUATION and conflict_of_interest(
        evaluator, application
    )


def without_conflicts(assignments: QuerySet) -> QuerySet:
    return assignments.exclude(recusal())


def conflicted(assignments: QuerySet) -> QuerySet:
    return assignments.filter(recusal())
