import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry

from .models import Jurisdiction, Organisation, OrganisationChange, Registration
from .selectors import awaiting_decision_q


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="search")
    kind = django_filters.ChoiceFilter(label=_("单位类型"), choices=Organisation.Kind.choices)
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("所在县（市、区）"), queryset=Jurisdiction.objects.all()
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "jurisdiction"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))


YES_NO = [("yes", _("是")), ("no", _("否"))]


class OrganisationChangeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("单位名称或信用代码"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=OrganisationChange.State.choices)
    moves = django_filters.ChoiceFilter(
        label=_("变更所在县（市、区）"), choices=YES_NO, method="by_move"
    )

    class Meta:
        model = OrganisationChange
        fields = ["q", "state", "moves"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = value.upper()
        return queryset.filter(
            Q(organisation__name__icontains=value)
            | Q(old_name__icontains=value)
            | Q(new_name__icontains=value)
            | Q(organisation__uscc__icontains=code)
            | Q(new_uscc__icontains=code)
        )

    def by_move(self, queryset, name, value):
        # Spelled out for empty jurisdictions (outside Baoding): NULL = NULL is not true.
        both = Q(old_jurisdiction__isnull=False, new_jurisdiction__isnull=False)
        moved = (
            Q(old_jurisdiction__isnull=True, new_jurisdiction__isnull=False)
            | Q(old_jurisdiction__isnull=False, new_jurisdiction__isnull=True)
            | (both & ~Q(old_jurisdiction=F("new_jurisdiction")))
        )
        same = Q(old_jurisdiction__isnull=True, new_jurisdiction__isnull=True) | Q(
            old_jurisdiction=F("new_jurisdiction")
        )
        return queryset.filter(moved if value == "yes" else same)


class UnitActivityFilter(django_filters.FilterSet):
    """The unit administrator's activity page: by colleague and by date."""

    actor = django_filters.ModelChoiceFilter(label=_("用户"), queryset=None)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="at", lookup_expr="date__lte"
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "date_from", "date_to"]

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["actor"].queryset = colleagues


class RegistrationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("单位名称或信用代码"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=Registration.State.choices)
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("所在县（市、区）"), queryset=Jurisdiction.objects.all(), method="by_jurisdiction"
    )
    outside = django_filters.ChoiceFilter(label=_("保定市外"), choices=YES_NO, method="by_outside")
    awaiting = django_filters.ChoiceFilter(
        label=_("待本部门审核"), choices=YES_NO, method="by_awaiting"
    )

    class Meta:
        model = Registration
        fields = ["q", "state", "jurisdiction", "outside", "awaiting"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None:
            del self.filters["awaiting"]
        # A county sees its own jurisdiction only: the filters would say nothing.
        if user is not None and not user.is_municipal_staff and not user.is_administrator:
            del self.filters["jurisdiction"]
            del self.filters["outside"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))

    def by_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction=value) if value else queryset

    def by_outside(self, queryset, name, value):
        return queryset.filter(jurisdiction__isnull=value == "yes")

    def by_awaiting(self, queryset, name, value):
        condition = awaiting_decision_q(self.user)
        return queryset.filter(condition) if value == "yes" else queryset.exclude(condition)
