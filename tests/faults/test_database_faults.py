"""API.md §10 under load: bench/faults.py (outages, stalls, failovers and terminated backends
while clients add, change status, list and count), as a test that CI runs on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecommerce_admin_ci \
        .venv/bin/python -m pytest -m faults -rP tests/faults

The run uses its own database: FAULTS_DATABASE_URL, or DATABASE_URL's name + `_faults`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def faults_database_url() -> str:
    if os.environ.get("FAULTS_DATABASE_URL"):
        return os.environ["FAULTS_DATABASE_URL"]
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}_faults"


def test_the_service_survives_database_faults_and_loses_nothing():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "faults.py"),
            "--database-url",
            faults_database_url(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout)  # the figures (pytest -rP shows them)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
