"""List filters of the subsidy pages (django-filter) that the to-do lists link to."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Assignment, SubsidyRound
from .selectors import (
    DUE_DECLARATION,
    DUE_SCORES,
    ROUND_NOTICE_OVER,
    assignment_due_q,
    round_stage_q,
)


class RoundFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("状态"), choices=SubsidyRound.State.choices)
    stage = django_filters.ChoiceFilter(
        label=_("待办"),
        choices=[(ROUND_NOTICE_OVER, _("公示期已满，待办结"))],
        method="by_stage",
    )

    class Meta:
        model = SubsidyRound
        fields = ["state", "stage"]

    def by_stage(self, queryset, name, value):
        return queryset.filter(round_stage_q(value))


class AssignmentFilter(django_filters.FilterSet):
    """The evaluator's list (``assignment_list_for``): what waits for them."""

    due = django_filters.ChoiceFilter(
        label=_("待办"),
        choices=[(DUE_DECLARATION, _("待声明利益冲突")), (DUE_SCORES, _("待评分"))],
        method="by_due",
    )

    class Meta:
        model = Assignment
        fields = ["due"]

    def by_due(self, queryset, name, value):
        return queryset.filter(assignment_due_q(value))
