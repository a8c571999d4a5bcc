"""The PostgreSQL backend: the newest cap + 1 matches, the facets over them and the page come
from ONE candidate statement over one of three sources (docs/adr/0005):

- plain: one GIN bitmap over every match (an exact count). When the terms' frequencies
  (pg_stats) say that few rows can match.
- weeks: GIN bitmaps over the newest weeks, group of weeks after group (the `w7:` week
  terms added to the conditions; the GIN scan skips straight to them), stopping after the
  group in which the count reaches cap + 1. The common case: the cost follows the matches
  actually fetched, whatever the estimate said.
- probe: the newest rows walked through the (listed_at, listing) btree, each tested on its
  terms, at most a bounded number of rows. When many rows match (an eighth or more): the
  newest cap + 1 then lie among the newest few thousand rows.

The answer does not depend on the source: the newest cap + 1 matches among the newest rows
(or weeks) are the newest overall. A probe that ends early gives way to the weeks, weeks that
hold too few matches to the plain bitmap.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from govmall.catalog.search.backend import Hits, Plan
from govmall.catalog.search.pg_sql import (
    PRICE_ORDERS,
    Condition,
    candidates_args,
    candidates_sql,
    conditions,
    gin_where,
    page,
    plain_source,
    price_page_sql,
    probe_source,
    row_where,
    selectivity,
    weeks_source,
)
from govmall.catalog.search.pg_stats import TableStats, table_stats
from govmall.catalog.search.query import MAX_PRICE
from govmall.catalog.search.tokens import price_range_terms, term_hash, week_number, week_start

# Plain when at most SMALL × (cap + 1) rows can match (the rarest condition's frequency).
SMALL = 3.0
# Probe when at least PROBE_RATE of the rows match (estimated), over PROBE_MARGIN × (cap + 1)
# / rate rows.
PROBE_RATE = 0.12
PROBE_MARGIN = 1.5
# The first group of weeks should hold FIRST_SHARE × (cap + 1) matches at the highest rate
# the frequencies allow (so it is rarely too big); each further group makes the weeks
# covered GROWTH times as many.
FIRST_SHARE = 0.7
GROWTH = 1.5
# A price order's page first walks this many rows of the price btree (or this many times the
# page's end), testing each.
PRICE_WALK_ROWS = 3_000
PRICE_WALK_FACTOR = 5
# Without statistics (forced paths in tests), weeks back to this far.
DEFAULT_SPAN = timedelta(days=3 * 365)
PATHS = ("plain", "weeks", "probe")


@dataclass
class Found:
    hits: Hits
    seen: int  # rows the source gave (every match of the weeks or of the table it covered)
    oldest: datetime | None  # the oldest listed_at among them
    bound: Decimal | None = None  # price orders: the price of the page's last candidate


class PostgresBackend:
    """`path` forces the first source ("plain", "weeks", "probe"), `first_weeks` the size of
    the first group of weeks and `probe_rows` the rows a probe walks (tests); `trace`
    records the sources run."""

    def __init__(
        self,
        path: str | None = None,
        first_weeks: int | None = None,
        probe_rows: int | None = None,
    ) -> None:
        if path is not None and path not in PATHS:
            raise ValueError(path)
        self.path = path
        self.first_weeks = first_weeks
        self.probe_rows = probe_rows
        self.trace: list[str] = []
        self._keys: list[int] = []

    def run(self, plan: Plan) -> Hits:
        stats = table_stats()
        # inside a caller's transaction the settings would outlive the search: put them back
        outer = _settings() if connection.in_atomic_block else None
        with transaction.atomic():
            _set(SETTINGS)
            path = self.path or self._choose(plan, stats)
            self._keys = list(dict.fromkeys(plan.exact))
            if path == "probe" or len(set(plan.words)) > 1:
                # a key that matches nothing would cost a test on every row walked, or a
                # second bitmap (words OR key); in one overlap with a single word it is free
                self._keys = self._existing_keys(stats)
            conds = conditions(plan, stats, self._keys)
            found = self._search(plan, stats, conds, path)
            hits = found.hits
            if hits.n > plan.cap:
                hits.estimate = max(hits.estimate or 0, plan.cap + 1)
                self._price_page(plan, stats, hits, conds, found.bound)
            if outer is not None:
                _set(outer)
        return hits

    def _choose(self, plan: Plan, stats: TableStats) -> str:
        """The first source, from the terms' frequencies (a brand/model key that is not among
        the frequent terms is taken to be rare)."""
        listed = [k for k in plan.exact if stats.listed(k)]
        rate, upper = selectivity(conditions(plan, stats, listed))
        if not stats.known or upper * stats.rows <= SMALL * (plan.cap + 1):
            return "plain"
        return "probe" if rate >= PROBE_RATE else "weeks"

    def _search(self, plan: Plan, stats: TableStats, conds: list[Condition], path: str) -> Found:
        need = plan.cap + 1
        rate, upper = selectivity(conds)
        if path == "probe":
            rows = self.probe_rows or int(PROBE_MARGIN * need / max(rate, PROBE_RATE))
            found = self._candidates(plan, conds, "probe", [rows], [need])
            if found.hits.n > plan.cap:
                found.hits.estimate = _scaled(found, stats, since=found.oldest)
                return found
            path = "weeks"
        if path == "weeks":
            lows, highs, terms = self._groups(stats, need, upper)
            if lows:
                found = self._candidates(plan, conds, "weeks", [lows, highs], [terms, need])
                if found.hits.n > plan.cap:
                    since = week_start(found.oldest) if found.oldest else None
                    found.hits.estimate = _scaled(found, stats, since=since)
                    return found
        found = self._candidates(plan, conds, "plain", [], [])
        if found.hits.n > plan.cap:
            found.hits.estimate = found.seen  # every match was counted
        return found

    def _groups(
        self, stats: TableStats, need: int, upper: float
    ) -> tuple[list[int], list[int], list[int]]:
        """The week terms from the current week back to the oldest row's (newest first), and
        the groups of them (first and last position, 1-based) in the order to search."""
        now = timezone.now()
        newest = week_number(max([now + timedelta(days=1), *stats.bounds[-1:]]))
        oldest = week_number(stats.bounds[0] if stats.bounds else now - DEFAULT_SPAN)
        terms = [term_hash("w7", str(n)) for n in range(newest, min(oldest, newest) - 1, -1)]
        first = self.first_weeks
        if first is None:
            first = 1
            rows = upper * stats.rows
            cutoff = stats.cutoff(FIRST_SHARE * need / rows) if rows > 0 else None
            if cutoff is not None:
                first = newest - week_number(cutoff) + 1
        lows: list[int] = []
        highs: list[int] = []
        end = 0
        while end < len(terms):
            nxt = min(len(terms), max(end + 1, first if not end else math.ceil(end * GROWTH)))
            lows.append(end + 1)
            highs.append(nxt)
            end = nxt
        return lows, highs, terms

    def _existing_keys(self, stats: TableStats) -> list[int]:
        """The terms of the whole query as a brand/model key that match some row: one among
        the frequent terms does; any other is looked up (a rare term, a short posting list).
        Most queries are no brand or model: their words alone decide, one condition less."""
        keys = self._keys
        unknown = [k for k in keys if not stats.listed(k)]
        if not unknown:
            return keys
        probes = ", ".join(
            "EXISTS (SELECT 1 FROM catalog_searchrow WHERE terms @> %s::bigint[])" for _ in unknown
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {probes}", [[k] for k in unknown])
            found = cursor.fetchone()
        missing = {k for k, hit in zip(unknown, found, strict=True) if not hit}
        return [k for k in keys if k not in missing]

    def _candidates(
        self,
        plan: Plan,
        conds: list[Condition],
        name: str,
        before: list[Any],
        after: list[Any],
    ) -> Found:
        """Run the candidate statement over a source (`before` and `after`: the source's
        parameters around those of its conditions)."""
        if name == "probe":
            where, params = row_where(conds, plan)
        else:
            where, params = gin_where(conds, plan)
        self.trace.append(name)
        sql = candidates_sql(plan, _SOURCES[name](where), self._keys)
        args = candidates_args(plan, self._keys, [*before, *params, *after])
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return _found(*cursor.fetchone())

    def _price_page(
        self,
        plan: Plan,
        stats: TableStats,
        hits: Hits,
        conds: list[Condition],
        bound: Decimal | None,
    ) -> None:
        """Price orders run over every match, not only the candidates (price_page_sql): a
        short walk of the price btree, else the GIN bitmap up to the bound."""
        limit, offset = page(plan)
        if plan.sort not in PRICE_ORDERS or not limit or bound is None:
            return
        cheap = plan.sort == "price"
        start = (plan.min_price if cheap else plan.max_price) or (0 if cheap else MAX_PRICE)
        rows = max(PRICE_WALK_ROWS, PRICE_WALK_FACTOR * (offset + limit))
        # the walk reaches the page's end after about this many rows if the matches are
        # spread over the range as evenly as over the table (cap candidates in the total)
        low, high = sorted((float(start), float(bound)))
        spread = stats.price_share(low, high) * stats.rows * plan.cap / max(hits.estimate or 1, 1)
        ids: list[int] = []
        if not stats.known or spread <= rows:
            where, params = row_where(conds, plan)
            self.trace.append("price walk")
            with connection.cursor() as cursor:
                cursor.execute(
                    price_page_sql(plan, where, walk=True),
                    [start, bound, rows, *params, limit, offset],
                )
                ids = [r[0] for r in cursor.fetchall()]
        if len(ids) < limit:  # no walk, or cut off before the page's end
            where, params = gin_where(conds, plan)
            if cheap:
                buckets = price_range_terms(plan.min_price, bound)
            else:
                buckets = price_range_terms(bound, plan.max_price)
            self.trace.append("price bitmap")
            with connection.cursor() as cursor:
                cursor.execute(
                    price_page_sql(plan, where, walk=False),
                    [*params, buckets, bound, limit, offset],
                )
                ids = [r[0] for r in cursor.fetchall()]
        hits.page_ids = ids


# What the search changes for its own transaction: a sequential scan is never the right plan
# for a filtered search (the planner over-rates it for broad terms), and JIT compilation
# (tens to hundreds of milliseconds when a cost estimate passes jit_above_cost) never pays
# for a statement of a few milliseconds.
SETTINGS = {"enable_seqscan": "off", "jit": "off"}
CHANGED = tuple(SETTINGS)


def _settings() -> dict[str, str]:
    """The settings that the search changes, as they are."""
    sql = "SELECT " + ", ".join("current_setting(%s)" for _ in CHANGED)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(CHANGED))
        return dict(zip(CHANGED, cursor.fetchone(), strict=True))


def _set(settings: dict[str, str]) -> None:
    """Settings for the rest of the transaction (one round trip)."""
    sql = "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings)
    with connection.cursor() as cursor:
        cursor.execute(sql, [x for pair in settings.items() for x in pair])


_SOURCES = {"plain": plain_source, "weeks": weeks_source, "probe": probe_source}


def _scaled(found: Found, stats: TableStats, *, since: datetime | None) -> int:
    """The total implied by the matches seen among the rows listed since `since`."""
    if since is None or not stats.bounds:
        return found.seen
    # never more than the table holds (its row count may be behind: at least what was seen)
    return min(round(found.seen / stats.share_since(since)), max(round(stats.rows), found.seen))


def _found(
    n: int,
    seen: int,
    oldest: datetime | None,
    facets: Any,
    page_ids: list[int] | None,
    bound: Decimal | None,
) -> Found:
    if isinstance(facets, str):
        facets = json.loads(facets)
    categories: dict[int, int] = {}
    brands: dict[int, int] = {}
    buckets: dict[int, int] = {}
    for g, category_id, brand_id, pb, count in facets:
        if g == 3:  # grouped by category only
            categories[category_id] = count
        elif g == 5:
            brands[brand_id] = count
        elif g == 6:
            buckets[pb] = count
    hits = Hits(
        n=n,
        page_ids=list(page_ids or []),
        categories=categories,
        brands=brands,
        price_buckets=buckets,
        total=int(seen),
    )
    return Found(hits=hits, seen=int(seen), oldest=oldest, bound=bound)
