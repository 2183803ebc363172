"""The fault test runs only when asked for (`pytest -m faults`, PostgreSQL): it takes minutes,
starts gunicorn and a proxy, and needs a PostgreSQL server it may create a database on."""

import pytest


def pytest_collection_modifyitems(config, items):
    if "faults" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the fault test runs with `pytest -m faults` (PostgreSQL)")
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)
