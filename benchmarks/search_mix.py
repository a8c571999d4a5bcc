"""Benchmark: the catalogue search mix (target: p95 ≤ 50 ms with facets on 1,000,000 listings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench_search \\
        .venv/bin/python benchmarks/search_mix.py [--rounds 30] [--api] [--explain]

Run benchmarks/catalog_generate.py first (same DATABASE_URL). The fixed mix goes through the
real search service (`parse_query` + `search`, results hydrated, facets built) — or, with
`--api`, through GET /api/v1/catalog/search with Django's test client (middleware, JSON) —
`--warmup` rounds first, then `--rounds` rounds; prints per query median and p95, the
overall p95, counts, the number of search rows and the PostgreSQL settings in force.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import say, setup_django

SETTINGS = (
    "server_version",
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
)


def exact_model() -> str:
    """A real model number of an HP laser printer in the data (deterministic)."""
    from govmall.catalog.models import Listing

    model = (
        Listing.objects.filter(category__code="A0201060102", brand="惠普", state="listed")
        .order_by("id")
        .values_list("model_no", flat=True)
        .first()
    )
    return model or "LaserJet Pro M404dn"


def mix() -> list[tuple[str, dict[str, Any]]]:
    model = exact_model()
    return [
        ("打印机 (broad)", {"q": "打印机"}),
        (
            "联想 + category A020101 + 3000–6000",
            {"q": "联想", "category": "A020101", "min_price": "3000", "max_price": "6000"},
        ),
        ("惠普 激光打印机", {"q": "惠普 激光打印机"}),
        ("空调", {"q": "空调"}),
        (f"exact model {model.upper()}", {"q": model.upper()}),
        (
            "办公椅 300–1000 by price",
            {"q": "办公椅", "min_price": "300", "max_price": "1000", "sort": "price"},
        ),
    ]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def sources(params: dict[str, Any]) -> list[str]:
    """The sources the PostgreSQL backend runs for a query (docs/adr/0005)."""
    from govmall.catalog.search.backend_pg import PostgresBackend
    from govmall.catalog.search.query import parse_query
    from govmall.catalog.search.service import build_plan
    from govmall.catalog.search.tables import category_table

    backend = PostgresBackend()
    backend.run(build_plan(parse_query(params), category_table()))
    return backend.trace


def explain(params: dict[str, Any]) -> None:
    """EXPLAIN ANALYZE of every statement one search runs, with the search's settings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govmall.catalog.search.backend_pg import SETTINGS
    from govmall.catalog.search.query import parse_query
    from govmall.catalog.search.service import search

    with CaptureQueriesContext(connection) as captured:
        search(parse_query(params))
    statements = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        for name, value in SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "set_config" in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("%", "%%"))
            say("\n".join(r[0] for r in cursor.fetchall()))
        cursor.execute("ROLLBACK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--api", action="store_true", help="through the API (test client)")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--cap", type=int, default=0, help="override GOVMALL_SEARCH_CAP")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://…/govmall_bench_search")
    setup_django()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from govmall.catalog.search.query import parse_query
    from govmall.catalog.search.service import search, search_cap

    if args.cap:
        settings.GOVMALL_SEARCH_CAP = args.cap
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    queries = mix()

    def once(params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        start = time.perf_counter()
        if args.api:
            response = client.get("/api/v1/catalog/search", params)
            assert response.status_code == 200, response.content[:300]
            body = response.json()
        else:
            body = search(parse_query(params)).as_dict()
        return (time.perf_counter() - start) * 1000, body

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_searchrow")
        rows = cursor.fetchone()[0]
        shown = {}
        for name in SETTINGS:
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]
    say(f"search rows: {rows:,}; cap {search_cap()}; via {'API' if args.api else 'service'}")
    say("PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in shown.items()))
    say("load average before: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    for _ in range(args.warmup):
        for _label, params in queries:
            once(params)
    times: dict[str, list[float]] = {label: [] for label, _p in queries}
    bodies: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for label, params in queries:
            ms, body = once(params)
            times[label].append(ms)
            bodies[label] = body
            reset_queries()
    everything: list[float] = []
    print(f"{'query':40} {'median':>7} {'p95':>7}  count; sources")
    for (label, params), values in zip(queries, times.values(), strict=True):
        everything += values
        body = bodies[label]
        count = f"{'~' if body['count_is_estimate'] else ''}{body['count']:,}"
        print(
            f"{label:40} {statistics.median(values):7.1f} {p95(values):7.1f}  {count} "
            f"({len(body['results'])} shown, {len(body['facets']['categories'])} category / "
            f"{len(body['facets']['brands'])} brand facets); {' + '.join(sources(params))}"
        )
    print(f"overall p95: {p95(everything):.1f} ms over {len(everything)} searches")
    say("load average after: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    if args.explain:
        for label, params in queries:
            say(f"--- {label}")
            explain(params)


if __name__ == "__main__":
    main()
