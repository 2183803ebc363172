"""Deterministic demo customers and groups for `manage.py seed_demo` (bulk inserts)."""

import random
import unicodedata
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .models import Customer, CustomerGroup

FIRST_NAMES = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Arthur",
    "Ivy",
    "Leo",
    "Freya",
    "Oscar",
    "Lily",
    "Harry",
    "Grace",
    "Jack",
    "Sofia",
    "Theo",
    "Emily",
    "Finn",
    "Chloe",
    "Luca",
    "Zara",
    "Mateo",
    "Nora",
    "Ravi",
    "Yuki",
    "Chen",
    "Fatima",
    "Omar",
    "Ingrid",
    "Lars",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Nakamura",
    "Garcia",
    "Müller",
    "Rossi",
    "Novak",
    "Kowalski",
    "Andersen",
    "Okafor",
]
GROUPS = [
    ("Retail", "Walk-in and online retail buyers", "#0d6efd"),
    ("Wholesale", "Trade accounts buying in bulk", "#198754"),
    ("VIP", "High-value customers", "#dc3545"),
    ("Newsletter only", "Signed up but never ordered", "#ffc107"),
    ("Dormant", "No order for a year", "#6f42c1"),
]


def demo_email(first: str, last: str, index: int) -> str:
    """An address the product's own e-mail rule accepts: the local part is ASCII (Müller →
    muller), as Django's validator, which every door uses, requires."""
    local = unicodedata.normalize("NFKD", f"{first}.{last}.{index}")
    return f"{local.encode('ascii', 'ignore').decode().lower()}@example.com"


def seed_groups() -> list[CustomerGroup]:
    groups = list(CustomerGroup.objects.all())
    existing = {group.name.lower() for group in groups}
    new = [
        CustomerGroup(name=name, description=description, color_code=colour)
        for name, description, colour in GROUPS
        if name.lower() not in existing
    ]
    CustomerGroup.objects.bulk_create(new)
    return list(CustomerGroup.objects.all())


def seed_customers(
    *,
    count: int,
    rng: random.Random,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> int:
    """Create `count` customers spread over the last two years; returns how many were made."""
    groups = seed_groups()
    now = timezone.now()
    # One hash for every demo customer: hashing thousands of passwords would take minutes.
    password = make_password(None)
    start = Customer.objects.count()
    made = 0
    while made < count:
        batch = []
        for index in range(start + made, start + min(made + batch_size, count)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = demo_email(first, last, index)
            batch.append(
                Customer(
                    first_name=first,
                    last_name=last,
                    username=email,
                    email=email,
                    mobile_number=f"+44{rng.randrange(7000000000, 7999999999)}",
                    password=password,
                    customer_group=rng.choice(groups),
                    is_active=rng.random() > 0.15,
                    newsletter=rng.random() > 0.6,
                    city=rng.choice(["London", "Leeds", "Bristol", "Glasgow", "Cardiff", None]),
                    created_at=now - timedelta(seconds=rng.randrange(0, 730 * 86400)),
                )
            )
        Customer.objects.bulk_create(batch)
        made += len(batch)
        if progress:
            progress(len(batch))
    return made
