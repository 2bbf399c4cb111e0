"""The API's filters: the registry's own FilterSet for the alliances, and small ones for
the revocation notices and the awards."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from subsidies.models import Award
from supervision.models import RevocationCase

from ..filters_registry import RegistryFilter


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.TypedChoiceFilter):
    """The registry's year filter, typed for the schema (a year of some public filing)."""


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    pass


class AllianceFilter(RegistryFilter):
    """The registry's filters (``q``, ``category``, ``jurisdiction``, ``year``), unchanged."""

    year = YearFilter(label=_("备案年度"), field_name="filed_on__year", coerce=int)


class RevocationFilter(django_filters.FilterSet):
    year = IntegerFilter(label=_("决定年度"), field_name="decided_at__year")

    class Meta:
        model = RevocationCase
        fields = ["year"]


class AwardFilter(django_filters.FilterSet):
    year = IntegerFilter(label=_("年度"), field_name="application__round__year")
    round = IntegerFilter(label=_("批次编号"), field_name="application__round_id")

    class Meta:
        model = Award
        fields = ["year", "round"]
