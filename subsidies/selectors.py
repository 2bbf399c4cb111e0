"""Every read of subsidy records, scoped once.

While a round is being evaluated an evaluator sees only the applications assigned to them,
and only after declaring no conflict of interest; never another evaluator's scores.
"""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Role

from .models import Application, Assignment, Award, Score, SubsidyRound


def rounds_visible_to(user) -> QuerySet[SubsidyRound]:
    qs = SubsidyRound.objects.all()
    if user.is_authenticated and user.effective_role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs
    if user.is_authenticated and user.effective_role == Role.LEAD_UNIT:
        return qs.exclude(state=SubsidyRound.State.DRAFT)
    if user.is_authenticated and user.effective_role == Role.EVALUATOR:
        mine = Assignment.objects.filter(application__round=OuterRef("pk"), evaluator=user)
        return qs.filter(Exists(mine))
    return qs.filter(state__in=[SubsidyRound.State.NOTICE, SubsidyRound.State.FINAL])


def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.select_related("round", "alliance", "alliance__lead_unit")
    if not user.is_authenticated:
        return qs.none()
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs.exclude(state=Application.State.DRAFT)
    if role == Role.LEAD_UNIT:
        return qs.filter(alliance__lead_unit_id=user.organisation_id)
    if role == Role.EVALUATOR:
        declared = Assignment.objects.filter(
            application=OuterRef("pk"), evaluator=user, declared_at__isnull=False
        )
        return qs.filter(Exists(declared), state=Application.State.SUBMITTED)
    return qs.none()


def assignments_of(user) -> QuerySet[Assignment]:
    """An evaluator's own assignments (declared or not): the list they start from."""
    return Assignment.objects.filter(evaluator=user).select_related(
        "application", "application__round", "application__alliance"
    )


def scores_visible_to(user) -> QuerySet[Score]:
    qs = Score.objects.select_related("assignment", "criterion")
    if not user.is_authenticated:
        return qs.none()
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs
    if role == Role.EVALUATOR:
        return qs.filter(assignment__evaluator=user)
    return qs.none()


def published_awards() -> QuerySet[Award]:
    """What the public sees: awards of rounds in or after their notice period."""
    return (
        Award.objects.filter(
            application__round__state__in=[SubsidyRound.State.NOTICE, SubsidyRound.State.FINAL]
        )
        .select_related(
            "application__round", "application__alliance", "application__alliance__lead_unit"
        )
        .order_by("-application__round__year", "-amount_yuan")
    )
