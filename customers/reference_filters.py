"""Filters of the reference lists (API.md §9.8): countries and zones for the address form."""

import django_filters
from django.db.models import Q

from ecommerce_admin.filtersets import FilterSet

from .filters import SEARCH_MAX_LENGTH, FlagFilter, IdFilter
from .models import Country, Zone


class CountryFilter(FilterSet):
    keyword = django_filters.CharFilter(
        method="filter_keyword",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Substring (case-insensitive) of the name, isoCode2 or isoCode3.",
    )
    status = FlagFilter(field_name="is_active", help_text="0 or 1 (isActive); empty = all.")

    class Meta:
        model = Country
        fields: list[str] = []

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(iso_code_2__icontains=value)
            | Q(iso_code_3__icontains=value)
        )


class ZoneFilter(FilterSet):
    countryId = IdFilter(
        field_name="country_id",
        help_text="A country id (digits only); empty = every country; unknown = no rows.",
    )
    keyword = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Substring (case-insensitive) of the zone name.",
    )

    class Meta:
        model = Zone
        fields: list[str] = []
