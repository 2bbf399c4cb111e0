"""Search and filters of the public registry (名录) of filed alliances."""

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from accounts.models import Jurisdiction
from filings.models import Alliance, AllianceMember
from policy import selectors as policy_selectors

EMPTY_CHOICE_LABEL = filter_settings.EMPTY_CHOICE_LABEL


def filing_years(alliances) -> list[int]:
    """The years in which some of ``alliances`` were filed, latest first.

    Listing the distinct years read every filed alliance (6.8 ms at 10,000 of them,
    growing with N). On PostgreSQL a recursive query jumps from year to year: one index
    look-up per year (the registry's partial index leads with ``filed_on``), 0.3 ms in
    all; elsewhere the first and last dates, then one EXISTS per year in between (the same
    look-ups, but compiling them cost ~2.5 ms of Python).
    """
    if connection.vendor == "postgresql":
        try:
            base, params = alliances.order_by().values("filed_on").query.sql_with_params()
        except EmptyResultSet:  # .none()
            return []
        sql = f"""
            WITH RECURSIVE years(day) AS (
                SELECT MIN(filed_on) FROM ({base}) AS filed
                UNION ALL
                SELECT (
                    SELECT MIN(filed_on) FROM ({base}) AS filed
                    WHERE filed_on >= make_date(EXTRACT(YEAR FROM years.day)::int + 1, 1, 1)
                ) FROM years WHERE years.day IS NOT NULL
            )
            SELECT EXTRACT(YEAR FROM day)::int FROM years WHERE day IS NOT NULL ORDER BY 1 DESC
        """  # noqa: S608 - base is the ORM's own SQL, values are parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *params])
            return [row[0] for row in cursor.fetchall()]
    bounds = alliances.aggregate(first=Min("filed_on"), last=Max("filed_on"))
    if bounds["first"] is None:
        return []
    span = range(bounds["last"].year, bounds["first"].year - 1, -1)
    probes = {f"y{y}": Exists(alliances.filter(filed_on__year=y)) for y in span}
    found = Alliance.objects.order_by().annotate(**probes).values(*probes)[:1].get()
    return [y for y in span if found[f"y{y}"]]


class RegistryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟、牵头单位或成员单位名称"), method="search")
    category = django_filters.ChoiceFilter(
        label=_("联盟类别"), choices=policy_selectors.category_choices
    )
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("牵头单位所在县（市、区）"),
        queryset=Jurisdiction.objects.all(),
        field_name="lead_unit__jurisdiction",
    )
    year = django_filters.TypedChoiceFilter(
        label=_("备案年度"), field_name="filed_on__year", coerce=int
    )

    class Meta:
        model = Alliance
        fields = ["q", "category", "jurisdiction", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only years in which something was filed; the queryset is already the public one.
        # A blank choice first, like the other filters: without it the browser submits the
        # latest year with every search and silently hides the alliances filed before it.
        years = filing_years(self.queryset)
        self.filters["year"].extra["choices"] = [("", EMPTY_CHOICE_LABEL)] + [
            (y, f"{y}") for y in years
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Exists, not a join: a join on members would repeat an alliance once per match.
        member = AllianceMember.objects.filter(
            alliance=OuterRef("pk"), organisation__name__icontains=value
        )
        return queryset.filter(
            Q(name__icontains=value) | Q(lead_unit__name__icontains=value) | Exists(member)
        )
