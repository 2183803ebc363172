"""Benchmark settings: the product's settings plus the naive baseline mounted under /naive/.

Used by the baseline gunicorn and the in-process query capture of bench/run.py; the product's
own gunicorn runs `ecommerce_admin.settings` unchanged.
"""

from ecommerce_admin.settings import *  # noqa: F403

ROOT_URLCONF = "bench.naive_urls"
