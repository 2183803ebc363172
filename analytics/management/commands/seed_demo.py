"""`manage.py seed_demo`: a realistic, deterministic demo dataset, inserted in bulk."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from analytics.demo import SalesVolumes, seed_sales
from customers.demo import seed_customers
from customers.models import Customer
from ecommerce_admin.db_timeouts import command_limits
from ecommerce_admin.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Create demo customer groups, customers, vendors, products, orders with their lines, "
        "product views and storefront visits (spread over two years) deterministically."
    )

    def add_arguments(self, parser):
        defaults = SalesVolumes()
        parser.add_argument("--customers", type=int, default=3000, help="How many customers.")
        parser.add_argument("--vendors", type=int, default=defaults.vendors)
        parser.add_argument("--products", type=int, default=defaults.products)
        parser.add_argument(
            "--orders", type=int, default=defaults.orders, help="Orders (1-5 lines each)."
        )
        parser.add_argument("--views", type=int, default=defaults.views, help="Product views.")
        parser.add_argument("--visits", type=int, default=defaults.visits, help="Store visits.")
        parser.add_argument(
            "--seed", type=int, default=42, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when customers already exist."
        )

    @command_limits  # not a web request: no request-sized statement_timeout
    def handle(self, *args, customers: int, seed: int, if_empty: bool, **options):
        counts = {name: options[name] for name in ("vendors", "products", "orders", "views")}
        counts["visits"] = options["visits"]
        if customers < 0 or any(value < 0 for value in counts.values()):
            raise CommandError("Every count must be 0 or more.")
        if if_empty and Customer.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        volumes = SalesVolumes(**counts)
        rng = random.Random(seed)
        with transaction.atomic():
            with ProgressBar(customers, label="customers") as bar:
                made = seed_customers(count=customers, rng=rng, progress=bar.update)
            with ProgressBar(volumes.total, label="sales and events") as bar:
                sales = seed_sales(rng=rng, volumes=volumes, progress=bar.update)
        summary = ", ".join(f"{count:,} {name}" for name, count in sales.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {made:,} customers" + (f", {summary}." if sales else "."))
        )
