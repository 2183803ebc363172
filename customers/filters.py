"""Customer list filters (API.md §3.2): one FilterSet for the list, the export-all and the admin.

Usage outside DRF: `f = CustomerFilter(data=query_params, queryset=Customer.objects.alive())`,
then `f.is_valid()` (errors → 422, keyed by the request's parameter names) and `f.qs`.
Every value reaches SQL as a parameter; an empty string means "no filter".
"""

import calendar
import datetime
import re

import django_filters
from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field

from ecommerce_admin.api.params import FLAG_MESSAGE
from ecommerce_admin.dates import local_midnight
from ecommerce_admin.filtersets import FilterSet
from ecommerce_admin.ids import MAX_ID

from .models import Customer, CustomerGroup

SEARCH_MAX_LENGTH = 255
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$")


class FlagParamField(forms.CharField):
    """A 0/1 flag in a query parameter: exactly `0` or `1` (API.md §1); "" = no filter.

    A request body's flag also takes JSON booleans: customers.fields.FlagField.
    """

    default_validators = [RegexValidator(r"^[01]\Z", FLAG_MESSAGE)]

    def to_python(self, value):
        value = super().to_python(value)
        return int(value) if value in {"0", "1"} else value


class IdField(forms.CharField):
    """A plain decimal id (digits only, within the 64-bit range of the keys)."""

    default_validators = [RegexValidator(r"^[0-9]+\Z", "A valid integer is required.")]

    def clean(self, value):
        value = super().clean(value)
        if value == "":
            return value
        number = int(value)
        if number > MAX_ID:
            raise forms.ValidationError(f"Must be at most {MAX_ID}.")
        return number


class DayOrMonthField(forms.CharField):
    """`YYYY-MM-DD` (that day) or `YYYY-MM` (that month) → a [start, end) pair in TIME_ZONE."""

    message = "Use YYYY-MM-DD (a day) or YYYY-MM (a month)."

    def clean(self, value):
        value = super().clean(value)
        if value == "":
            return value
        match = _DATE.match(value)
        if not match:
            raise forms.ValidationError(self.message)
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            first = datetime.date(year, month, day or 1)
        except ValueError:
            raise forms.ValidationError(self.message) from None
        last = first if day else first.replace(day=calendar.monthrange(year, month)[1])
        return _bounds(first, last)


def _bounds(first: datetime.date, last: datetime.date):
    """Aware [start, end) covering the local days first..last."""
    try:
        start = local_midnight(first)
        end = local_midnight(last + datetime.timedelta(days=1))
        # The database receives UTC: both bounds must exist there too.
        start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    except OverflowError:
        raise forms.ValidationError("Date out of range.") from None
    return start, end


@extend_schema_field({"type": "string", "pattern": "^[01]?$"})
class FlagFilter(django_filters.Filter):
    field_class = FlagParamField


@extend_schema_field({"type": "string", "pattern": "^[0-9]*$"})
class IdFilter(django_filters.Filter):
    field_class = IdField


@extend_schema_field({"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}(-[0-9]{2})?)?$"})
class DayOrMonthFilter(django_filters.Filter):
    field_class = DayOrMonthField


def _search_field(**kwargs):
    # Django's CharField already refuses NUL characters ("Null characters are not permitted.").
    return {"max_length": SEARCH_MAX_LENGTH, **kwargs}


class CustomerFilter(FilterSet):
    name = django_filters.CharFilter(
        method="filter_name",
        help_text="Substring (case-insensitive) of the first name, last name or 'first last'.",
        **_search_field(),
    )
    email = django_filters.CharFilter(
        field_name="email",
        lookup_expr="icontains",
        help_text="Substring (case-insensitive) of the email.",
        **_search_field(),
    )
    status = FlagFilter(
        method="filter_status",
        help_text="0 = inactive, 1 = active; empty = no filter.",
    )
    customerGroup = IdFilter(  # the contract's parameter name
        method="filter_group",
        help_text="A customer group id (digits only).",
    )
    date = DayOrMonthFilter(
        method="filter_date",
        help_text="YYYY-MM-DD: created that day; YYYY-MM: that month (in the server's TIME_ZONE).",
    )
    keyword = django_filters.CharFilter(
        method="filter_keyword",
        help_text="Substring (case-insensitive) of first name, last name, email or group name.",
        **_search_field(),
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.name_contains(value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=bool(value))

    def filter_group(self, queryset, name, value):
        return queryset.in_group(value)

    def filter_date(self, queryset, name, value):
        start, end = value
        return queryset.created_between(start, end)

    def filter_keyword(self, queryset, name, value):
        return queryset.keyword(value)


class CustomerGroupFilter(FilterSet):
    keyword = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        help_text="Substring (case-insensitive) of the group name.",
        **_search_field(),
    )
    # API.md §9.4: the original admin's filter panel sends `groupName` (its search box `keyword`).
    groupName = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        help_text="Substring (case-insensitive) of the group name; combines with `keyword`.",
        **_search_field(),
    )
    status = FlagFilter(
        method="filter_status",
        help_text="0 = inactive, 1 = active; empty = no filter.",
    )

    class Meta:
        model = CustomerGroup
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=bool(value))
