"""`manage.py seed_demo`: a realistic, deterministic demo dataset, inserted in bulk."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from customers.demo import seed_customers
from customers.models import Customer
from ecommerce_admin.progress import ProgressBar


class Command(BaseCommand):
    help = "Create demo customer groups and customers (spread over two years) deterministically."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=3000, help="How many customers.")
        parser.add_argument(
            "--seed", type=int, default=42, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when customers already exist."
        )

    def handle(self, *args, customers: int, seed: int, if_empty: bool, **options):
        if customers < 0:
            self.stderr.write("--customers must be 0 or more.")
            raise SystemExit(2)
        if if_empty and Customer.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        rng = random.Random(seed)
        with transaction.atomic(), ProgressBar(customers, label="customers") as bar:
            made = seed_customers(count=customers, rng=rng, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Seeded {made:,} customers."))
