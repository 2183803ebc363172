"""Per-request cost of JWT authentication (issue 17 / security finding 3).

    .venv/bin/python bench/auth_cost.py [N]          # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/auth_cost.py

Prints, for N requests: the time of the authentication class alone (token decode + the
revocation check + the user load) with its query count, and N full authenticated GETs of a cheap
route (`/api/customer-group`, empty) through the Django test client.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = tempfile.mkdtemp(prefix="auth-cost-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/db.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_CACHE_LOCATION", f"{TMP}/cache")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from ecommerce_admin.api.auth import StaffJWTAuthentication  # noqa: E402


def main(n: int) -> None:
    if os.environ["DATABASE_URL"].startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    user_model.objects.filter(username="bench-auth").delete()
    user = user_model.objects.create_user(
        "bench-auth", password="Bench-pass-12345", is_staff=True, email="b@example.com"
    )
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="customers", codename="view_customergroup")
    )
    client = Client()
    login = client.post(
        "/api/auth/login",
        {"username": "bench-auth", "password": "Bench-pass-12345"},
        content_type="application/json",
    )
    access = login.json()["data"]["token"]
    header = f"Bearer {access}"

    request = APIRequestFactory().get("/api/customer-group", HTTP_AUTHORIZATION=header)
    auth = StaffJWTAuthentication()
    connection.queries_log.clear()  # migrate filled the bounded debug log
    with CaptureQueriesContext(connection) as queries:
        authenticated = auth.authenticate(request)
    assert authenticated is not None
    assert authenticated[0] == user
    started = time.perf_counter()
    for _ in range(n):
        auth.authenticate(request)
    auth_seconds = time.perf_counter() - started

    for _ in range(20):  # warm up
        client.get("/api/customer-group", HTTP_AUTHORIZATION=header)
    started = time.perf_counter()
    for _ in range(n):
        response = client.get("/api/customer-group", HTTP_AUTHORIZATION=header)
        assert response.status_code == 200, response.content
    get_seconds = time.perf_counter() - started

    print(f"database: {connection.vendor}; N={n}")
    print(f"authenticate(): {auth_seconds / n * 1e6:.0f} us/request, {len(queries)} query(ies)")
    for query in queries.captured_queries:
        print(f"  {query['sql'][:160]}")
    print(f"full GET /api/customer-group: {get_seconds / n * 1e3:.3f} ms/request")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
