"""Benchmark: the operator's verification queue page with 10,000 pending applications.

Run on PostgreSQL (the database is created and migrated if missing; its data is reused on
the next run):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_verification_bench \\
        .venv/bin/python benchmarks/queue_page.py [--rows 10000] [--runs 20]

It creates one operator (包头市, 150200) with a reviewer, and `--rows` pending applications
owned by it (bulk inserts, with progress), then times the server side of GET /suppliers/queue/
through Django's test Client in process (middleware, session, view, queries, template; no
network) logged in as the reviewer: median and p95 of `--runs` runs after warm-up, and the
number of SQL queries per request. Target: ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

OPERATOR_NAME = "基准测试：包头市公共资源交易中心"
REVIEWER = "bench-queue-reviewer"
BATCH = 1000


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        sys.exit("Run this benchmark on PostgreSQL: set DATABASE_URL=postgres://…")
    conninfo = psycopg.conninfo.make_conninfo(
        host=str(cfg.get("HOST") or "127.0.0.1"),
        port=str(cfg.get("PORT") or 5432),
        user=str(cfg.get("USER") or "postgres"),
        password=str(cfg.get("PASSWORD") or ""),
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"created database {cfg['NAME']}")


def progress(label: str, done: int, total: int) -> None:
    print(f"\r  {label}: {done:>6}/{total}", end="" if done < total else "\n", flush=True)


def create_data(rows: int) -> tuple[object, object]:
    """The operator, its reviewer and `rows` pending applications it owns (reused if present)."""
    from django.db import transaction
    from django.utils import timezone

    from govmall.accounts.models import Organisation, User, UserRole
    from govmall.suppliers.codes import make_credit_code
    from govmall.suppliers.models import Application, Supplier

    operator, _ = Organisation.objects.get_or_create(
        kind="operator", name=OPERATOR_NAME, defaults={"division_id": "150200"}
    )
    reviewer, created = User.objects.get_or_create(
        username=REVIEWER, defaults={"organisation": operator, "display_name": "基准审核员"}
    )
    if created:
        UserRole.objects.create(user=reviewer, role="operator_reviewer")
    submitter, created = User.objects.get_or_create(
        username="bench-queue-submitter", defaults={"display_name": "基准提交人"}
    )
    have = Application.objects.filter(owner=operator, status="pending").count()
    if have >= rows:
        print(f"reusing {have} pending applications owned by {OPERATOR_NAME}")
        return operator, reviewer
    print(f"creating {rows - have} pending applications owned by {OPERATOR_NAME}")
    now = timezone.now()
    started = time.perf_counter()
    for start in range(have, rows, BATCH):
        end = min(start + BATCH, rows)
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                Organisation(kind="supplier", name=f"基准供应商{i:06d}", division_id="150202")
                for i in range(start, end)
            )
            suppliers = Supplier.objects.bulk_create(
                Supplier(
                    organisation=org,
                    credit_code=make_credit_code("91", "150202", 800_000_000 + i),
                    supplier_type="enterprise",
                    size="small",
                    legal_representative="张三",
                    contact_name="李四",
                    contact_phone="0472-1234567",
                    business_scope="办公设备销售",
                    status="pending",
                    registered_at=now,
                )
                for i, org in zip(range(start, end), orgs, strict=True)
            )
            Application.objects.bulk_create(
                Application(
                    number=f"SUP-B-{i:07d}",
                    supplier=supplier,
                    kind="onboarding",
                    status="pending",
                    data={"name": supplier.organisation.name},
                    owner=operator,
                    submitted_by=submitter,
                    submitted_at=now - timedelta(minutes=i % 5000),
                    # deadlines spread over ±3 days: some overdue, most not
                    deadline=now + timedelta(minutes=(i * 7919) % 8640 - 4320),
                )
                for i, supplier in zip(range(start, end), suppliers, strict=True)
            )
        progress("applications", end, rows)
    print(f"  created in {time.perf_counter() - started:.1f} s")
    return operator, reviewer


def measure(reviewer: object, runs: int) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(reviewer)  # type: ignore[arg-type]
    for _ in range(3):  # warm-up: templates, translations, connection
        assert client.get("/suppliers/queue/").status_code == 200
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/suppliers/queue/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured.captured_queries)
    rows = response.content.decode().count('data-testid="queue-row"')
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": p95,
        "min_ms": timings[0],
        "max_ms": timings[-1],
        "queries": queries,
        "rows_on_page": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. …/govmall_verification_bench")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from govmall.suppliers.models import Application

    _operator, reviewer = create_data(args.rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suppliers_application")
    total = Application.objects.filter(status="pending").count()
    result = measure(reviewer, args.runs)
    print(
        f"GET /suppliers/queue/ with {total} pending applications ({connection.vendor}, "
        f"{os.cpu_count()} cores), {args.runs} runs:"
    )
    print(
        f"  median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
        f"(min {result['min_ms']:.1f}, max {result['max_ms']:.1f}); "
        f"{result['queries']} SQL queries per request; {result['rows_on_page']} rows on the page"
    )
    verdict = "meets" if result["p95_ms"] <= 100 else "MISSES"
    print(f"  target ≤ 100 ms: {verdict}")


if __name__ == "__main__":
    main()
