"""Filters of the history lists (API.md §9.4): the original admin's view page filters a
customer's ordered and viewed products by `emailId`.

Applied by the views on top of the selectors' querysets (rows and count alike), so the two
always agree. An empty value (or only spaces) means "no filter", as for every filter (§1).
"""

import django_filters
from django.db.models import QuerySet
from django.db.models.functions import Lower, Trim
from django.forms import CharField
from django_filters.utils import translate_validation

from analytics.models import ProductViewLog
from ecommerce_admin.filtersets import FilterSet
from sales.models import OrderProduct

EMAIL_MAX_LENGTH = 255


class EmailIdFilter(django_filters.CharFilter):
    """An exact e-mail, compared case-insensitively after trimming; `field_name` says whose."""

    field_class = CharField

    def __init__(self, *, stored_normalised: bool = False, **kwargs):
        # Customers' e-mails are stored trimmed and lower-cased (a check constraint), so a plain
        # equality uses their index; orders' e-mails are stored as the shop received them.
        self.stored_normalised = stored_normalised
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        email = (value or "").strip().lower()
        if not email:
            return qs
        if self.stored_normalised:
            return qs.filter(**{self.field_name: email})
        return qs.alias(_email_id=Lower(Trim(self.field_name))).filter(_email_id=email)


class OrderProductFilter(FilterSet):
    # Guest orders have no customer: the order's own e-mail is the one the client asks about.
    emailId = EmailIdFilter(field_name="order__email", help_text="The order's e-mail (exact).")

    class Meta:
        model = OrderProduct
        fields: list[str] = []


class ProductViewLogFilter(FilterSet):
    emailId = EmailIdFilter(
        field_name="customer__email",
        stored_normalised=True,
        help_text="The customer's e-mail (exact).",
    )

    class Meta:
        model = ProductViewLog
        fields: list[str] = []


def apply(filterset_class: type[django_filters.FilterSet], params, queryset: QuerySet) -> QuerySet:
    """The filtered queryset, or a 422 (DRF ValidationError) naming the bad parameter."""
    filterset = filterset_class(data=params, queryset=queryset)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs
