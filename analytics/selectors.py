"""Analytics reads (API.md §5): every figure comes from one database aggregate or join.

The API views and the admin dashboard share these functions. Day-based logic (today, this week,
a month's days) uses `settings.TIME_ZONE`, whatever the database session's zone is.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from analytics.models import CustomerVisit, ProductViewLog
from customers.models import Customer
from ecommerce_admin.dates import local_midnight, local_zone
from sales.models import OrderProduct, Vendor

# --- Order lines and product views ---------------------------------------------------------------


def order_product_lines(*, customer_id: int | None = None) -> QuerySet[OrderProduct]:
    """Order lines (of every customer, deleted ones included), optionally of one customer."""
    lines = OrderProduct.objects.all()
    if customer_id is not None:
        lines = lines.filter(order__customer_id=customer_id)
    return lines


def order_product_rows(*, customer_id: int | None = None) -> QuerySet:
    """Order lines as flat dicts, newest order first, in one joined query.

    The product is LEFT-joined: a line whose product is gone (or has no image) is still listed,
    with nulls.
    """
    return (
        order_product_lines(customer_id=customer_id)
        .order_by("-order__created_at", "-id")
        .values(
            "id",
            "order_id",
            "quantity",
            "price",
            "product_id",
            product_name=F("name"),
            customer_id=F("order__customer_id"),
            email=F("order__email"),
            image=F("product__image"),
            container_name=F("product__container_name"),
            ordered_at=F("order__created_at"),
        )
    )


def product_views(*, customer_id: int | None = None) -> QuerySet[ProductViewLog]:
    views = ProductViewLog.objects.all()
    if customer_id is not None:
        views = views.filter(customer_id=customer_id)
    return views


def product_view_rows(*, customer_id: int | None = None) -> QuerySet:
    """Product views as flat dicts, newest first, the product LEFT-joined in the same query."""
    return (
        product_views(customer_id=customer_id)
        .order_by("-created_at", "-id")
        .values(
            "id",
            "customer_id",
            "product_id",
            "created_at",
            product_name=F("product__name"),
            image=F("product__image"),
            container_name=F("product__container_name"),
        )
    )


def most_viewed_products(*, since: dt.datetime, limit: int = 10) -> list[dict]:
    """`[{product_id, name, views}]`: the products viewed most since `since`, most first."""
    return list(
        ProductViewLog.objects.filter(created_at__gte=since, product__isnull=False)
        .values("product_id")
        .annotate(name=F("product__name"), views=Count("id"))
        .order_by("-views", "product_id")[:limit]
    )


def product_views_count(*, since: dt.datetime) -> int:
    """All product views since `since` (the dashboard's total, not only its top ten's)."""
    return ProductViewLog.objects.filter(created_at__gte=since, product__isnull=False).count()


# --- Vendor figures ------------------------------------------------------------------------------


class Period(IntEnum):
    """The vendor graph's `duration` values."""

    TODAY = 1
    WEEK = 2
    MONTH = 3
    YEAR = 4


def period_bounds(
    period: Period, *, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """`[start, end)` of the current day, ISO week (Monday-Sunday), month or year in TIME_ZONE."""
    zone = local_zone()
    today = (now or timezone.now()).astimezone(zone).date()
    if period is Period.TODAY:
        start, end = today, today + dt.timedelta(days=1)
    elif period is Period.WEEK:
        start = today - dt.timedelta(days=today.weekday())
        end = start + dt.timedelta(days=7)
    elif period is Period.MONTH:
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
    else:
        start, end = dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1)
    return local_midnight(start, zone), local_midnight(end, zone)


@dataclass(frozen=True)
class VendorFigures:
    vendor_id: int
    company_name: str
    product_count: int
    product_sold_count: int
    delivery_count: int
    out_of_stock_count: int
    pending_stock_count: int


def vendor_figures(
    *, vendor_id: int, period: Period, now: dt.datetime | None = None
) -> VendorFigures | None:
    """The vendor graph's five figures for the period, or None when the vendor does not exist.

    Two queries: the vendor with its product counts (conditional aggregates over its products
    created in the period), then the paid order lines of the period for its products.
    """
    start, end = period_bounds(period, now=now)
    in_period = Q(products__created_at__gte=start, products__created_at__lt=end)
    approved = in_period & Q(products__is_approved=True)
    vendor = (
        Vendor.objects.filter(pk=vendor_id)
        .annotate(
            product_count=Count("products", filter=in_period),
            out_of_stock=Count("products", filter=approved & Q(products__quantity=0)),
            in_stock=Count("products", filter=approved & Q(products__quantity__gte=1)),
        )
        .values("id", "company_name", "product_count", "out_of_stock", "in_stock")
        .first()
    )
    if vendor is None:
        return None
    sales = OrderProduct.objects.filter(
        product__vendor_id=vendor_id,
        order__is_paid=True,
        order__created_at__gte=start,
        order__created_at__lt=end,
    ).aggregate(
        sold=Sum("quantity"),
        delivered=Count("id", filter=Q(status=OrderProduct.Status.DELIVERED)),
    )
    return VendorFigures(
        vendor_id=vendor["id"],
        company_name=vendor["company_name"],
        product_count=vendor["product_count"],
        product_sold_count=int(sales["sold"] or 0),
        delivery_count=sales["delivered"],
        out_of_stock_count=vendor["out_of_stock"],
        pending_stock_count=vendor["in_stock"],
    )


# --- Visits and new customers per day ----------------------------------------------------------


@dataclass(frozen=True)
class DayVisits:
    day: dt.date
    visit_count: int
    unique_visitors: int


def visitor_identity():
    """Who made a visit: the customer when known, else the session key, else the IP address.

    Prefixed so that a customer id can never equal a session key or an address.
    """
    return Case(
        When(
            customer_id__isnull=False,
            then=Concat(Value("c:"), Cast("customer_id", CharField())),
        ),
        When(~Q(session_key=""), then=Concat(Value("s:"), F("session_key"))),
        When(
            ip_address__isnull=False,
            then=Concat(Value("i:"), Cast("ip_address", CharField())),
        ),
        default=None,
        output_field=CharField(),
    )


def visits_per_day(*, year: int, month: int) -> list[DayVisits]:
    """One entry per day of the month (zero-filled), from one grouped query.

    Days are calendar days in TIME_ZONE: the range is the month's local bounds and each visit is
    grouped on its local date.
    """
    zone = local_zone()
    days_in_month = calendar.monthrange(year, month)[1]
    first = dt.date(year, month, 1)
    start = local_midnight(first, zone)
    end = local_midnight(first + dt.timedelta(days=days_in_month), zone)
    grouped = (
        CustomerVisit.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(visits=Count("id"), visitors=Count(visitor_identity(), distinct=True))
        .order_by("day")
    )
    by_day = {row["day"]: row for row in grouped}
    result = []
    for offset in range(days_in_month):
        day = first + dt.timedelta(days=offset)
        row = by_day.get(day)
        result.append(
            DayVisits(
                day=day,
                visit_count=row["visits"] if row else 0,
                unique_visitors=row["visitors"] if row else 0,
            )
        )
    return result


def new_customers_per_day(
    *, days: int, now: dt.datetime | None = None
) -> list[tuple[dt.date, int]]:
    """`[(day, count)]` of non-deleted customers created on each of the last `days` local days
    (today included), oldest first, zero-filled; one grouped query."""
    zone = local_zone()
    today = (now or timezone.now()).astimezone(zone).date()
    first = today - dt.timedelta(days=days - 1)
    counts = dict(
        Customer.objects.alive()
        .filter(created_at__gte=local_midnight(first, zone))
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
        .values_list("day", "n")
    )
    return [
        (first + dt.timedelta(days=i), counts.get(first + dt.timedelta(days=i), 0))
        for i in range(days)
    ]
