#!/usr/bin/env python
"""Where one API request's time goes: cProfile self time grouped by package, per request.

Used by bench/run.py (after its measurements, on the current code). Standalone, it profiles any
checkout of the project against a database, so "before" and "after" a change are one command
each with the same data:

    git archive <old-commit> | tar -x -C /tmp/before
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_bench_100k \
        .venv/bin/python bench/profile_request.py --root /tmp/before
    DATABASE_URL=... .venv/bin/python bench/profile_request.py          # this checkout

Requests go through Django's WSGI handler in this process (no HTTP parsing, no gunicorn), as the
bench superuser with a fresh JWT; production settings (DJANGO_DEBUG=0).
"""

import argparse
import os
import sys
import time
from pathlib import Path

# --- Where one request's time goes -------------------------------------------------------------
PROFILE_GROUPS = [
    ("database wait (psycopg)", ("psycopg/",)),
    ("ORM: SQL compile, rows", ("django/db/",)),
    ("DRF: request, views, auth, perms", ("rest_framework/",)),
    ("JWT (simplejwt, PyJWT)", ("rest_framework_simplejwt/", "jwt/")),
    ("django-filter", ("django_filters/",)),
    ("Django: handler, middleware, urls", ("django/",)),
    ("our code", ("/customers/", "/ecommerce_admin/", "/audit/", "/analytics/")),
]


def profile_request(path: str, token: str, requests: int = 300) -> dict:
    """cProfile of `requests` GETs through Django's WSGI handler in this process, grouped by
    package (self time), per request. In-process: no HTTP parsing, no gunicorn."""
    import cProfile
    import io
    import pstats

    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    path_info, _, query = path.partition("?")

    def one() -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        response = app(environ, lambda *a: None)
        b"".join(response)
        response.close()

    for _ in range(50):
        one()
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(requests):
        one()
    plain_ms = (time.perf_counter() - started) * 1000 / requests
    cpu_ms = (time.process_time() - cpu_started) * 1000 / requests
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        one()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    groups: dict[str, float] = {name: 0.0 for name, _ in PROFILE_GROUPS}
    groups["other (stdlib, builtins)"] = 0.0
    total = 0.0
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        total += tottime
        for name, needles in PROFILE_GROUPS:
            if any(n in filename for n in needles):
                groups[name] += tottime
                break
        else:
            groups["other (stdlib, builtins)"] += tottime
    return {
        "path": path,
        "requests": requests,
        "ms_per_request_unprofiled": plain_ms,
        "cpu_ms_per_request_unprofiled": cpu_ms,
        "ms_per_request_profiled": total * 1000 / requests,
        "groups_ms": {k: v * 1000 / requests for k, v in groups.items()},
    }


def profile_lines(profile: dict) -> list[str]:
    total = profile["ms_per_request_profiled"]
    python = total - profile["groups_ms"]["database wait (psycopg)"]
    lines = [
        f"Where one `{profile['path']}` request's time goes ({profile['requests']} requests "
        f"through Django's WSGI handler in-process, cProfile self time grouped by package; "
        f"unprofiled {profile['ms_per_request_unprofiled']:.2f} ms/request of which "
        f"{profile['cpu_ms_per_request_unprofiled']:.2f} ms CPU in this process; "
        f"profiled {total:.2f}, of which {python:.2f} outside the database wait):",
        "",
        "| part | ms/request | share |",
        "|---|--:|--:|",
    ]
    for name, ms in sorted(profile["groups_ms"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {ms:.2f} | {ms / total:.0%} |")
    return lines


DEFAULT_PATHS = [
    "/api/customer?limit=20&offset=0",
    "/api/customer?limit=20&offset=0&name=kowal",
    "/api/customer/customer-count",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    os.chdir(args.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-3c9e1f7a5b",
        JWT_SIGNING_KEY="bench-only-jwt-signing-key-not-for-production-8d2a6c",
        JWT_ACCESS_MINUTES="720",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.com"},
    )
    try:  # since token families (API.md §2) a token must belong to a live login
        from ecommerce_admin.api.tokens import issue_for_login

        token = issue_for_login(user)[0]
    except ImportError:  # a checkout from before token families
        token = str(AccessToken.for_user(user))
    print(f"code: {args.root}; load average {os.getloadavg()[0]:.1f}\n")
    for path in args.paths:
        print("\n".join(profile_lines(profile_request(path, token, args.requests))) + "\n")


if __name__ == "__main__":
    main()
