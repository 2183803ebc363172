"""Exports run in constant memory: the peak does not grow with the number of rows."""

import datetime
import tracemalloc

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from customers import exports
from customers.api import exports as export_views
from customers.models import Customer

pytestmark = pytest.mark.django_db

ALL = "/api/customer/allcustomer-excel-list"
SMALL, LARGE = 5_000, 50_000
# Allowed growth of the peak from SMALL to LARGE rows: a tenth of what holding the extra 45,000
# rows would take (a row is ~1 kB as Python objects, its xlsx/csv bytes ~100-200 B).
GROWTH_BOUND = 1024 * 1024


def add_customers(start: int, stop: int) -> None:
    password = make_password(None)
    base = timezone.now() - datetime.timedelta(days=30)
    batch = []
    for n in range(start, stop):
        email = f"bulk{n}@memory.example.com"
        batch.append(
            Customer(
                first_name=f"First{n}",
                last_name=f"Last{n}",
                username=email,
                email=email,
                mobile_number=f"+44{n:010d}",
                password=password,
                created_at=base + datetime.timedelta(seconds=n),
            )
        )
        if len(batch) == 5_000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)


def peak_while_downloading(client, fmt: str) -> tuple[int, int]:
    """(peak traced bytes, response bytes) of one export read chunk by chunk, as a server does."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get(ALL, {"format": fmt})
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.streaming_content)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_export_peak_memory_does_not_grow_with_rows(api, monkeypatch):
    # The xlsx is spooled in memory up to SPOOL_MAX_BYTES (a constant); keep that below the size
    # of these files so the test sees the writer, not the spool.
    monkeypatch.setattr(export_views, "SPOOL_MAX_BYTES", 64 * 1024)
    # Rows are fetched CHUNK_SIZE at a time; both sizes must span several chunks to compare the
    # steady state (the bound is a chunk or two plus the writers' buffers, whatever N is).
    monkeypatch.setattr(exports.rows, "CHUNK_SIZE", 1_000)
    add_customers(0, SMALL)
    small = {fmt: peak_while_downloading(api, fmt) for fmt in ("xlsx", "csv")}

    add_customers(SMALL, LARGE)
    large = {fmt: peak_while_downloading(api, fmt) for fmt in ("xlsx", "csv")}

    for fmt in ("xlsx", "csv"):
        (small_peak, small_size), (large_peak, large_size) = small[fmt], large[fmt]
        assert large_size > 5 * small_size  # the large export really is larger
        assert large_peak - small_peak < GROWTH_BOUND, (fmt, small_peak, large_peak)
        assert large_peak < 16 * 1024 * 1024, (fmt, large_peak)
