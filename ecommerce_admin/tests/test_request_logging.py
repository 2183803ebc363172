"""Each refused request is logged once, with debug on (`make run`) as with it off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django
django.setup()
from django.conf import settings
from django.test import Client
settings.ALLOWED_HOSTS = ["*"]
Client().get("/api/customer/1")          # 405: wrong method
Client().get("/api/no-such-route")       # 404
"""


@pytest.mark.parametrize("debug", ["1", "0"])
def test_each_4xx_is_logged_once(debug):
    env = {
        **os.environ,
        "DJANGO_DEBUG": debug,
        "DJANGO_SETTINGS_MODULE": "ecommerce_admin.settings",
        "DJANGO_SECRET_KEY": "test-secret-key-not-for-production-5f1c9a7e2b8d4c6a",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines.count("Method Not Allowed: /api/customer/1") == 1, result.stderr
    assert lines.count("Not Found: /api/no-such-route") == 1, result.stderr
