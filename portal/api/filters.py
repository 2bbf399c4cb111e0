"""The API's filters: the registry's own FilterSet for the alliances, and small ones for
the revocation notices and the awards."""

import django_filters
from django import forms
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
    """A whole number within the bounds given (a huge one is a 400, not a database error)."""

    field_class = forms.IntegerField


class AllianceFilter(RegistryFilter):
    """The registry's filters (``q``, ``category``, ``jurisdiction``, ``year``), unchanged."""

    year = YearFilter(label=_("备案年度"), field_name="filed_on__year", coerce=int)


class RevocationFilter(django_filters.FilterSet):
    year = IntegerFilter(
        label=_("决定年度"), field_name="decided_at__year", min_value=1, max_value=9999
    )

    class Meta:
        model = RevocationCase
        fields = ["year"]


class AwardFilter(django_filters.FilterSet):
    year = IntegerFilter(
        label=_("年度"), field_name="application__round__year", min_value=1, max_value=9999
    )
    round = IntegerFilter(
        label=_("批次编号"), field_name="application__round_id", min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = Award
        fields = ["year", "round"]
