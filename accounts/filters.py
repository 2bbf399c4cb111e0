import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Jurisdiction, Organisation


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
