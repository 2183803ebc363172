"""Event ingestion writes (API.md §6.2): validated events in, rows out, all or nothing."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.models import CustomerVisit, ProductViewLog
from customers.models import Customer
from customers.services import INVALID_CUSTOMER
from ecommerce_admin.errors import DomainError
from sales.models import Product

INVALID_PRODUCT = "Invalid product Id."


class UnknownCustomer(DomainError):
    def __init__(self):
        super().__init__(INVALID_CUSTOMER)


class UnknownProduct(DomainError):
    def __init__(self):
        super().__init__(INVALID_PRODUCT)


def _require_customers(ids: Iterable[int | None]) -> None:
    """One query for every id. A soft-deleted customer is unknown: a deleted account cannot
    produce new storefront events, and every customer endpoint already treats it as absent."""
    wanted = {customer_id for customer_id in ids if customer_id is not None}
    if not wanted:
        return
    found = Customer.objects.alive().filter(pk__in=wanted).count()
    if found != len(wanted):
        raise UnknownCustomer()


def _require_products(ids: Iterable[int]) -> None:
    wanted = set(ids)
    if Product.objects.filter(pk__in=wanted).count() != len(wanted):
        raise UnknownProduct()


def _stamp(events: list[dict[str, Any]]) -> None:
    now = timezone.now()
    for event in events:
        if event.get("created_at") is None:
            event["created_at"] = now


@transaction.atomic
def visits_record(*, events: list[dict[str, Any]]) -> list[CustomerVisit]:
    """Insert every visit in one statement, or none when a customer id is unknown."""
    _require_customers(event["customer_id"] for event in events)
    _stamp(events)
    return CustomerVisit.objects.bulk_create(CustomerVisit(**event) for event in events)


@transaction.atomic
def product_views_record(*, events: list[dict[str, Any]]) -> list[ProductViewLog]:
    """Insert every product view in one statement, or none when a customer or product id is
    unknown (the customer is checked first, so both unknown gives the customer message)."""
    _require_customers(event["customer_id"] for event in events)
    _require_products(event["product_id"] for event in events)
    _stamp(events)
    return ProductViewLog.objects.bulk_create(ProductViewLog(**event) for event in events)
