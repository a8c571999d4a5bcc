"""The PostgreSQL backend's sources give the same answers: the fixed query table through the
plain bitmap, the groups of weeks and the newest-first probe, with caps small enough that
every source stops early. Plus the pieces that choose a source (statistics, week groups) and
the cached category tree.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hsearch2 .venv/bin/pytest \\
        tests/catalog/test_search_pg.py
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from govmall.catalog.models import Category, Listing
from govmall.catalog.search.backend import Hits
from govmall.catalog.search.index import sync_listings
from govmall.catalog.search.pg_stats import TableStats
from govmall.catalog.search.query import parse_query
from govmall.catalog.search.service import build_plan
from govmall.catalog.search.tables import category_table
from tests.catalog.test_search_table import TABLE, build_dataset, run

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backend"
)


def spread_over_weeks() -> None:
    """The listings listed four days apart up to four days ago, in the table's order (L16
    newest), over about nine weeks: the week groups have something to skip."""
    ids = [
        row["pk"]
        for row in Listing.objects.filter(state="listed").order_by("listed_at", "pk").values("pk")
    ]
    now = timezone.now()
    for n, pk in enumerate(ids):
        Listing.objects.filter(pk=pk).update(listed_at=now - timedelta(days=4 * (len(ids) - n)))
    sync_listings(ids)


def answer(hits: Hits, cap: int) -> tuple[Any, ...]:
    return (
        hits.n,
        hits.page_ids,
        hits.categories,
        hits.brands,
        hits.price_buckets,
        hits.n > cap and (hits.estimate or 0) > cap,
    )


@postgres_only
@pytest.mark.django_db
def test_every_source_gives_the_plain_answer():
    from govmall.catalog.search.backend_pg import PostgresBackend

    build_dataset()
    spread_over_weeks()
    categories = category_table()
    variants = [
        {"path": "weeks"},
        {"path": "weeks", "first_weeks": 1},
        {"path": "weeks", "first_weeks": 3},
        {"path": "probe"},
        {"path": "probe", "probe_rows": 3},
        {"path": "probe", "probe_rows": 9},
    ]
    failures = []
    checked = 0
    for params, _expected in TABLE:
        for cap in (1, 3, 50):
            query = replace(parse_query({"page_size": "3", **params}), cap=cap)
            plan = build_plan(query, categories)
            plain = answer(PostgresBackend(path="plain").run(plan), cap)
            for variant in variants:
                backend = PostgresBackend(**variant)
                got = answer(backend.run(plan), cap)
                checked += 1
                if got != plain:
                    failures.append(f"{params} cap {cap} {variant} {backend.trace}: {got} {plain}")
    assert not failures, "\n".join(failures[:10])
    assert checked == len(TABLE) * 3 * len(variants)


@postgres_only
@pytest.mark.django_db
def test_sources_stop_early_and_estimate_the_rest():
    from govmall.catalog.search.backend_pg import PostgresBackend

    build_dataset()
    spread_over_weeks()
    plan = build_plan(replace(parse_query({"sort": "newest"}), cap=2), category_table())
    weeks = PostgresBackend(path="weeks", first_weeks=1)
    hits = weeks.run(plan)
    assert weeks.trace == ["weeks"]
    assert hits.n == 3
    # the newest group alone (the listings of the newest weeks) brought the count to 3
    assert 3 <= hits.total < 16
    assert hits.estimate is not None and hits.estimate >= 3
    probe = PostgresBackend(path="probe", probe_rows=4)
    assert probe.run(plan).n == 3
    assert probe.trace == ["probe"]
    # a probe that ends before cap + 1 matches hands over to the weeks
    rare = build_plan(replace(parse_query({"q": "空调"}), cap=2), category_table())
    probe = PostgresBackend(path="probe", probe_rows=2)
    assert probe.run(rare).n == 3
    assert probe.trace == ["probe", "weeks"]
    # a price order walks the price index with bitmaps off; the caller's settings come back
    cheap = build_plan(
        replace(parse_query({"q": "打印机", "sort": "price"}), cap=2), category_table()
    )
    assert len(PostgresBackend().run(cheap).page_ids) == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_bitmapscan')"
        )
        assert cursor.fetchone() == ("on", "on")


@postgres_only
@pytest.mark.django_db
def test_category_tree_cache_sees_changes_in_the_same_transaction():
    build_dataset()
    before = run({"q": "打印机"}).facets["categories"]
    assert before[-1]["name_zh"] == "喷墨打印机"
    Category.objects.filter(code="Z020202").update(name_zh="喷墨式打印机")
    after = run({"q": "打印机"}).facets["categories"]
    assert after[-1]["name_zh"] == "喷墨式打印机"
    assert category_table() is category_table()  # unchanged: the cached dict


def test_share_and_cutoff_follow_the_histogram():
    day = datetime(2026, 1, 1, tzinfo=UTC)
    stats = TableStats(
        rows=1000.0,
        bounds=tuple(day + timedelta(days=d) for d in range(0, 101, 10)),  # 10 buckets
        freqs={1: 0.5},
        floor=0.01,
    )
    assert stats.known
    assert stats.share_since(day - timedelta(days=1)) == 1.0
    assert stats.share_since(day + timedelta(days=95)) == pytest.approx(0.05)
    assert stats.share_since(day + timedelta(days=50)) == pytest.approx(0.5)
    cutoff = stats.cutoff(0.25)
    assert cutoff == day + timedelta(days=75)
    assert stats.share_since(cutoff) == pytest.approx(0.25)
    assert stats.cutoff(1.0) is None
    assert (stats.freq(1), stats.freq(2)) == (0.5, 0.01)
    assert not TableStats().known
    assert TableStats().share_since(day) == 1.0


def test_week_groups_grow_and_cover_every_week():
    from govmall.catalog.search.backend_pg import PostgresBackend

    stats = TableStats(
        rows=1000.0,
        bounds=(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
    )
    lows, highs, terms = PostgresBackend(first_weeks=2)._groups(stats, 10, 0.1)
    assert lows[:5] == [1, 3, 4, 6, 9]
    assert highs[:5] == [2, 3, 5, 8, 12]
    assert highs[-1] == len(terms)
    assert all(lo == hi_before + 1 for lo, hi_before in zip(lows[1:], highs, strict=False))
    # without statistics: one week first, back three years
    lows, highs, terms = PostgresBackend()._groups(TableStats(), 10, 0.0)
    assert (lows[:3], highs[:3]) == ([1, 2, 3], [1, 2, 3])
    assert 156 <= len(terms) <= 158 and highs[-1] == len(terms)
