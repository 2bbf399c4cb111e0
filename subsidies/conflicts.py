"""Recusal (回避): an evaluator whose organisation is a member unit of the alliance (the
lead unit is a member too) may not read or score its application.

Assignment already refuses such an evaluator, and scoring checks again; but membership
changes while a round is evaluated (an accepted Art. 12(2) member change). So the rule is
also applied wherever an evaluator reads and wherever scores are counted, from the
membership as it is now — never from a flag that could be stale.
"""

from django.db.models import Exists, OuterRef, QuerySet

from filings.models import AllianceMember


def member_conflict(alliance="application__alliance", organisation="evaluator__organisation"):
    """An ``Exists`` for querysets of assignments (or of applications, with other paths):
    the evaluator's organisation is a member of the application's alliance. ``organisation``
    is a path in the outer query, or an expression (a given organisation's id)."""
    if isinstance(organisation, str):
        organisation = OuterRef(organisation)
    return Exists(
        AllianceMember.objects.filter(alliance=OuterRef(alliance), organisation=organisation)
    )


def without_conflicts(assignments: QuerySet) -> QuerySet:
    return assignments.exclude(member_conflict())


def conflicted(assignments: QuerySet) -> QuerySet:
    return assignments.filter(member_conflict())
