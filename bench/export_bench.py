#!/usr/bin/env python
"""Customer export benchmark: xlsx and csv exports against the PostgreSQL COPY floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exports \
        .venv/bin/python bench/export_bench.py --rows 1000000

One run: (1) creates the bench database if needed and migrates it, (2) seeds N customers with
COPY (skipped when the table already holds exactly N), (3) times the floor —
`COPY (SELECT <the exported columns> ... ORDER BY newest first) TO STDOUT` — and (4) runs
`manage.py export_customers` for xlsx and csv, each in its own process (best of --repeat
runs), reading its peak RSS from wait4()'s rusage. A one-row export gives the baseline RSS of a
Django process, so "growth" is what the export itself costs. Each export's time is printed as a
ratio to the floor. `--libraries` also times openpyxl and XlsxWriter writing the same rows.
"""

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_exports"
GROUPS = 50
DELETED_EVERY = 50  # 2% soft-deleted, as in PERFORMANCE-AND-SECURITY.md §C
FIRST = ["Anna", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Grace", "Hiro", "Ines", "Jonas"]
LAST = ["Smith", "Müller", "García", "O'Brien", "Nakamura", "Okafor", "Rossi", "Kowalski", ""]


def bench_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuv")
    env.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")
    return env


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(url: str, rows: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        count = conn.execute("SELECT count(*) FROM customers_customer").fetchone()[0]
        if count == rows:
            print(f"seed: table already holds {rows:,} customers")
            return
        started = time.perf_counter()
        conn.execute("TRUNCATE customers_customer, customers_exportlog RESTART IDENTITY CASCADE")
        conn.execute("DELETE FROM customers_customergroup WHERE NOT is_default")
        now = dt.datetime.now(dt.UTC)
        with conn.cursor().copy(
            "COPY customers_customergroup (name, description, color_code, is_active, is_default,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for n in range(GROUPS):
                copy.write_row([f"Bench group {n}", "", "#336699", True, False, now, now])
        group_ids = [
            r[0] for r in conn.execute("SELECT id FROM customers_customergroup ORDER BY id")
        ]
        rng = random.Random(42)
        start = now - dt.timedelta(days=3 * 365)
        step = (3 * 365 * 86400) / rows
        columns = (
            "first_name, last_name, username, email, mobile_number, password, customer_group_id,"
            " is_active, mail_status, newsletter, is_deleted, safe, created_at, updated_at"
        )
        # Rows are written as COPY text blocks: the password is Django's unusable marker.
        with conn.cursor().copy(f"COPY customers_customer ({columns}) FROM STDIN") as copy:
            lines = []
            for n in range(rows):
                first = FIRST[n % len(FIRST)]
                last = LAST[(n // 7) % len(LAST)] or "\\N"
                email = f"customer{n}@bench.example.com"
                created = (start + dt.timedelta(seconds=n * step + rng.random())).isoformat()
                deleted = "t" if n % DELETED_EVERY == 0 else "f"
                lines.append(
                    f"{first}\t{last}\t{email}\t{email}\t+4470{n:09d}\t!bench\t"
                    f"{group_ids[n % GROUPS]}\t{'t' if n % 3 else 'f'}\tf\tf\t{deleted}\tf\t"
                    f"{created}\t{created}\n"
                )
                if len(lines) == 10_000:
                    copy.write("".join(lines))
                    lines.clear()
            copy.write("".join(lines))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE customers_customer")
        print(f"seed: {rows:,} customers in {time.perf_counter() - started:.1f}s")


FLOOR_SQL = (
    "COPY (SELECT c.id, trim(c.first_name || ' ' || coalesce(c.last_name, '')), c.username,"
    " c.email, c.mobile_number, c.created_at FROM customers_customer c"
    " WHERE NOT c.is_deleted ORDER BY c.created_at DESC, c.id DESC) TO STDOUT"
)


def copy_floor(url: str) -> tuple[float, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("SELECT 1")
        best = None
        for _ in range(3):
            started = time.perf_counter()
            size = 0
            with conn.cursor().copy(FLOOR_SQL) as copy:
                for block in copy:
                    size += len(block)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        live = conn.execute(
            "SELECT count(*) FROM customers_customer WHERE NOT is_deleted"
        ).fetchone()[0]
    return best, live


def run_export(url: str, fmt: str, extra: list[str]) -> tuple[float, float, int]:
    """(seconds reported by the command, peak RSS in MiB, rows) for one export process."""
    out = Path(tempfile.gettempdir()) / f"bench_export_{os.getpid()}.{fmt}"
    cmd = [
        sys.executable,
        str(ROOT / "manage.py"),
        "export_customers",
        "--output",
        str(out),
        "--format",
        fmt,
        *extra,
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=bench_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stdout = proc.stdout.read().decode()
    stderr = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SystemExit(f"export failed ({' '.join(cmd)}):\n{stdout}\n{stderr}")
    match = re.search(r"Exported ([0-9,]+) rows .* in ([0-9.]+)s", stdout)
    if not match:
        raise SystemExit(f"unexpected output: {stdout!r}")
    rows = int(match.group(1).replace(",", ""))
    return float(match.group(2)), usage.ru_maxrss / 1024, rows


def library_export(writer: str) -> None:
    """Child process of --libraries: the same rows written by openpyxl or XlsxWriter."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from customers import exports
    from customers.models import Customer

    rows = exports.queryset_rows(Customer.objects.alive().newest_first())
    target = Path(tempfile.gettempdir()) / f"bench_library_{os.getpid()}.xlsx"
    started = time.perf_counter()
    count = 0
    if writer == "openpyxl":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(exports.ALL_SHEET)
        sheet.append(exports.HEADERS)
        for row in rows:
            sheet.append([exports.sanitise_cell(value) for value in row])
            count += 1
        book.save(target)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(
            str(target),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        sheet = book.add_worksheet(exports.ALL_SHEET)
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write_row(0, 0, exports.HEADERS)
        s = exports.sanitise_cell
        for count, (pk, name, user, email, mobile, created) in enumerate(rows, start=1):
            sheet.write_number(count, 0, pk)
            sheet.write_string(count, 1, s(name))
            sheet.write_string(count, 2, s(user))
            sheet.write_string(count, 3, s(email))
            sheet.write_string(count, 4, s(mobile))
            sheet.write_datetime(count, 5, created, stamp)
        book.close()
    target.unlink(missing_ok=True)
    print(f"Exported {count:,} rows with {writer} in {time.perf_counter() - started:.2f}s")


def run_library(url: str, writer: str) -> tuple[float, float, int]:
    cmd = [sys.executable, __file__, "--library-child", writer]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=bench_env(url), stdout=subprocess.PIPE)
    stdout = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{writer} export failed:\n{stdout}")
    match = re.search(r"Exported ([0-9,]+) rows .* in ([0-9.]+)s", stdout)
    return float(match.group(2)), usage.ru_maxrss / 1024, int(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=3, help="runs per export (best is kept)")
    parser.add_argument("--only", choices=["xlsx", "csv"], help="run one format only")
    parser.add_argument(
        "--libraries",
        action="store_true",
        help="also time openpyxl write-only and XlsxWriter constant_memory on the same rows",
    )
    parser.add_argument("--library-child", choices=["openpyxl", "xlsxwriter"], help="internal")
    args = parser.parse_args()
    if args.library_child:
        library_export(args.library_child)
        return
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the benchmark needs PostgreSQL (COPY floor, server-side cursors)")

    ensure_database(args.database_url)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=bench_env(args.database_url),
        check=True,
    )
    seed(args.database_url, args.rows)

    floor, live = copy_floor(args.database_url)
    print(f"floor: COPY TO STDOUT of {live:,} rows: {floor:.2f}s ({live / floor:,.0f} rows/s)")

    # Baseline: a one-row export (Django, drivers and writers imported, nothing exported).
    _, base_rss, _ = run_export(
        args.database_url, "csv", ["--email", "customer1@bench.example.com"]
    )
    print(f"baseline: one-row export process peak RSS {base_rss:.0f} MiB")

    for fmt in ["csv", "xlsx"]:
        if args.only and fmt != args.only:
            continue
        # Best time of --repeat runs (the 2 cores are shared: single runs vary by up to 2x);
        # the peak RSS is the largest seen.
        runs = [run_export(args.database_url, fmt, []) for _ in range(args.repeat)]
        seconds = min(run[0] for run in runs)
        rss = max(run[1] for run in runs)
        rows = runs[0][2]
        print(
            f"{fmt}: {rows:,} rows in {seconds:.2f}s ({rows / seconds:,.0f} rows/s), "
            f"{seconds / floor:.1f}x the COPY floor; peak RSS {rss:.0f} MiB "
            f"(+{rss - base_rss:.0f} MiB over baseline)"
        )
    if args.libraries:
        for writer in ["openpyxl", "xlsxwriter"]:
            seconds, rss, rows = run_library(args.database_url, writer)
            print(
                f"xlsx via {writer}: {rows:,} rows in {seconds:.2f}s ({rows / seconds:,.0f} "
                f"rows/s), {seconds / floor:.1f}x the COPY floor; peak RSS {rss:.0f} MiB"
            )


if __name__ == "__main__":
    main()
