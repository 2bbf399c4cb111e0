"""Filters of the reviewers' queues (Art. 11 初审 and 市级审核)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction
from policy import selectors as policy_selectors

from .models import AllianceMember, Filing


class CountyQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("联盟或牵头单位名称、信用代码"), method="search")
    category = django_filters.ChoiceFilter(
        label=_("联盟类别"),
        field_name="alliance__category",
        choices=policy_selectors.category_choices,  # of every published version
        empty_label=_("全部"),
    )

    class Meta:
        model = Filing
        fields = ["q", "category"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(alliance__name__icontains=value)
            | Q(alliance__lead_unit__name__icontains=value)
            | Q(alliance__lead_unit__uscc__icontains=value.upper())
        )


class MunicipalQueueFilter(CountyQueueFilter):
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("初审部门所在县（市、区）"),
        queryset=Jurisdiction.objects.all(),
        empty_label=_("全部"),
    )

    class Meta:
        model = Filing
        fields = ["q", "category", "jurisdiction"]


MEMBERSHIP_STATUSES = [
    ("awaiting", _("待本单位确认")),
    ("confirmed", _("已在线确认")),
    ("declined", _("已拒绝")),
    ("other", _("未在线确认（申请已提交或已办结）")),
]


class MembershipFilter(django_filters.FilterSet):
    """The alliances a unit was added to (``selectors.memberships_of``)."""

    q = django_filters.CharFilter(label=_("联盟或牵头单位名称"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("确认情况"), choices=MEMBERSHIP_STATUSES, method="by_status", empty_label=_("全部")
    )

    class Meta:
        model = AllianceMember
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(alliance__name__icontains=value) | Q(alliance__lead_unit__name__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == "awaiting":
            return queryset.filter(awaiting=True)
        if value == "confirmed":
            return queryset.filter(confirmed_at__isnull=False)
        if value == "declined":
            return queryset.filter(declined_at__isnull=False)
        if value == "other":
            return queryset.filter(
                awaiting=False, confirmed_at__isnull=True, declined_at__isnull=True
            )
        return queryset


class MyFilingFilter(django_filters.FilterSet):
    """The lead unit's own filings (``filings_visible_to``), by state: its drafts and
    the applications returned to it are what its to-do list opens."""

    state = django_filters.ChoiceFilter(label=_("状态"), choices=Filing.State.choices)

    class Meta:
        model = Filing
        fields = ["state"]
