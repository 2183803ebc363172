#!/usr/bin/env python
"""Personal-data ZIP benchmark (API.md §12): time and peak Python memory against history size.

    .venv/bin/python bench/privacy_datafile.py [--sizes 10000 100000]

Each size is one customer with that many visits and product views and a tenth as many orders
(two lines each), in a fresh SQLite database in a temporary folder (or DATABASE_URL if set).
The ZIP is written to a temporary file twice: timed, then under tracemalloc for its peak. Constant
memory means the peak stays flat while the history grows tenfold.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from decimal import Decimal

    from analytics.models import CustomerVisit, ProductViewLog
    from customers.models import Customer, CustomerGroup
    from privacy.datafile import write_personal_data
    from sales.models import Order, OrderProduct, Product

    group = CustomerGroup.objects.get(is_default=True)
    product = Product.objects.create(name="Teapot", price=Decimal("19.90"))
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    print(f"{'history':>10} {'seconds':>8} {'peak MiB':>9} {'zip MiB':>8}")
    for size in args.sizes:
        customer = Customer.objects.create(
            first_name="Bench",
            email=f"bench{size}@example.com",
            username=f"bench{size}",
            mobile_number="+447000000000",
            password="!",
            customer_group=group,
        )
        stamps = [start + dt.timedelta(seconds=i) for i in range(size)]
        CustomerVisit.objects.bulk_create(
            [
                CustomerVisit(
                    customer=customer,
                    ip_address="203.0.113.9",
                    session_key=f"s{i}",
                    user_agent="Mozilla/5.0",
                    created_at=s,
                )
                for i, s in enumerate(stamps)
            ],
            batch_size=5000,
        )
        ProductViewLog.objects.bulk_create(
            [ProductViewLog(customer=customer, product=product, created_at=s) for s in stamps],
            batch_size=5000,
        )
        orders = Order.objects.bulk_create(
            [Order(customer=customer, email=customer.email, created_at=s) for s in stamps[::10]],
            batch_size=5000,
        )
        OrderProduct.objects.bulk_create(
            [
                OrderProduct(
                    order=o, product=product, name="Teapot", quantity=1, price=product.price
                )
                for o in orders
                for _ in range(2)
            ],
            batch_size=5000,
        )
        # Timed without tracemalloc (it slows every allocation), then measured with it.
        with tempfile.TemporaryFile() as out:
            began = time.perf_counter()
            write_personal_data(customer_id=customer.pk, out=out)
            elapsed = time.perf_counter() - began
            size_mib = out.tell() / 2**20
        with tempfile.TemporaryFile() as out:
            tracemalloc.start()
            write_personal_data(customer_id=customer.pk, out=out)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(f"{size:>10,} {elapsed:>8.2f} {peak / 2**20:>9.1f} {size_mib:>8.1f}")
    scratch.cleanup()


if __name__ == "__main__":
    main()
