"""List filters for alliance records and revocation cases (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction
from filings.models import Alliance, Category

from .models import RevocationCase, RevocationGround


class AllianceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟名称或牵头单位"), method="search")
    status = django_filters.ChoiceFilter(label=_("备案状态"), choices=Alliance.Status.choices)
    category = django_filters.ChoiceFilter(label=_("联盟类别"), choices=Category.choices)
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

    def __init__(self, *args, show_jurisdiction=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_jurisdiction:
            # A county reviewer or lead unit sees one jurisdiction only.
            del self.filters["jurisdiction"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(lead_unit__name__icontains=value))

    def by_liaison(self, queryset, name, value):
        return queryset.filter(liaison_officer__isnull=(value == "none"))


class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("办理状态"), choices=RevocationCase.State.choices)
    ground = django_filters.ChoiceFilter(
        label=_("取消备案情形"), choices=RevocationGround.choices, method="with_ground"
    )

    class Meta:
        model = RevocationCase
        fields = ["state", "ground"]

    def with_ground(self, queryset, name, value):
        # grounds is a JSON list of strings; matching the quoted value works on
        # PostgreSQL and on the embedded SQLite alike.
        return queryset.filter(grounds__icontains=f'"{value}"')
