from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import Role
from accounts.selectors import organisations_visible_to
from filings import selectors as filing_selectors

from .. import todo


def _supervision_summary(user) -> dict:
    """Open supervision work for the bureau: a few counts, each a link to its list."""
    from django.utils import timezone

    from subsidies.models import SubsidyRound
    from supervision import selectors as supervision_selectors
    from supervision.models import EventReport, RevocationCase

    last_year = timezone.localdate().year - 1
    return {
        "supervision": {
            "year": last_year,
            "compliance": supervision_selectors.compliance(user, last_year)["totals"],
            "open_events": supervision_selectors.events_visible_to(user)
            .filter(state=EventReport.State.SUBMITTED)
            .count(),
            "open_cases": supervision_selectors.cases_visible_to(user)
            .filter(state__in=RevocationCase.OPEN_STATES)
            .count(),
            "rounds_evaluating": SubsidyRound.objects.filter(
                state=SubsidyRound.State.EVALUATING
            ).count(),
        }
    }


def _lead_unit_summary(user) -> dict:
    """The lead unit's filed alliances with last year's summary status and open cases."""
    from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef
    from django.utils import timezone

    from supervision.models import AnnualSummary, RevocationCase
    from supervision.models.summaries import annual_summary_due_date, owes_summary_q

    last_year = timezone.localdate().year - 1
    handed_in = AnnualSummary.objects.filter(
        alliance=OuterRef("pk"),
        year=last_year,
        state__in=[AnnualSummary.State.SUBMITTED, AnnualSummary.State.ACCEPTED],
    )
    open_case = RevocationCase.objects.filter(
        alliance=OuterRef("pk"), state__in=RevocationCase.OPEN_STATES
    )
    alliances = (
        filing_selectors.alliances_visible_to(user)
        .filter(status="filed")
        .annotate(
            handed_in=Exists(handed_in),
            open_case=Exists(open_case),
            # Filed after last year: nothing owed for it (the summaries page agrees).
            owes=ExpressionWrapper(owes_summary_q(last_year), output_field=BooleanField()),
        )
        .order_by("name")
    )
    due = annual_summary_due_date(last_year)
    return {
        "my_alliances": alliances,
        "summary_year": last_year,
        "summary_due": due,
        "summary_overdue": timezone.localdate() > due,
    }


def _auditor_summary(user) -> dict:
    """A few counts for the security auditor, each from the index on the time (or the
    action and time): today's entries, the last day's failed logins and lockouts."""
    import datetime

    from django.utils import timezone

    from audit.retention import RETENTION_DAYS

    from ..logs import log_entries_visible_to

    entries = log_entries_visible_to(user)
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    last_day = entries.filter(at__gte=now - datetime.timedelta(days=1))
    oldest = entries.order_by("at", "pk").values_list("at", flat=True).first()
    return {
        "today_entries": entries.filter(at__gte=midnight).count(),
        "failures_24h": last_day.filter(action="login_failed").count(),
        "lockouts_24h": last_day.filter(action="lockout").count(),
        "oldest": timezone.localtime(oldest) if oldest else None,
        "retention_days": RETENTION_DAYS,
    }


@login_required
def home(request):
    """Each role lands on its own page: the work waiting for it."""
    user = request.user
    role = user.effective_role
    context = {"role": role}
    if role == Role.COUNTY_REVIEWER:
        context["todo"] = todo.county_todo(user)
        context["organisations"] = organisations_visible_to(user)[:20]
        context.update(_supervision_summary(user))
    elif role == Role.MUNICIPAL_STAFF:
        context["todo"] = todo.municipal_todo(user)
        context.update(_supervision_summary(user))
    elif role == Role.LEAD_UNIT:
        context["todo"] = todo.lead_unit_todo(user)
        context.update(_lead_unit_summary(user))
    elif role == Role.EVALUATOR:
        context["todo"] = todo.evaluator_todo(user)
    elif role == Role.AUDITOR:
        context.update(_auditor_summary(user))
    elif role == Role.SECURITY_ADMIN:
        from accounts.security_admin import lockouts

        context["lockout_count"] = len(lockouts())
    template = {
        Role.LEAD_UNIT: "portal/home_lead_unit.html",
        Role.COUNTY_REVIEWER: "portal/home_county.html",
        Role.MUNICIPAL_STAFF: "portal/home_municipal.html",
        Role.EVALUATOR: "portal/home_evaluator.html",
        Role.ADMIN: "portal/home_admin.html",
        Role.AUDITOR: "portal/home_auditor.html",
        Role.SECURITY_ADMIN: "portal/home_security_admin.html",
    }.get(role, "portal/home_no_role.html")
    return render(request, template, context)
