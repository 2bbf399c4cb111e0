"""List filters of the supervision pages (django-filter)."""

import django_filters
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from accounts.models import Jurisdiction
from filings.models import Alliance
from policy import selectors as policy_selectors

from .models import (
    AnnualSummary,
    EventReport,
    ProvincialRecommendation,
    RevocationCase,
    RevocationGround,
)
from .selectors import CASE_OPEN, CASE_STATEMENT_DUE, case_stage_q, late_q, overdue_q

YES_NO = [("yes", _("是")), ("no", _("否"))]


def _by_alliance_name(queryset, name, value):
    value = value.strip()
    return queryset.filter(alliance__name__icontains=value) if value else queryset


class AllianceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称或牵头单位"), method="search")
    status = django_filters.ChoiceFilter(label=_("备案状态"), choices=Alliance.Status.choices)
    category = django_filters.ChoiceFilter(
        label=_("联盟类别"), choices=policy_selectors.category_choices
    )
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("所在县（市、区）"),
        queryset=Jurisdiction.objects.all(),
        field_name="lead_unit__jurisdiction",
    )
    liaison = django_filters.ChoiceFilter(
        label=_("科技联络员"),
        choices=[("none", _("未指定")), ("assigned", _("已指定"))],
        method="by_liaison",
    )

    class Meta:
        model = Alliance
        fields = ["q", "status", "category", "jurisdiction", "liaison"]

    def __init__(self, *args, show_jurisdiction=True, show_liaison=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_jurisdiction:
            # A county reviewer or lead unit sees one jurisdiction only.
            del self.filters["jurisdiction"]
        if not show_liaison:
            # Whether a liaison officer is assigned is the bureau's question (Art. 16).
            del self.filters["liaison"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(lead_unit__name__icontains=value))

    def by_liaison(self, queryset, name, value):
        return queryset.filter(liaison_officer__isnull=(value == "none"))


CASE_STAGES = [
    (CASE_OPEN, _("办理中")),
    (CASE_STATEMENT_DUE, _("陈述申辩期内，尚未陈述申辩")),
]


class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("办理状态"), choices=RevocationCase.State.choices)
    stage = django_filters.ChoiceFilter(label=_("办理阶段"), choices=CASE_STAGES, method="by_stage")
    ground = django_filters.ChoiceFilter(
        label=_("取消备案情形"), choices=RevocationGround.choices, method="with_ground"
    )

    class Meta:
        model = RevocationCase
        fields = ["state", "stage", "ground"]

    def by_stage(self, queryset, name, value):
        return queryset.filter(case_stage_q(value))

    def with_ground(self, queryset, name, value):
        # grounds is a JSON list of strings; matching the quoted value works on
        # PostgreSQL and on the embedded SQLite alike.
        return queryset.filter(grounds__icontains=f'"{value}"')


class SummaryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称"), method=_by_alliance_name)
    year = django_filters.NumberFilter(label=_("年度"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=AnnualSummary.State.choices)
    overdue = django_filters.ChoiceFilter(label=_("逾期未交"), choices=YES_NO, method="by_overdue")

    class Meta:
        model = AnnualSummary
        fields = ["q", "year", "state", "overdue"]

    def by_overdue(self, queryset, name, value):
        condition = overdue_q()
        return queryset.filter(condition) if value == "yes" else queryset.exclude(condition)


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称"), method=_by_alliance_name)
    kind = django_filters.ChoiceFilter(
        label=_("事项类型"), choices=policy_selectors.event_kind_choices
    )
    state = django_filters.ChoiceFilter(label=_("状态"), choices=EventReport.State.choices)
    late = django_filters.ChoiceFilter(label=_("逾期报告"), choices=YES_NO, method="by_late")

    class Meta:
        model = EventReport
        fields = ["q", "kind", "state", "late"]

    def by_late(self, queryset, name, value):
        # The local calendar day of the report, as is_late counts it.
        queryset = queryset.annotate(reported_day=TruncDate("reported_at"))
        return queryset.filter(late_q()) if value == "yes" else queryset.exclude(late_q())


class RecommendationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("推荐类型"), choices=ProvincialRecommendation.Kind.choices
    )
    year = django_filters.TypedChoiceFilter(
        label=_("推荐年度"), field_name="recommended_on__year", coerce=int
    )

    class Meta:
        model = ProvincialRecommendation
        fields = ["kind", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank choice first: without it filtering by kind also restricts to the latest year.
        years = ProvincialRecommendation.objects.dates("recommended_on", "year", order="DESC")
        self.filters["year"].extra["choices"] = [("", filter_settings.EMPTY_CHOICE_LABEL)] + [
            (d.year, f"{d.year}") for d in years
        ]
