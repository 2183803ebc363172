"""N concurrent wrong login attempts against a real gunicorn (several worker processes): how many
does the login throttle let through? (security finding 4; API.md §2: exactly the limit, 10.)

    .venv/bin/python bench/throttle_concurrency.py                      # embedded default
    .venv/bin/python bench/throttle_concurrency.py --cache redis://127.0.0.1:6379/4
    options: --attempts 40 --workers 4 --threads 4 --port 18540 --rounds 3
             --database-url postgres://postgres@127.0.0.1:5432/<db>   (default: a temp SQLite)

Each round uses a fresh username; the per-IP counter (all attempts come from 127.0.0.1) only
resets with the next one-minute window, so each further round waits for it. A burst never
straddles two windows (it waits for the next one if fewer than 10 s are left).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess  # nosec B404 - starts our own gunicorn
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")


def server_env(database_url: str, cache_url: str = "", store: str = "") -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "bench-secret-key-0123456789abcdef",
        JWT_SIGNING_KEY=env.get("JWT_SIGNING_KEY") or "bench-jwt-key-0123456789abcdef012345",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_CACHE_URL=cache_url,
        DJANGO_LOGIN_THROTTLE_STORE=store,
        DJANGO_LOG_LEVEL="ERROR",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class Server:
    """gunicorn on a migrated database; stop() ends it (and only it)."""

    def __init__(
        self,
        port: int,
        workers: int = 4,
        threads: int = 4,
        cache_url: str = "",
        store: str = "",
        database_url: str = "",
    ):
        self.tmp = tempfile.TemporaryDirectory(prefix="throttle-bench-")
        database_url = database_url or f"sqlite:///{self.tmp.name}/db.sqlite3"
        env = server_env(database_url, cache_url, store)
        env["DJANGO_CACHE_LOCATION"] = f"{self.tmp.name}/cache"
        subprocess.run(  # nosec B603
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        env.update(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_THREADS=str(threads),
        )
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(  # nosec B603
            [
                GUNICORN,
                "ecommerce_admin.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--backlog",
                "256",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2):  # nosec B310
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.tmp.cleanup()


def fire(url: str, attempts: int, username: str, window: int = 60) -> list[int]:
    """`attempts` wrong logins for one username, released together by a barrier → statuses."""
    if window - time.time() % window < 10:
        time.sleep(window - time.time() % window + 0.5)
    barrier = threading.Barrier(attempts)
    statuses: list[int] = []
    lock = threading.Lock()
    body = json.dumps({"username": username, "password": "wrong-password-x"}).encode()

    def attempt():
        request = urllib.request.Request(
            f"{url}/api/auth/login",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # nosec B310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=18540)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--cache", default="", help="DJANGO_CACHE_URL (e.g. redis://...)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.cache.startswith("redis"):
        import redis

        redis.Redis.from_url(args.cache).flushdb()
    server = Server(
        args.port, args.workers, args.threads, cache_url=args.cache, database_url=args.database_url
    )
    try:
        store = "cache (Redis)" if args.cache else "database (embedded default)"
        print(f"gunicorn {args.workers} workers x {args.threads} threads; counters: {store}")
        for round_no in range(args.rounds):
            if round_no:
                time.sleep(61 - time.time() % 60)  # the next minute window
            statuses = fire(server.url, args.attempts, f"bench-user-{round_no}")
            through = sum(1 for s in statuses if s not in (429, 0))
            print(
                f"round {round_no + 1}: {through}/{args.attempts} let through "
                f"(statuses {sorted(set(statuses))}: "
                + ", ".join(f"{s}x{statuses.count(s)}" for s in sorted(set(statuses)))
                + ")"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
