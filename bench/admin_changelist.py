#!/usr/bin/env python
"""Time the admin's customer pages on a seeded PostgreSQL database (bench/seed.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1m \
        .venv/bin/python bench/admin_changelist.py

For each page: the median of 5 requests (Django test client in this process, logged in as a
superuser created for the run and removed after), the number of SQL statements, and the slowest
statement of the last run (a full COUNT(*) over the table would show up there).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from customers.models import Customer, CustomerGroup  # noqa: E402

RUNS = 5


def main() -> None:
    User = get_user_model()
    user = User.objects.create_superuser("admin-bench", "admin-bench@example.com", "x")
    client = Client()
    client.force_login(user)
    group = CustomerGroup.objects.order_by("pk").last()
    sample = Customer.objects.alive().order_by("-id").first()
    pages = {
        "list (page 1)": "/admin/customers/customer/",
        "list page 2,000": "/admin/customers/customer/?p=2000",
        "filter group": f"/admin/customers/customer/?customer_group__id__exact={group.pk}",
        "filter inactive": "/admin/customers/customer/?is_active__exact=0",
        "created today": "/admin/customers/customer/?created=today",
        "deleted list": "/admin/customers/customer/?deleted=yes",
        "search name": "/admin/customers/customer/?q=lovelace",
        "search email": f"/admin/customers/customer/?q={sample.email}",
        "search mobile prefix": f"/admin/customers/customer/?q={sample.mobile_number[:8]}",
        "change page": f"/admin/customers/customer/{sample.pk}/change/",
        "group list": "/admin/customers/customergroup/",
        "export form": "/admin/customers/customer/export/",
        "dashboard": "/admin/dashboard/",
    }
    try:
        print(f"customers: {Customer.objects.count():,} rows (estimate shown by the paginator)")
        print("| page | median ms | queries | slowest statement |\n|---|---:|---:|---|")
        for label, url in pages.items():
            times = []
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
            sql = " ".join(slowest["sql"].split())[:60].replace("|", "/")
            print(
                f"| {label} | {statistics.median(times):.0f} | {len(queries)} | "
                f"{float(slowest['time']) * 1000:.0f} ms `{sql}…` |"
            )
    finally:
        user.delete()


if __name__ == "__main__":
    main()
