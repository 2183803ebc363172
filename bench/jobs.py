#!/usr/bin/env python
"""Background job benchmark (API.md §11): exports of N customers through real Celery workers.

    .venv/bin/python bench/jobs.py [--customers 1000000] \\
        [--database-url postgres://postgres@127.0.0.1:5432/jobs_bench] \\
        [--broker redis://127.0.0.1:6379/2]

One run, every process separate (as on several machines they would be): PostgreSQL, Redis, one
`celery beat`, one or two `celery worker` processes, and this script, which queues jobs through
the service layer and watches their rows.

1. Creates, migrates and seeds the database (bench/seed.py, generate_series) unless it already
   holds N customers.
2. xlsx job, then csv job, on one worker (one pool process): rows/s (rows ÷ started→finished),
   the pool process's CPU seconds (rows per CPU-second does not depend on how busy a shared
   machine is), time from queueing to the first progress write, and the pool process's RSS
   sampled every 100 ms — at 10 %, 50 %, 90 % of the rows and its peak — to show it stays flat.
3. Two workers, two xlsx jobs queued at once: both are `running` at the same time, and the wall
   time of the pair against the single job's time.
4. A worker SIGKILLed (with its pool) mid-job: the job's state is followed until it is done again
   on a restarted worker (retried once by the heartbeat sweep), never left `running`.
   The sweep runs every DJANGO_JOB_SWEEP_SECONDS (5 here) for heartbeats older than
   DJANGO_JOB_STALE_SECONDS (10 here); production defaults are 30 and 60 (≤ 90 s).
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jobs_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/2"
STALE, SWEEP = 10, 5


def env_for(url: str, broker: str, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        CELERY_BROKER_URL=broker,
        CELERY_QUEUE="jobs-bench",
        DJANGO_SECRET_KEY=env.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghij"
        ),
        DJANGO_SETTINGS_MODULE="ecommerce_admin.settings",
        DJANGO_MEDIA_ROOT=str(var / "media"),
        DJANGO_VAR_DIR=str(var),
        DJANGO_JOB_STALE_SECONDS=str(STALE),
        DJANGO_JOB_SWEEP_SECONDS=str(SWEEP),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def ensure_database(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (independent of how loaded the machine is)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


class Worker:
    def __init__(self, env: dict, name: str, log: Path):
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "ecommerce_admin",
                "worker",
                "-c",
                "1",
                "-n",
                f"{name}@%h",
                "-Q",
                env["CELERY_QUEUE"],
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_rss(self) -> int:
        """RSS of the pool process(es) that run the tasks (KiB)."""
        return max((rss_kib(c) for c in children(self.process.pid)), default=0)

    def pool_cpu(self) -> float:
        return sum(cpu_seconds(c) for c in children(self.process.pid))

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_ready(worker: Worker, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not children(worker.process.pid):
        if time.monotonic() > deadline:
            raise RuntimeError("worker did not start")
        time.sleep(0.2)
    time.sleep(1.0)  # connected to the broker


def queue_export(user, fmt: str) -> int:
    from jobs.services import create_export_job

    return create_export_job(user=user, fmt=fmt, filters={}, source="api").pk


def row(job_id: int):
    from jobs.models import Job

    return Job.objects.get(pk=job_id)


def follow(job_id: int, worker: Worker | None, *, timeout: float = 3600) -> dict:
    """Poll the job every 100 ms until it ends; RSS samples of `worker` along the way."""
    queued = time.monotonic()
    cpu_before = worker.pool_cpu() if worker is not None else 0.0
    first_progress = None
    samples: list[tuple[float, int]] = []  # (fraction done, RSS KiB)
    while True:
        job = row(job_id)
        if first_progress is None and job.rows_done > 0:
            first_progress = time.monotonic() - queued
        if worker is not None and job.status == "running":
            fraction = job.rows_done / job.rows_total if job.rows_total else 0.0
            samples.append((fraction, worker.pool_rss()))
        if job.status in ("done", "failed", "cancelled"):
            break
        if time.monotonic() - queued > timeout:
            raise RuntimeError(f"job {job_id} still {job.status}")
        time.sleep(0.1)
    seconds = (job.finished_at - job.started_at).total_seconds() if job.started_at else 0
    cpu = worker.pool_cpu() - cpu_before if worker is not None else 0.0
    return {
        "cpu": cpu,
        "job": job,
        "seconds": seconds,
        "rows_per_s": job.rows_done / seconds if seconds else 0,
        "first_progress": first_progress,
        "samples": samples,
    }


def at(samples, fraction: float) -> int:
    later = [rss for done, rss in samples if done >= fraction]
    return later[0] if later else 0


def report(label: str, result: dict) -> None:
    from django.core.files.storage import default_storage

    job, samples = result["job"], result["samples"]
    peak = max((rss for _, rss in samples), default=0)
    size = default_storage.size(job.file) / 2**20 if job.file else 0
    print(
        f"{label}: {job.status}, {job.rows_done:,} rows ({size:.1f} MiB) in "
        f"{result['seconds']:.1f} s = "
        f"{result['rows_per_s']:,.0f} rows/s (worker CPU {result['cpu']:.1f} s = "
        f"{result['job'].rows_done / max(result['cpu'], 0.001):,.0f} rows per CPU-second); "
        f"first progress {result['first_progress']:.2f} s "
        f"after queueing; pool RSS MiB at 10/50/90 %: "
        f"{at(samples, 0.1) / 1024:.0f}/{at(samples, 0.5) / 1024:.0f}/"
        f"{at(samples, 0.9) / 1024:.0f}, peak {peak / 1024:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--broker", default=DEFAULT_BROKER)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--var", default=str(ROOT / "var" / "bench-jobs"))
    args = parser.parse_args()

    var = Path(args.var)
    var.mkdir(parents=True, exist_ok=True)
    env = env_for(args.database_url, args.broker, var)
    os.environ.update(env)

    ensure_database(args.database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from bench import seed

    if seed.customer_count(args.database_url) != args.customers:
        started = time.monotonic()
        seed.seed(args.database_url, args.customers, log=lambda *a: None)
        print(f"seeded {args.customers:,} customers in {time.monotonic() - started:.0f} s")

    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model

    from customers.models import Customer
    from jobs.models import Job

    redis.Redis.from_url(args.broker).delete(env["CELERY_QUEUE"])
    user, _ = get_user_model().objects.get_or_create(
        username="bench-jobs",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.com"},
    )
    alive = Customer.objects.filter(is_deleted=False).count()
    print(f"{alive:,} live customers; broker {args.broker}; PostgreSQL {args.database_url}")

    beat = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "ecommerce_admin",
            "beat",
            "-l",
            "warning",
            "-s",
            str(var / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=(var / "beat.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    workers: list[Worker] = []
    try:
        print("\n-- one worker (one pool process) --")
        one = Worker(env, "bench-1", var / "worker-1.log")
        workers.append(one)
        wait_ready(one)
        idle = one.pool_rss()
        print(f"idle pool RSS {idle / 1024:.0f} MiB")
        single = {}
        for fmt in ("xlsx", "csv"):
            single[fmt] = follow(queue_export(user, fmt), one)
            report(f"{fmt} export", single[fmt])

        print("\n-- two workers, two xlsx jobs queued at once --")
        two = Worker(env, "bench-2", var / "worker-2.log")
        workers.append(two)
        wait_ready(two)
        started = time.monotonic()
        pair = [queue_export(user, "xlsx"), queue_export(user, "xlsx")]
        both_running = None
        while True:
            jobs = [row(pk) for pk in pair]
            if both_running is None and all(j.status == "running" for j in jobs):
                both_running = time.monotonic() - started
            if all(j.status in ("done", "failed", "cancelled") for j in jobs):
                break
            time.sleep(0.1)
        wall = time.monotonic() - started
        for job in jobs:
            print(
                f"job {job.pk}: {job.status} on {job.worker}, "
                f"{job.started_at:%H:%M:%S.%f}→{job.finished_at:%H:%M:%S.%f}"
            )
        overlap = min(j.finished_at for j in jobs) - max(j.started_at for j in jobs)
        one_job = single["xlsx"]["seconds"]
        print(
            f"both running {both_running:.2f} s after queueing; running side by side for "
            f"{overlap.total_seconds():.1f} s; pair done in {wall:.1f} s vs one xlsx job "
            f"{one_job:.1f} s (one after the other: ~{2 * one_job:.1f} s)"
        )
        two.stop()
        workers.remove(two)

        print(f"\n-- a worker killed mid-job (stale after {STALE} s, sweep every {SWEEP} s) --")
        job_id = queue_export(user, "xlsx")
        while row(job_id).rows_done < (row(job_id).rows_total or 1) * 0.3:
            time.sleep(0.05)
        killed_at = time.monotonic()
        done_before = row(job_id).rows_done
        one.kill()
        workers.remove(one)
        print(f"SIGKILL worker at {done_before:,} rows; job is {row(job_id).status}")
        replacement = Worker(env, "bench-3", var / "worker-3.log")
        workers.append(replacement)
        seen = []
        while True:
            job = row(job_id)
            state = (job.status, job.attempt)
            if not seen or seen[-1][1] != state:
                seen.append((time.monotonic() - killed_at, state))
            if job.status in ("done", "failed", "cancelled"):
                break
            if time.monotonic() - killed_at > 900:
                raise RuntimeError(f"job {job_id} stuck {job.status}")
            time.sleep(0.1)
        for seconds, (status, attempt) in seen:
            print(f"  +{seconds:5.1f} s  {status:<9} attempt {attempt}")
        print(f"job {job_id}: {job.status} with {job.rows_done:,} rows, error {job.error!r}")
        stuck = Job.objects.filter(status="running").count()
        print(f"jobs left running: {stuck}")
    finally:
        for worker in workers:
            worker.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(timeout=30)
        redis.Redis.from_url(args.broker).delete(env["CELERY_QUEUE"])
        shutil.rmtree(var / "media" / "jobs", ignore_errors=True)  # the exported files


if __name__ == "__main__":
    main()
