"""Every read of supervision records, scoped once: through the alliances a user may see."""

import datetime
import functools
import operator

from django.db.models import Count, DateField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import STAFF_ROLES
from audit.models import AuditEntry, in_reader_language
from filings.models import Alliance
from filings.selectors import alliances_visible_to, with_category_version
from policy import selectors as policy_selectors

from .models import (
    AllianceChange,
    AnnualSummary,
    EventReport,
    ProvincialRecommendation,
    RevocationCase,
    Symposium,
    SymposiumInvitation,
)
from .models.summaries import annual_summary_due_date, owes_summary_q

HANDED_IN = (AnnualSummary.State.SUBMITTED, AnnualSummary.State.ACCEPTED)


def _scoped(model, user):
    return model.objects.filter(alliance__in=alliances_visible_to(user)).select_related(
        "alliance", "alliance__lead_unit"
    )


def summaries_visible_to(user) -> QuerySet[AnnualSummary]:
    qs = _scoped(AnnualSummary, user)
    if user.effective_role != Role.LEAD_UNIT:
        # A draft is the lead unit's own until submitted.
        qs = qs.exclude(state=AnnualSummary.State.DRAFT)
    return qs


def events_visible_to(user) -> QuerySet[EventReport]:
    qs = _scoped(EventReport, user)
    if user.effective_role != Role.LEAD_UNIT:
        qs = qs.exclude(state=EventReport.State.DRAFT)
    return qs


def cases_visible_to(user) -> QuerySet[RevocationCase]:
    return _scoped(RevocationCase, user)


# The case list's 办理阶段 filter and the to-do lists count the same rows (portal.todo).
CASE_OPEN = "open"
CASE_STATEMENT_DUE = "statement_due"


def case_stage_q(stage: str, today=None) -> Q:
    """Open cases (办理中); or those still waiting for the lead unit's 陈述申辩 within its
    period (告知后、期限未满、尚未陈述申辩)."""
    if stage == CASE_STATEMENT_DUE:
        today = today or timezone.localdate()
        return Q(state=RevocationCase.State.NOTIFIED, statement_deadline__gte=today)
    return Q(state__in=RevocationCase.OPEN_STATES)


def symposia_visible_to(user) -> QuerySet[Symposium]:
    if not user.is_authenticated:
        return Symposium.objects.none()
    if user.effective_role == Role.MUNICIPAL_STAFF:
        return Symposium.objects.all()
    invited = SymposiumInvitation.objects.filter(
        symposium=OuterRef("pk"), alliance__in=alliances_visible_to(user)
    )
    return Symposium.objects.filter(Exists(invited))


def invitations_visible_to(user) -> QuerySet[SymposiumInvitation]:
    """All invitations for the bureau; a county's or lead unit's own alliances' otherwise."""
    invitations = SymposiumInvitation.objects.select_related("alliance")
    if user.effective_role in STAFF_ROLES:
        return invitations
    return invitations.filter(alliance__in=alliances_visible_to(user))


def invitations_of(alliance) -> QuerySet[SymposiumInvitation]:
    return (
        SymposiumInvitation.objects.filter(alliance=alliance)
        .select_related("symposium")
        .order_by("-symposium__starts_at")
    )


def recommendations_visible_to(user) -> QuerySet[ProvincialRecommendation]:
    """Recommendations of the alliances ``user`` may see, with what the list and exports show."""
    return (
        ProvincialRecommendation.objects.filter(alliance__in=alliances_visible_to(user))
        .select_related("alliance__lead_unit__jurisdiction", "recommended_by")
        .annotate(member_count=Count("alliance__members"))
        .order_by("-recommended_on", "-pk")
    )


def supervised_alliances(user) -> QuerySet[Alliance]:
    """The alliance list: what ``user`` may see, by jurisdiction then name."""
    return (
        with_category_version(alliances_visible_to(user))
        .select_related("liaison_officer")
        .order_by("lead_unit__jurisdiction__sort_order", "name", "pk")
    )


def filed_alliances() -> QuerySet[Alliance]:
    """What the bureau may invite to a symposium (Art. 12(3)): filed alliances only."""
    return Alliance.objects.filter(status=Alliance.Status.FILED).order_by("name")


def reporting_alliances(user) -> QuerySet[Alliance]:
    """The filed alliances ``user`` may report on (a lead unit's own)."""
    return alliances_visible_to(user).filter(status=Alliance.Status.FILED).order_by("name")


def liaison_officers() -> QuerySet[User]:
    """Who may be assigned as an alliance's 科技联络员 (Art. 16)."""
    return User.objects.filter(
        role=Role.MUNICIPAL_STAFF, is_liaison_officer=True, is_active=True
    ).order_by("last_name", "first_name", "pk")


def user_named_by(value: str) -> User | None:
    """The user whose id a form sent, or None (any user: the service decides whether
    they may serve)."""
    if not (value.isdecimal() and value.isascii()):
        return None  # ASCII digits only: the form fuzzer sent '²' and '٣'
    return User.objects.filter(pk=value).first()


def alliance_history(alliance) -> list[dict]:
    """Accepted changes (with the report they came from) and the record's own log, newest first."""
    items = [
        {
            "at": change.changed_at,
            "label": in_reader_language(change.field_label),
            "old": change.old_value,
            "new": change.new_value,
            "report": change.event_report,
            "actor": change.changed_by.get_full_name(),
        }
        for change in AllianceChange.objects.filter(alliance=alliance).select_related(
            "event_report", "changed_by"
        )
    ]
    items += [
        {
            "at": entry.at,
            "label": entry.shown_label,
            "reason": entry.reason,
            "actor": entry.actor_name,
        }
        for entry in AuditEntry.objects.for_object(alliance)
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)


def summaries_missing(user, today=None) -> list[dict]:
    """A lead unit's filed alliances without a summary for a year since filing."""
    today = today or timezone.localdate()
    alliances = list(
        alliances_visible_to(user)
        .filter(status=Alliance.Status.FILED, filed_on__isnull=False)
        .order_by("name")
    )
    existing = set(
        AnnualSummary.objects.filter(alliance__in=alliances).values_list("alliance_id", "year")
    )
    rows = []
    for alliance in alliances:
        for year in range(today.year, alliance.filed_on.year - 1, -1):
            if (alliance.pk, year) not in existing:
                due = annual_summary_due_date(year)
                rows.append(
                    {"alliance": alliance, "year": year, "due": due, "overdue": today > due}
                )
    return rows


def last_overdue_year(today=None) -> int:
    """The latest year whose summary is past due today (due dates fall in the next year)."""
    today = today or timezone.localdate()
    if today > annual_summary_due_date(today.year - 1):
        return today.year - 1
    return today.year - 2


def overdue_q(today=None) -> Q:
    """``AnnualSummary.is_overdue`` as a database condition."""
    return Q(year__lte=last_overdue_year(today)) & ~Q(state__in=HANDED_IN)


def late_q(today=None) -> Q:
    """``EventReport.is_late`` as a database condition (on ``reported_day``, the local
    calendar day of the report: annotate it with ``TruncDate("reported_at")``)."""
    today = today or timezone.localdate()
    late = Q(pk__in=[])
    # One condition per span of policy versions: each event is judged by the version of
    # its own day (a handful of spans, one query).
    for start, end, version in policy_selectors.rule_spans():
        days = datetime.timedelta(days=version.event_late_days)
        deadline = ExpressionWrapper(F("event_date") + days, output_field=DateField())
        reported_late = Q(reported_at__isnull=False, reported_day__gt=deadline)
        unreported_late = Q(reported_at__isnull=True, event_date__lt=today - days)
        span = Q()
        if start is not None:
            span &= Q(event_date__gte=start)
        if end is not None:
            span &= Q(event_date__lt=end)
        late |= span & (reported_late | unreported_late)
    return late


def compliance(user, year: int, jurisdiction=None) -> dict:
    """Per year: who summarised on time, late, or not at all; open reports and cases.

    Aggregated in the database: the number of queries does not depend on the number of
    alliances. Scoped like everything else (a county sees its own jurisdiction).
    """
    due = annual_summary_due_date(year)
    alliances = alliances_visible_to(user).filter(owes_summary_q(year))
    if jurisdiction is not None:
        alliances = alliances.filter(lead_unit__jurisdiction=jurisdiction)
    summary = AnnualSummary.objects.filter(alliance=OuterRef("pk"), year=year)
    handed_in = summary.filter(
        state__in=[AnnualSummary.State.SUBMITTED, AnnualSummary.State.ACCEPTED]
    )
    on_time = handed_in.filter(submitted_at__date__lte=due)
    rows = alliances.annotate(
        handed_in=Exists(handed_in),
        on_time=Exists(on_time),
        open_events=Count(
            "event_reports",
            filter=Q(event_reports__state=EventReport.State.SUBMITTED),
            distinct=True,
        ),
        open_cases=Count(
            "revocation_cases",
            filter=Q(revocation_cases__state__in=RevocationCase.OPEN_STATES),
            distinct=True,
        ),
    ).order_by("lead_unit__jurisdiction__sort_order", "name")
    totals = alliances.aggregate(
        alliances=Count("pk"),
        on_time=Count("pk", filter=Q(Exists(on_time))),
        handed_in=Count("pk", filter=Q(Exists(handed_in))),
    )
    totals["late"] = totals["handed_in"] - totals["on_time"]
    totals["missing"] = totals["alliances"] - totals["handed_in"]
    return {"year": year, "due": due, "rows": rows, "totals": totals}


def _day_after(year: int) -> datetime.datetime:
    """The start of the (local) day after ``year``'s summary due date."""
    due = annual_summary_due_date(year) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(due, datetime.time.min))


def compliance_totals(user, years, jurisdiction=None, *, filed_per_year=None) -> dict[int, dict]:
    """``compliance(user, y, jurisdiction)["totals"]`` for each of ``years``, in two
    queries counting the handed-in summaries of those years (at most one per alliance and
    year), instead of probing every filed alliance for every year: the dashboard's cost
    then grows with the summaries of those years, not with alliances × years.

    ``filed_per_year``: {year: filed alliances in the same scope filed that year}, when the
    caller has counted them already (the dashboard does, with its other counts)."""
    years = sorted(set(years))
    if not years:
        return {}
    filed = alliances_visible_to(user).filter(status=Alliance.Status.FILED)
    if jurisdiction is not None:
        filed = filed.filter(lead_unit__jurisdiction=jurisdiction)
    if filed_per_year is None:
        filed_per_year = dict(
            filed.filter(filed_on__year__lte=years[-1])
            .annotate(filed_year=ExtractYear("filed_on"))
            .values_list("filed_year")
            .annotate(n=Count("pk"))
            .order_by()
        )
    # Joined from the scoped alliances (one join, no IN over them as well), and "on time"
    # as a bound on the timestamp per year: converting every row's submitted_at to a local
    # date cost more than the join (30 -> 11 ms of SQL at 10,000 alliances).
    on_time = functools.reduce(
        operator.or_,
        (
            Q(annual_summaries__year=y, annual_summaries__submitted_at__lt=_day_after(y))
            for y in years
        ),
    )
    counted = {
        row["year"]: row
        for row in filed.filter(
            filed_on__year__lte=F("annual_summaries__year"),
            annual_summaries__year__in=years,
            annual_summaries__state__in=[
                AnnualSummary.State.SUBMITTED,
                AnnualSummary.State.ACCEPTED,
            ],
        )
        .values(year=F("annual_summaries__year"))
        .annotate(
            handed_in=Count("annual_summaries"), on_time=Count("annual_summaries", filter=on_time)
        )
        .order_by()
    }
    totals = {}
    for y in years:
        alliances = sum(n for filed_year, n in filed_per_year.items() if filed_year <= y)
        row = counted.get(y, {"handed_in": 0, "on_time": 0})
        totals[y] = {
            "alliances": alliances,
            "on_time": row["on_time"],
            "handed_in": row["handed_in"],
            "late": row["handed_in"] - row["on_time"],
            "missing": alliances - row["handed_in"],
        }
    return totals
