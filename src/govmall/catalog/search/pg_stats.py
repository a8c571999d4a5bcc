"""What the PostgreSQL backend knows about the search table before it searches: the row count
(pg_class), the equi-depth histograms of listed_at and price and the element frequencies of
`terms` (pg_stats, most_common_elems), read in one statement and cached per process and database
for a few minutes. Only the choice of a path and the "约" count depend on them, never the
answer (docs/adr/0005)."""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

TTL = 300.0

_STATS_SQL = """
SELECT
    (SELECT reltuples FROM pg_class WHERE oid = 'catalog_searchrow'::regclass),
    (SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
        WHERE tablename = 'catalog_searchrow' AND attname = 'listed_at'
        AND schemaname = ANY(current_schemas(false)) LIMIT 1),
    (SELECT most_common_elems::text FROM pg_stats
        WHERE tablename = 'catalog_searchrow' AND attname = 'terms'
        AND schemaname = ANY(current_schemas(false)) LIMIT 1),
    (SELECT most_common_elem_freqs FROM pg_stats
        WHERE tablename = 'catalog_searchrow' AND attname = 'terms'
        AND schemaname = ANY(current_schemas(false)) LIMIT 1),
    (SELECT histogram_bounds::text::float8[] FROM pg_stats
        WHERE tablename = 'catalog_searchrow' AND attname = 'price'
        AND schemaname = ANY(current_schemas(false)) LIMIT 1)
"""


@dataclass(frozen=True)
class TableStats:
    rows: float = 0.0
    bounds: tuple[datetime, ...] = ()
    freqs: dict[int, float] = field(default_factory=dict)
    # the lowest listed frequency: a term not in the list is about this rare or rarer
    floor: float = 0.0
    prices: tuple[float, ...] = ()  # the equi-depth histogram of price

    @property
    def known(self) -> bool:
        return self.rows > 0 and bool(self.freqs)

    def freq(self, term: int) -> float:
        return self.freqs.get(term, self.floor)

    def listed(self, term: int) -> bool:
        return term in self.freqs

    def share_since(self, at: datetime) -> float:
        """About which share of the rows was listed at or after `at` (linear inside a
        histogram bucket; 1 without a histogram; a twentieth of a bucket after its end)."""
        bounds = self.bounds
        buckets = len(bounds) - 1
        if buckets < 2 or at <= bounds[0]:
            return 1.0
        if at >= bounds[-1]:
            return 0.05 / buckets
        i = bisect_right(bounds, at) - 1
        low, high = bounds[i], bounds[i + 1]
        span = (high - low).total_seconds()
        inside = (high - at).total_seconds() / span if span > 0 else 0.0
        return max((buckets - i - 1 + inside) / buckets, 0.05 / buckets)

    def price_share(self, low: float, high: float) -> float:
        """About which share of the rows is priced within [low, high] (1 without a
        histogram)."""
        bounds = self.prices
        buckets = len(bounds) - 1
        if buckets < 2:
            return 1.0
        return max(_position(bounds, high) - _position(bounds, low), 0.0) / buckets

    def cutoff(self, share: float) -> datetime | None:
        """A listed_at such that about `share` of the rows are at or after it (None without
        a histogram or when that is the whole table)."""
        bounds = self.bounds
        buckets = len(bounds) - 1
        if buckets < 2 or share >= 1:
            return None
        position = (1 - max(share, 0.0)) * buckets
        i = min(int(position), buckets - 1)
        low, high = bounds[i], bounds[i + 1]
        return low + (high - low) * (position - i)


def _position(bounds: tuple[float, ...], value: float) -> float:
    """Where `value` falls in an equi-depth histogram, in buckets from its start."""
    if value <= bounds[0]:
        return 0.0
    if value >= bounds[-1]:
        return float(len(bounds) - 1)
    i = bisect_right(bounds, value) - 1
    low, high = bounds[i], bounds[i + 1]
    return i + ((value - low) / (high - low) if high > low else 0.0)


_cache: dict[str, tuple[float, TableStats]] = {}


def _parse_array(text: str | None) -> list[str]:
    if not text or len(text) < 2:
        return []
    return [v for v in text[1:-1].split(",") if v]


def _read() -> TableStats:
    with connection.cursor() as cursor:
        cursor.execute(_STATS_SQL)
        reltuples, bounds, elems, elem_freqs, prices = cursor.fetchone()
    freqs: dict[int, float] = {}
    floor = 0.0
    if elems and elem_freqs:
        terms = [int(v) for v in _parse_array(elems)]
        values = [float(v) for v in elem_freqs]
        # the frequencies end with min, max and null frequency of the elements
        freqs = dict(zip(terms, values[: len(terms)], strict=False))
        floor = min(values[: len(terms)], default=0.0)
    return TableStats(
        rows=float(reltuples or 0.0),
        bounds=tuple(sorted(bounds or [])),
        freqs=freqs,
        floor=floor,
        prices=tuple(sorted(prices or [])),
    )


def table_stats() -> TableStats:
    """The cached statistics of the search table in the current database."""
    key = str(connection.settings_dict.get("NAME"))
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and now - cached[0] < TTL:
        return cached[1]
    stats = _read()
    _cache[key] = (now, stats)
    return stats


def clear() -> None:
    _cache.clear()
