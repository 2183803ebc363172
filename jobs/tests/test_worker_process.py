"""Jobs end to end on real processes: a web server, Celery workers and a broker (API.md §11).

Nothing is faked here: `manage.py runserver` serves the API, `celery worker --beat` runs the
jobs and the periodic sweep, both on one SQLite file, talking through the embedded filesystem
transport (the no-server default) or, when one answers on 127.0.0.1:6379, through Redis. Workers
are killed with SIGKILL to show a job is retried once and then failed, never left `running`.

These tests take several seconds each; the rest of the job tests run eagerly.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
PASSWORD = "Worker-pass-123"
CUSTOMERS = 120_000
REDIS_DB = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    for port in range(19040, 19100):
        with contextlib.closing(socket.socket()) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 19040-19099")


class Stack:
    """One web server, any number of workers, one database file and one broker."""

    def __init__(self, root: Path, broker: str):
        self.root = root
        self.db = root / "db.sqlite3"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.db}",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_MEDIA_ROOT": str(root / "media"),
            "DJANGO_VAR_DIR": str(root / "var"),
            "DJANGO_CACHE_LOCATION": str(root / "cache"),
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE": f"jobs-test-{os.getpid()}-{root.name}",
            "DJANGO_JOB_STALE_SECONDS": "3",
            "DJANGO_JOB_SWEEP_SECONDS": "1",
            "DJANGO_JOB_HEARTBEAT_SECONDS": "0.5",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.workers: list[subprocess.Popen] = []
        self.web: subprocess.Popen | None = None
        self.port = free_port()
        self.token = ""

    def manage(self, *args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )

    def prepare(self) -> Path:
        """Migrate, create the superuser and seed: the database file every stack copies."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.com")
        self.seed(CUSTOMERS)
        return self.db

    def start(self, template: Path) -> "Stack":
        shutil.copyfile(template, self.db)
        self.web = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                _status, body = self.call(
                    "POST", "/api/auth/login", {"username": "boss", "password": PASSWORD}
                )
                self.token = body["data"]["token"]
                break
            except (OSError, KeyError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        return self

    def seed(self, count: int) -> None:
        # Plain SQL on the file: 150k customers in about a second.
        with contextlib.closing(sqlite3.connect(self.db)) as db:
            group = db.execute("SELECT id FROM customers_customergroup LIMIT 1").fetchone()[0]
            db.execute(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO customers_customer (first_name, last_name, username, email,
                    mobile_number, password, is_active, mail_status, newsletter, is_deleted,
                    safe, created_at, updated_at, customer_group_id)
                SELECT 'First' || i, 'Last' || i, 'c' || i || '@example.com',
                    'c' || i || '@example.com', '+44770' || (1000000 + i), '!', 1, 0, 0, 0, 0,
                    datetime('2026-01-01', '+' || i || ' seconds'),
                    datetime('2026-01-01', '+' || i || ' seconds'), ?
                FROM n
                """,
                (count, group),
            )
            db.commit()

    def start_worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 (kept for the process)
        worker = subprocess.Popen(
            [
                CELERY,
                "-A",
                "ecommerce_admin",
                "worker",
                "--beat",
                "-c",
                str(concurrency),
                "-n",
                f"{name}@%h",
                "-Q",
                self.env["CELERY_QUEUE"],
                "-l",
                "info",
                "-s",
                str(self.root / f"{name}-beat"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes: a machine that died, not a shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                self.kill(worker)
        if self.web is not None:
            self.web.terminate()
            self.web.wait(timeout=10)
        if self.env["CELERY_BROKER_URL"].startswith("redis://"):
            import redis

            # The test's own queue (beat keeps sending sweeps to it) leaves nothing behind.
            queue = self.env["CELERY_QUEUE"]
            redis.Redis.from_url(self.env["CELERY_BROKER_URL"]).delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )

    def call(self, method: str, path: str, data=None, *, token: str | None = None):
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=body,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        token = self.token if token is None else token
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                status = response.status
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            raw, status, kind = error.read(), error.code, error.headers.get("Content-Type", "")
        return status, (json.loads(raw) if kind.startswith("application/json") else raw)

    def job(self, job_id: int) -> dict:
        return self.call("GET", f"/api/jobs/{job_id}")[1]["data"]

    def export(self, **data) -> int:
        status, body = self.call("POST", "/api/jobs/customer-export", data)
        assert status == 202, body
        return body["data"]["jobId"]

    def wait(self, job_id: int, until, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if until(job):
                return job
            assert time.monotonic() < deadline, job
            time.sleep(0.05)

    def attempt(self, job_id: int) -> int:
        with contextlib.closing(sqlite3.connect(self.db)) as db:
            return db.execute("SELECT attempt FROM jobs_job WHERE id = ?", (job_id,)).fetchone()[0]


def finished(job: dict) -> bool:
    return job["status"] in {"done", "failed", "cancelled"}


def running_with_rows(job: dict) -> bool:
    return job["status"] == "running" and job["rowsDone"] > 0


# CI sets JOBS_REQUIRE_REDIS=1: there a missing Redis fails the run instead of skipping.
_NO_REDIS = not redis_reachable() and os.environ.get("JOBS_REQUIRE_REDIS") != "1"
BROKERS = [
    pytest.param("", id="embedded"),
    pytest.param(
        REDIS_DB,
        id="redis",
        marks=pytest.mark.skipif(_NO_REDIS, reason="no Redis on 127.0.0.1:6379"),
    ),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return Stack(tmp_path_factory.mktemp("template"), "").prepare()


@pytest.fixture(scope="module", params=BROKERS)
def stack(request, tmp_path_factory, template):
    root = tmp_path_factory.mktemp(f"stack-{request.param_index}")
    stack = Stack(root, request.param)
    try:
        yield stack.start(template)
    finally:
        stack.stop()


def test_a_worker_runs_an_export_job_to_the_same_file(stack):
    worker = stack.start_worker("w-basic")
    try:
        job_id = stack.export(format="csv", name="First1")
        job = stack.wait(job_id, finished)
        assert job["status"] == "done", job
        assert job["rowsTotal"] == job["rowsDone"] > 0
        status, data = stack.call("GET", f"/api/jobs/{job_id}/download")
        assert status == 200
        _, sync = stack.call("GET", "/api/customer/allcustomer-excel-list?name=First1&format=csv")
        assert data == sync
        # The signed link needs no token.
        status, data_signed = stack.call("GET", job["downloadUrl"], token="")
        assert status == 200
        assert data_signed == data
    finally:
        stack.kill(worker)


def test_a_cancelled_running_job_stops_within_five_seconds(stack):
    worker = stack.start_worker("w-cancel")
    try:
        job_id = stack.export(format="xlsx")
        stack.wait(job_id, running_with_rows)
        status, body = stack.call("DELETE", f"/api/jobs/{job_id}")
        cancelled_at = time.monotonic()
        assert (status, body) == (200, {"status": 1, "message": "Job cancelled"})
        # One worker process: the next job starts only once the cancelled one has stopped.
        follower = stack.export(format="csv", name="First2")
        job = stack.wait(follower, lambda j: j["startedDate"] is not None, timeout=30)
        assert time.monotonic() - cancelled_at < 5, job
        assert stack.wait(follower, finished)["status"] == "done"
        cancelled = stack.job(job_id)
        assert cancelled["status"] == "cancelled"
        assert cancelled["downloadUrl"] is None
    finally:
        stack.kill(worker)


def test_a_killed_worker_s_job_is_retried_once_then_failed(stack):
    first = stack.start_worker("w-die-1")
    job_id = stack.export(format="xlsx")
    stack.wait(job_id, running_with_rows)
    stack.kill(first)
    assert stack.job(job_id)["status"] == "running"

    # A worker comes back: the job is picked up again (attempt 2) ...
    second = stack.start_worker("w-die-2")
    started = time.monotonic()
    stack.wait(job_id, lambda j: running_with_rows(j) and stack.attempt(job_id) == 2)
    assert time.monotonic() - started < 120
    stack.kill(second)

    # ... and when that worker dies too, the job fails instead of staying `running`.
    third = stack.start_worker("w-die-3")
    try:
        job = stack.wait(job_id, finished)
        assert job["status"] == "failed"
        assert job["error"] == "The worker stopped before the job finished."
        # The worker is healthy: the next job runs to its end.
        assert stack.wait(stack.export(format="csv", name="First3"), finished)["status"] == "done"
    finally:
        stack.kill(third)


def test_a_killed_worker_s_job_completes_on_retry(stack):
    if stack.env["CELERY_BROKER_URL"]:
        pytest.skip("the retry itself is the broker-independent sweep: shown once, embedded")
    first = stack.start_worker("w-retry-1")
    job_id = stack.export(format="csv")
    stack.wait(job_id, running_with_rows)
    stack.kill(first)
    second = stack.start_worker("w-retry-2")
    try:
        job = stack.wait(job_id, finished)
        assert job["status"] == "done", job
        assert job["rowsDone"] == job["rowsTotal"] == CUSTOMERS
        assert stack.attempt(job_id) == 2
    finally:
        stack.kill(second)


def test_two_workers_run_two_exports_in_parallel(stack):
    workers = [stack.start_worker("w-par-1"), stack.start_worker("w-par-2")]
    try:
        jobs = [stack.export(format="xlsx"), stack.export(format="xlsx")]
        # Both are running at the same moment, on different workers.
        deadline = time.monotonic() + 60
        while True:
            states = [stack.job(j) for j in jobs]
            if all(running_with_rows(s) for s in states):
                break
            assert not any(finished(s) for s in states), states
            assert time.monotonic() < deadline, states
            time.sleep(0.05)
        with contextlib.closing(sqlite3.connect(stack.db)) as db:
            names = {
                row[0].split(":")[0]
                for row in db.execute("SELECT worker FROM jobs_job WHERE id IN (?, ?)", jobs)
            }
        assert len(names) == 2, names
        for job_id in jobs:
            assert stack.wait(job_id, finished)["status"] == "done"
    finally:
        for worker in workers:
            stack.kill(worker)
