"""The numbers behind the dashboards, aggregated in the database and scoped to the user:
a fixed number of queries whatever the number of alliances."""

import statistics

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction
from filings.models import Alliance, Category, Filing
from filings.selectors import alliances_visible_to
from subsidies.models import Award, SubsidyRound
from supervision.models.summaries import annual_summary_due_date
from supervision.selectors import compliance_totals


class Median(Aggregate):
    """PostgreSQL's PERCENTILE_CONT(0.5): the median computed by the database."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _scoped_filings(user, jurisdiction=None):
    """Submitted filings in the user's scope (drafts are the lead units' own)."""
    qs = Filing.objects.exclude(state=Filing.State.DRAFT)
    alliances = alliances_visible_to(user)
    if jurisdiction is not None:
        alliances = alliances.filter(lead_unit__jurisdiction=jurisdiction)
    return qs.filter(alliance__in=alliances)


def _scoped_alliances(user, jurisdiction=None):
    qs = alliances_visible_to(user)
    if jurisdiction is not None:
        qs = qs.filter(lead_unit__jurisdiction=jurisdiction)
    return qs


def _median_days(qs, start: str, end: str) -> float | None:
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    qs = qs.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        # PERCENTILE_CONT over an interval is an interval: Django gives a timedelta.
        median = qs.aggregate(m=Median(duration, output_field=DurationField()))["m"]
        return None if median is None else round(median.total_seconds() / 86400, 1)
    # SQLite (the embedded default) has no PERCENTILE_CONT: one query, median in Python.
    values = [(b - a).total_seconds() / 86400 for a, b in qs.values_list(start, end)]
    return round(statistics.median(values), 1) if values else None


def dashboard_data(user, *, year: int, jurisdiction: Jurisdiction | None = None) -> dict:
    alliances = _scoped_alliances(user, jurisdiction)
    filings = _scoped_filings(user, jurisdiction)

    by_category = dict(alliances.values_list("category").annotate(n=Count("pk")).order_by())
    by_status = dict(alliances.values_list("status").annotate(n=Count("pk")).order_by())
    by_jurisdiction = list(
        alliances.values("lead_unit__jurisdiction__name", "lead_unit__jurisdiction__sort_order")
        .annotate(n=Count("pk"))
        .order_by("lead_unit__jurisdiction__sort_order")
    )
    per_month = (
        filings.filter(submitted_at__year=year)
        .annotate(month=ExtractMonth("submitted_at"))
        .values("month")
        .annotate(
            submitted=Count("pk"),
            filed=Count("pk", filter=Q(state=Filing.State.FILED)),
        )
        .order_by("month")
    )
    months = {row["month"]: row for row in per_month}
    decided = filings.filter(submitted_at__year=year)
    review = {
        "county": _median_days(decided, "submitted_at", "recommended_at"),
        "municipal": _median_days(
            decided.filter(state=Filing.State.FILED), "recommended_at", "decided_at"
        ),
    }
    today = timezone.localdate()
    # Only years whose summaries are already due: a year in progress is not "missing".
    due_years = [y for y in range(year - 4, year + 1) if annual_summary_due_date(y) < today]
    totals = compliance_totals(user, due_years, jurisdiction)
    compliance_years = [{"year": y, **totals[y]} for y in due_years]
    awards = (
        Award.objects.filter(
            application__alliance__in=alliances,
            application__round__state__in=[SubsidyRound.State.NOTICE, SubsidyRound.State.FINAL],
        )
        .values("application__round__year", "application__alliance__category")
        .annotate(total=Sum("amount_yuan"), n=Count("pk"))
        .order_by("application__round__year")
    )
    category_labels = dict(Category.choices)
    status_labels = dict(Alliance.Status.choices)
    subsidy_years = sorted({a["application__round__year"] for a in awards})
    return {
        "year": year,
        "by_category": [
            {"label": str(category_labels[c]), "value": by_category.get(c, 0)}
            for c in Category.values
        ],
        "by_status": [
            {"label": str(status_labels[s]), "value": by_status.get(s, 0)}
            for s in Alliance.Status.values
        ],
        "by_jurisdiction": [
            {"label": row["lead_unit__jurisdiction__name"] or "—", "value": row["n"]}
            for row in by_jurisdiction
        ],
        "filings_per_month": [
            {
                "label": _("%(month)d月") % {"month": m},
                "submitted": months.get(m, {}).get("submitted", 0),
                "filed": months.get(m, {}).get("filed", 0),
            }
            for m in range(1, 13)
        ],
        "review_days": review,
        "compliance": compliance_years,
        "subsidies": {
            "years": subsidy_years,
            "series": [
                {
                    "label": str(category_labels[c]),
                    "values": [
                        sum(
                            a["total"]
                            for a in awards
                            if a["application__round__year"] == y
                            and a["application__alliance__category"] == c
                        )
                        for y in subsidy_years
                    ],
                }
                for c in Category.values
            ],
        },
        "labels": {
            "alliances": _("联盟数"),
            "submitted": _("提交"),
            "filed": _("已备案"),
            "on_time": _("按时"),
            "late": _("逾期提交"),
            "missing": _("未提交"),
        },
        "generated_at": timezone.now().isoformat(),
    }
