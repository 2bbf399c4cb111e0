"""The numbers behind the dashboards, aggregated in the database and scoped to the user:
a fixed number of queries whatever the number of alliances."""

import statistics
from collections import Counter

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction
from filings.models import Alliance, Filing
from filings.selectors import alliances_visible_to
from policy import selectors as policy_selectors
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


def _days(median) -> float | None:
    return None if median is None else round(median.total_seconds() / 86400, 1)


def _review_days(qs) -> dict:
    """Median days of county review (submitted → recommended) and of municipal review of
    the filed ones (recommended → decided), in one query."""
    county = ExpressionWrapper(
        F("recommended_at") - F("submitted_at"), output_field=DurationField()
    )
    municipal = ExpressionWrapper(
        F("decided_at") - F("recommended_at"), output_field=DurationField()
    )
    county_rows = Q(submitted_at__isnull=False, recommended_at__isnull=False)
    municipal_rows = Q(
        state=Filing.State.FILED, recommended_at__isnull=False, decided_at__isnull=False
    )
    if connection.vendor == "postgresql":
        # PERCENTILE_CONT over an interval is an interval: Django gives a timedelta.
        medians = qs.aggregate(
            county=Median(county, filter=county_rows, output_field=DurationField()),
            municipal=Median(municipal, filter=municipal_rows, output_field=DurationField()),
        )
        return {key: _days(value) for key, value in medians.items()}
    # SQLite (the embedded default) has no PERCENTILE_CONT: one query, medians in Python.
    rows = qs.filter(county_rows | municipal_rows).values_list(
        "state", "submitted_at", "recommended_at", "decided_at"
    )
    county_days, municipal_days = [], []
    for state, submitted, recommended, decided in rows:
        if submitted and recommended:
            county_days.append((recommended - submitted).total_seconds() / 86400)
        if state == Filing.State.FILED and recommended and decided:
            municipal_days.append((decided - recommended).total_seconds() / 86400)
    return {
        "county": round(statistics.median(county_days), 1) if county_days else None,
        "municipal": round(statistics.median(municipal_days), 1) if municipal_days else None,
    }


def dashboard_data(user, *, year: int, jurisdiction: Jurisdiction | None = None) -> dict:
    alliances = _scoped_alliances(user, jurisdiction)
    filings = _scoped_filings(user, jurisdiction)

    # One pass over the scoped alliances for the three breakdowns and the filed alliances
    # per year that compliance needs (four scans before), grouped by the jurisdiction's id:
    # hashing its name too made the pass slower than the four scans.
    by_category, by_status, per_place = Counter(), Counter(), Counter()
    filed_per_year = Counter()
    for row in (
        alliances.values(
            "category",
            "status",
            place=F("lead_unit__jurisdiction"),
            filed_year=ExtractYear("filed_on"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_category[row["category"]] += row["n"]
        by_status[row["status"]] += row["n"]
        per_place[row["place"]] += row["n"]
        if row["status"] == Alliance.Status.FILED and row["filed_year"] is not None:
            filed_per_year[row["filed_year"]] += row["n"]
    places = {j.pk: j for j in Jurisdiction.objects.filter(pk__in=[p for p in per_place if p])}
    by_jurisdiction = sorted(
        ((places.get(pk), n) for pk, n in per_place.items()),
        key=lambda item: (item[0] is None, item[0] and item[0].sort_order),
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
    review = _review_days(filings.filter(submitted_at__year=year))
    today = timezone.localdate()
    # Only years whose summaries are already due: a year in progress is not "missing".
    due_years = [y for y in range(year - 4, year + 1) if annual_summary_due_date(y) < today]
    totals = compliance_totals(user, due_years, jurisdiction, filed_per_year=filed_per_year)
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
    # Art. 8: the categories of every published version (an alliance keeps the category
    # of the version it was filed under), then any other key found, shown as itself.
    category_labels = dict(policy_selectors.category_choices())
    award_categories = {a["application__alliance__category"] for a in awards}
    for key in sorted((set(by_category) | award_categories) - set(category_labels) - {""}):
        category_labels[key] = key
    status_labels = dict(Alliance.Status.choices)
    subsidy_years = sorted({a["application__round__year"] for a in awards})
    return {
        "year": year,
        "by_category": [
            {"label": str(label), "value": by_category.get(c, 0)}
            for c, label in category_labels.items()
        ],
        "by_status": [
            {"label": str(status_labels[s]), "value": by_status.get(s, 0)}
            for s in Alliance.Status.values
        ],
        "by_jurisdiction": [
            {"label": place.name if place else "—", "value": n} for place, n in by_jurisdiction
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
                for c in category_labels
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
