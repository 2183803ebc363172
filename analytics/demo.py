"""Deterministic demo sales and storefront events for `manage.py seed_demo` (bulk inserts).

Everything is spread over the last two years, denser towards today (so "today", "this week" and
"this month" have figures too), and every timestamp follows the rows it depends on: a customer's
orders, visits and views come after the customer registered, and an order line's product existed
when the order was placed.
"""

import bisect
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from analytics.models import CustomerVisit, ProductViewLog
from customers.models import Customer
from sales.models import Order, OrderProduct, Product, Vendor

TWO_YEARS = 730 * 86400
BATCH = 2000

COMPANIES = [
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Adventure Works",
    "Litware",
    "Proseware",
    "Lucerne",
    "Humongous",
    "Coho",
    "Fourth Coffee",
]
COMPANY_SUFFIXES = ["Ltd", "Trading", "Goods", "Supplies", "& Co", "Outfitters"]
ADJECTIVES = ["Classic", "Organic", "Compact", "Deluxe", "Handmade", "Vintage", "Smart", "Eco"]
NOUNS = [
    "Teapot",
    "Backpack",
    "Desk Lamp",
    "Notebook",
    "Headphones",
    "Water Bottle",
    "Yoga Mat",
    "Coffee Grinder",
    "Scarf",
    "Phone Case",
    "Plant Pot",
    "Candle",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.0 Safari/605",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/130.0 Mobile Safari",
]


UNPAID_STATUSES = (OrderProduct.Status.PENDING, OrderProduct.Status.CANCELLED)
RECENT_STATUSES = (
    OrderProduct.Status.PENDING,
    OrderProduct.Status.SHIPPED,
    OrderProduct.Status.DELIVERED,
)


@dataclass(frozen=True)
class SalesVolumes:
    vendors: int = 40
    products: int = 800
    orders: int = 6000
    views: int = 40000
    visits: int = 40000

    @property
    def total(self) -> int:
        # Order lines average 2.5 per order; they are reported with the orders.
        return self.vendors + self.products + self.orders * 2 + self.views + self.visits


def _recent_time(rng: random.Random, now: dt.datetime, *, not_before: dt.datetime) -> dt.datetime:
    """A moment between `not_before` and now, denser towards now (u**1.5 skew)."""
    span = max((now - not_before).total_seconds(), 1.0)
    return now - dt.timedelta(seconds=span * rng.random() ** 1.5)


def _insert(model, objects: list, progress: Callable[[int], None] | None) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        chunk = model.objects.bulk_create(objects[start : start + BATCH])
        created.extend(chunk)
        if progress:
            progress(len(chunk))
    return created


def seed_sales(
    *,
    rng: random.Random,
    volumes: SalesVolumes = SalesVolumes(),
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Create vendors, products, orders with lines, product views and visits for the existing
    customers. Returns how many rows of each kind were made."""
    now = timezone.now()
    start = now - dt.timedelta(seconds=TWO_YEARS)
    customers = list(
        Customer.objects.order_by("id").values_list("id", "email", "created_at", "is_deleted")
    )
    if not customers:
        return {}
    alive = [row for row in customers if not row[3]]

    vendors = [
        Vendor(
            company_name=f"{rng.choice(COMPANIES)} {rng.choice(COMPANY_SUFFIXES)} {index + 1}",
            customer_id=rng.choice(alive)[0] if alive and rng.random() < 0.6 else None,
            is_active=rng.random() > 0.1,
            created_at=start + dt.timedelta(seconds=rng.randrange(0, TWO_YEARS // 4)),
        )
        for index in range(volumes.vendors)
    ]
    vendors = _insert(Vendor, vendors, progress)

    products = []
    for index in range(volumes.products):
        vendor = rng.choice(vendors) if vendors and rng.random() < 0.95 else None
        not_before = vendor.created_at if vendor else start
        has_image = rng.random() < 0.9
        products.append(
            Product(
                name=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {index + 1}",
                vendor=vendor,
                quantity=0 if rng.random() < 0.15 else rng.randrange(1, 250),
                is_approved=rng.random() < 0.8,
                price=Decimal(rng.randrange(199, 25000)) / 100,
                image=f"Img_{index + 1}.jpg" if has_image else None,
                container_name="product/" if has_image else None,
                created_at=_recent_time(rng, now, not_before=not_before),
            )
        )
    products.sort(key=lambda product: product.created_at)
    products = _insert(Product, products, progress)
    product_times = [product.created_at for product in products]

    def product_before(moment: dt.datetime) -> Product | None:
        if not products:
            return None
        # Exactly one draw per call, whatever the clock: the same seed makes the same choices
        # even though "now" (and so which products already existed) moves between runs.
        existing = max(bisect.bisect_right(product_times, moment), 1)
        return products[int(rng.random() * existing)]

    orders = []
    for _ in range(volumes.orders):
        customer_id, email, joined, _deleted = rng.choice(customers)
        orders.append(
            Order(
                customer_id=customer_id,
                email=email,
                is_paid=rng.random() < 0.85,
                created_at=_recent_time(rng, now, not_before=max(joined, start)),
            )
        )
    orders = _insert(Order, orders, None)

    lines = []
    for order in orders:
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
            product = product_before(order.created_at)
            roll = rng.random()
            if not order.is_paid:
                status = UNPAID_STATUSES[int(roll * len(UNPAID_STATUSES))]
            elif now - order.created_at > dt.timedelta(days=10):
                status = (
                    OrderProduct.Status.DELIVERED if roll < 0.93 else OrderProduct.Status.CANCELLED
                )
            else:
                status = RECENT_STATUSES[int(roll * len(RECENT_STATUSES))]
            lines.append(
                OrderProduct(
                    order=order,
                    product=product,
                    name=product.name if product else "Discontinued item",
                    quantity=rng.choice((1, 1, 1, 2, 2, 3, 5)),
                    price=product.price if product else Decimal("9.99"),
                    status=status,
                    created_at=order.created_at,
                )
            )
    if progress:
        progress(len(orders))
    _insert(OrderProduct, lines, None)
    if progress:
        progress(volumes.orders)

    views = []
    for _ in range(volumes.views):
        customer_id, _email, joined, _deleted = rng.choice(customers)
        moment = _recent_time(rng, now, not_before=max(joined, start))
        views.append(
            ProductViewLog(
                customer_id=customer_id, product=product_before(moment), created_at=moment
            )
        )
    _insert(ProductViewLog, views, progress)

    sessions = [f"{rng.getrandbits(64):016x}" for _ in range(max(volumes.visits // 6, 1))]
    visits = []
    for _ in range(volumes.visits):
        roll = rng.random()
        customer = rng.choice(customers) if roll < 0.55 else None
        moment = _recent_time(rng, now, not_before=max(customer[2], start) if customer else start)
        visits.append(
            CustomerVisit(
                customer_id=customer[0] if customer else None,
                session_key=rng.choice(sessions) if roll < 0.9 else "",
                ip_address=(
                    f"{rng.choice((81, 92, 151, 176, 203))}.{rng.randrange(256)}."
                    f"{rng.randrange(256)}.{rng.randrange(1, 255)}"
                ),
                user_agent=rng.choice(USER_AGENTS),
                created_at=moment,
            )
        )
    _insert(CustomerVisit, visits, progress)

    return {
        "vendors": len(vendors),
        "products": len(products),
        "orders": len(orders),
        "order lines": len(lines),
        "product views": len(views),
        "visits": len(visits),
    }
