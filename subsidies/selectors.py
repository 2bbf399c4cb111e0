"""Every read of subsidy records, scoped once.

While a round is being evaluated an evaluator sees only the applications assigned to them,
and only after declaring no conflict of interest; never another evaluator's scores.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from filings.selectors import alliances_visible_to

from .aggregation import weighted_total
from .conflicts import recusal, recused_flag
from .eligibility import apply_problems
from .models import (
    Application,
    Assignment,
    Award,
    ExpertDraw,
    Objection,
    Score,
    SubsidyRound,
)

STAFF = (Role.MUNICIPAL_STAFF,)  # not the system administrator (accounts.permissions)
PUBLISHED = (SubsidyRound.State.NOTICE, SubsidyRound.State.FINAL)
# What a lead unit may read of its application's history: its own steps. Assignments and
# scores name the evaluators, so they stay with the bureau.
LEAD_UNIT_ACTIONS = ("create", "submit", "withdraw")


def _role(user) -> str | None:
    return user.effective_role if user.is_authenticated else None


def _org(user):
    """The user's organisation id as a query value (-1, matching nothing, when none)."""
    return Value(user.organisation_id or -1, output_field=IntegerField())


# --- Rounds --------------------------------------------------------------------------------


def rounds_visible_to(user) -> QuerySet[SubsidyRound]:
    qs = SubsidyRound.objects.all()
    role = _role(user)
    if role in STAFF:
        return qs
    if role == Role.LEAD_UNIT:
        return qs.exclude(state=SubsidyRound.State.DRAFT)
    if role == Role.EVALUATOR:
        mine = Assignment.objects.filter(application__round=OuterRef("pk"), evaluator=user)
        return qs.filter(Exists(mine))
    return qs.filter(state__in=PUBLISHED)


def round_list_for(user) -> QuerySet[SubsidyRound]:
    """The round list: newest first, each with its number of submitted applications."""
    submitted = Q(applications__state=Application.State.SUBMITTED)
    return (
        rounds_visible_to(user)
        .annotate(submitted_count=Count("applications", filter=submitted))
        .order_by("-year", "-created_at", "-pk")
    )


# The round list's 阶段 filter and the bureau's to-do list count the same rows.
ROUND_NOTICE_OVER = "notice_over"


def round_stage_q(stage: str, today=None) -> Q:
    """Rounds whose 公示 has ended (still 结果公示中, the last day passed): the bureau's
    next step is to settle objections and 办结."""
    today = today or timezone.localdate()
    if stage == ROUND_NOTICE_OVER:
        return Q(state=SubsidyRound.State.NOTICE, notice_ends_on__lt=today)
    return Q()


def round_timeline(round_) -> QuerySet[AuditEntry]:
    """A round's history (the bureau's page)."""
    return AuditEntry.objects.for_object(round_)


def published_rounds() -> QuerySet[SubsidyRound]:
    """What the public sees: rounds in or after their notice period."""
    return (
        SubsidyRound.objects.filter(state__in=PUBLISHED)
        .select_related("policy_version")  # the citation in the page's wording
        .order_by("-year", "-notice_starts_on", "-pk")
    )


# --- Applications -------------------------------------------------------------------------


def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.select_related("round", "alliance", "alliance__lead_unit")
    role = _role(user)
    if role in STAFF:
        return qs.exclude(state=Application.State.DRAFT)
    if role == Role.LEAD_UNIT:
        return qs.filter(alliance__lead_unit_id=user.organisation_id)
    if role == Role.EVALUATOR:
        declared = Assignment.objects.filter(
            application=OuterRef("pk"),
            evaluator=user,
            declared_at__isnull=False,
            withdrawn_at__isnull=True,  # not after recusing or being replaced
        )
        qs = qs.filter(Exists(declared), state=Application.State.SUBMITTED)
        # Recusal: not the applications of alliances the evaluator's unit has joined since.
        return qs.exclude(
            recusal(alliance="alliance", organisation=_org(user), round_state="round__state")
        )
    return qs.none()


def application_timeline(user, application) -> QuerySet[AuditEntry] | list:
    """The application's history as ``user`` may read it: all of it for the bureau, the
    lead unit's own steps for the lead unit, nothing for anyone else."""
    role = _role(user)
    if role in STAFF:
        return AuditEntry.objects.for_object(application)
    if role == Role.LEAD_UNIT:
        return AuditEntry.objects.for_object(application).filter(action__in=LEAD_UNIT_ACTIONS)
    return []


@dataclass
class ApplyEntry:
    """One of the lead unit's alliances against one round."""

    alliance: object
    application: Application | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return self.application is None and not self.problems


def apply_entries(user, rounds) -> dict[int, list[ApplyEntry]]:
    """Round id → an entry per alliance of the lead unit: its application, or the reasons
    it cannot apply (shown before the user tries, in the words the service uses)."""
    alliances = list(alliances_visible_to(user).order_by("name"))
    rounds = [r for r in rounds if r.state != SubsidyRound.State.DRAFT]
    existing = {
        (a.round_id, a.alliance_id): a
        # A withdrawn application still counts: one application per alliance and round.
        for a in Application.objects.filter(alliance__in=alliances, round__in=rounds)
    }
    entries: dict[int, list[ApplyEntry]] = {}
    for round_ in rounds:
        for alliance in alliances:
            application = existing.get((round_.pk, alliance.pk))
            entry = ApplyEntry(alliance, application)
            if application is None:
                if round_.state != SubsidyRound.State.OPEN:
                    continue
                entry.problems = apply_problems(alliance, round_)
            entries.setdefault(round_.pk, []).append(entry)
    return entries


# --- Evaluators, assignments and scores ---------------------------------------------------


def evaluators() -> QuerySet[User]:
    """The users staff may assign to an application."""
    return (
        User.objects.filter(role=Role.EVALUATOR, is_active=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def assignments_of(user) -> QuerySet[Assignment]:
    """An evaluator's own assignments (declared or not): the list they start from. The
    application behind one is read only through ``applications_visible_to``, which leaves
    out those the evaluator must now recuse from."""
    return Assignment.objects.filter(evaluator=user).select_related(
        "application", "application__round", "application__alliance"
    )


def assignment_list_for(user) -> QuerySet[Assignment]:
    """The evaluator's list: their assignments, newest round first, with how many scores
    each has (for its progress)."""
    return (
        Assignment.objects.filter(evaluator=user)
        .select_related("application__round", "application__alliance__lead_unit")
        .annotate(score_count=Count("scores"), recused=recused_flag())
        .order_by(
            "-application__round__year",
            "-application__round_id",
            "application__alliance__name",
            "pk",
        )
    )


# The evaluator's list filter and to-do list: what waits for their declaration or scores.
DUE_DECLARATION = "declare"
DUE_SCORES = "score"


def assignment_due_q(due: str) -> Q:
    """On rows of ``assignment_list_for`` (``recused`` annotated): a declaration is due
    while the round takes applications or is evaluated; scores while it is evaluated, after
    the declaration, until submitted. Never an assignment the evaluator must recuse from,
    nor one withdrawn (申请回避, or replaced by a redraw)."""
    if due == DUE_DECLARATION:
        return Q(
            recused=False,
            withdrawn_at__isnull=True,
            declared_at__isnull=True,
            application__round__state__in=(
                SubsidyRound.State.OPEN,
                SubsidyRound.State.EVALUATING,
            ),
        )
    if due == DUE_SCORES:
        return Q(
            recused=False,
            withdrawn_at__isnull=True,
            declared_at__isnull=False,
            submitted_at__isnull=True,
            application__round__state=SubsidyRound.State.EVALUATING,
        )
    return Q()


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """The bureau: every assignment of an application it sees; an evaluator: their own."""
    role = _role(user)
    if role in STAFF:
        return Assignment.objects.filter(
            application__in=applications_visible_to(user)
        ).select_related("application", "evaluator")
    if role == Role.EVALUATOR:
        return assignments_of(user)
    return Assignment.objects.none()


def panels_of(round_) -> dict[int, list[Assignment]]:
    """Application id → its assignments, withdrawn ones included (they show why the panel
    changed), in the order they were made (staff pages)."""
    panels: dict[int, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.filter(application__round=round_)
        .select_related("evaluator")
        .order_by("pk")
    ):
        panels.setdefault(assignment.application_id, []).append(assignment)
    return panels


def scores_visible_to(user) -> QuerySet[Score]:
    qs = Score.objects.select_related("assignment", "criterion")
    role = _role(user)
    if role in STAFF:
        return qs
    if role == Role.EVALUATOR:
        return qs.filter(assignment__evaluator=user)
    return qs.none()


def own_scores(user, assignment) -> QuerySet[Score]:
    """The scores on ``assignment`` that ``user`` may read (an evaluator: their own)."""
    return scores_visible_to(user).filter(assignment=assignment).select_related("criterion")


@dataclass
class Sheet:
    """One evaluator's submitted score sheet on one application."""

    assignment: Assignment
    scores: dict = field(default_factory=dict)  # criterion id → Score
    total: Decimal | None = None

    @property
    def evaluator_name(self) -> str:
        evaluator = self.assignment.evaluator
        return evaluator.get_full_name() or evaluator.username

    @property
    def recused(self) -> bool:
        """The evaluator's unit has joined the alliance since: the score is not counted."""
        return bool(getattr(self.assignment, "recused", False))


def submitted_sheets(round_, criteria) -> dict[int, list[Sheet]]:
    """Application id → its submitted sheets, each with its weighted total when complete
    (the bureau's ranking page and export).

    Two queries whatever the number of applications (assignments, then their scores).
    """
    weights = {c.pk: c.weight for c in criteria}
    assignments = (
        Assignment.objects.filter(application__round=round_, submitted_at__isnull=False)
        .select_related("evaluator")
        .annotate(recused=recused_flag())
        .prefetch_related("scores")
        .order_by("application_id", "pk")
    )
    sheets: dict[int, list[Sheet]] = {}
    for assignment in assignments:
        sheet = Sheet(assignment, {s.criterion_id: s for s in assignment.scores.all()})
        if weights and set(sheet.scores) == set(weights):
            sheet.total = weighted_total({c: s.score for c, s in sheet.scores.items()}, weights)
        sheets.setdefault(assignment.application_id, []).append(sheet)
    return sheets


def round_draws(round_) -> QuerySet[ExpertDraw]:
    """A round's draws of evaluators, newest first (the bureau's round page)."""
    return round_.draws.select_related("drawn_by", "replaced__evaluator")


# --- Awards and objections ----------------------------------------------------------------


def awards_visible_to(user) -> QuerySet[Award]:
    """The bureau: every award; a lead unit: its alliances' awards once published;
    nobody else (evaluators included)."""
    qs = Award.objects.select_related("application__round", "application__alliance__lead_unit")
    role = _role(user)
    if role in STAFF:
        return qs.filter(application__in=applications_visible_to(user))
    if role == Role.LEAD_UNIT:
        return qs.filter(
            application__alliance__lead_unit_id=user.organisation_id,
            application__round__state__in=PUBLISHED,
        )
    return qs.none()


def round_awards(round_) -> list[Award]:
    """A published round's awards with their objections, largest first (staff page)."""
    return list(
        Award.objects.filter(application__round=round_)
        .select_related("application__alliance")
        .prefetch_related("objections")
        .order_by("-amount_yuan", "pk")
    )


def objections_visible_to(user) -> QuerySet[Objection]:
    if _role(user) not in STAFF:
        return Objection.objects.none()
    return Objection.objects.filter(
        award__application__in=applications_visible_to(user)
    ).select_related("award__application")


def published_awards() -> QuerySet[Award]:
    """What the public sees: awards of rounds in or after their notice period."""
    return (
        Award.objects.filter(application__round__state__in=PUBLISHED)
        .select_related(
            "application__round", "application__alliance", "application__alliance__lead_unit"
        )
        .order_by("-application__round__year", "-amount_yuan")
    )
