"""The PostgreSQL backend: containment (`@>`) and overlap (`&&`) on the GIN-indexed term
arrays, price and (listed_at, listing) btrees, and ONE statement that takes the newest
cap + 1 candidates, counts facets over them with GROUPING SETS and picks the page.

Speed (docs/adr/0005): the planner's row estimate comes first (EXPLAIN, ~0.3 ms). When many
rows match, the candidate statement is confined to a window of the newest rows
(rows listed since the cutoff's week, by their `w7:` week terms; the cutoff read from
listed_at's histogram in pg_stats) sized to
hold a few times cap + 1 matches: the newest cap + 1 matches overall are then the newest
cap + 1 inside the window, so the answer is exactly the same while only the window's
matches are fetched. If the window holds too few matches (a low estimate), the statement
runs again without it. Candidates are always found through bitmap scans (SET LOCAL
enable_indexscan/enable_seqscan off): walking the newest-first index and testing every row's
terms costs far more than the planner thinks once the term arrays live out of line.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from govmall.catalog.search.backend import Hits, Plan
from govmall.catalog.search.tokens import price_range_terms, weeks_since

# Probe a window when the estimate exceeds this many times cap + 1; size it for WINDOW_FACTOR
# times cap + 1 expected matches.
PROBE_ABOVE = 2.0
WINDOW_FACTOR = 2.0
# A window with too few matches is widened once by this factor, then the whole table is used.
WINDOW_GROWTH = 5.0
_HISTOGRAM_TTL = 300.0
# Session settings for the candidate statement (a sequential scan of the table is never
# the right plan for a filtered search; the planner over-rates it for broad terms).
SEARCH_SETTINGS = "SET LOCAL enable_seqscan = off"
_histogram: dict[str, Any] = {"at": 0.0, "bounds": [], "db": None}


_ORDER = {
    "relevance": "th DESC, ex DESC, listed_at DESC, listing_id DESC",
    "newest": "listed_at DESC, listing_id DESC",
    "price": "price ASC, listing_id ASC",
    "price_desc": "price DESC, listing_id DESC",
}


def where_clause(plan: Plan) -> tuple[str, list[Any]]:
    """The WHERE of the plan, with its parameters ("true" when it filters nothing)."""
    parts: list[str] = []
    params: list[Any] = []
    if plan.all_terms:
        parts.append("terms @> %s::bigint[]")
        params.append(plan.all_terms)
    for group in plan.any_groups:
        parts.append("terms && %s::bigint[]")
        params.append(group)
    if plan.has_text:
        alternatives = []
        if plan.words:
            alternatives.append("terms @> %s::bigint[]")
            params.append(plan.words)
        if plan.exact:
            alternatives.append("terms && %s::bigint[]")
            params.append(plan.exact)
        parts.append("(" + " OR ".join(alternatives) + ")")
    if plan.min_price is not None or plan.max_price is not None:
        # the range as price-bucket terms for the GIN scan, the exact bounds on the row
        # (`+ 0`: not through the price btree, whose bitmap costs more than it saves)
        parts.append("terms && %s::bigint[]")
        params.append(price_range_terms(plan.min_price, plan.max_price))
    if plan.min_price is not None:
        parts.append("price + 0 >= %s")
        params.append(plan.min_price)
    if plan.max_price is not None:
        parts.append("price + 0 <= %s")
        params.append(plan.max_price)
    return (" AND ".join(parts) or "true"), params


def _estimate(where: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM catalog_searchrow WHERE {where}",  # noqa: S608
            params,
        )
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _listed_at_bounds() -> list[datetime]:
    """The equi-depth histogram of listed_at from pg_stats (cached for a few minutes)."""
    now = time.monotonic()
    db = connection.settings_dict.get("NAME")
    if now - _histogram["at"] < _HISTOGRAM_TTL and _histogram["db"] == db:
        return list(_histogram["bounds"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT histogram_bounds::text::timestamptz[] FROM pg_stats "
            "WHERE tablename = 'catalog_searchrow' AND attname = 'listed_at'"
        )
        row = cursor.fetchone()
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'catalog_searchrow'::regclass")
        tuples = cursor.fetchone()
    bounds = sorted(row[0]) if row and row[0] else []
    _histogram.update(
        at=now, bounds=bounds, db=db, rows=float(tuples[0]) if tuples else 0.0, freqs=None
    )
    return list(bounds)


def window_cutoff(share: float) -> datetime | None:
    """A listed_at such that about `share` of the rows are at or after it (None: no stats
    or the window would be the whole table)."""
    bounds = _listed_at_bounds()
    if len(bounds) < 3 or share >= 1:
        return None
    buckets = len(bounds) - 1
    index = int((1 - share) * buckets)  # rounding down widens the window
    return bounds[max(0, min(index, buckets))]


def clear_histogram() -> None:
    _histogram.update(at=0.0, bounds=[], db=None, freqs=None)


def _term_frequencies() -> dict[int, float]:
    """Element frequencies of `terms` from pg_stats (cached with the histogram)."""
    _listed_at_bounds()
    freqs = _histogram.get("freqs")
    if freqs is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::bigint[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = 'catalog_searchrow' AND attname = 'terms'"
            )
            row = cursor.fetchone()
        freqs = {}
        if row and row[0]:
            elems, values = row
            freqs = dict(zip(elems, values[: len(elems)], strict=False))
            # the last values are min, max and null frequency: the floor for others
            freqs[0] = min(values[: len(elems)]) if elems else 0.0
        _histogram["freqs"] = freqs
    return dict(freqs)


def _upper_bound(plan: Plan) -> float:
    """At most how many rows can match: the rarest required term (or group) bounds it."""
    freqs = _term_frequencies()
    rows = float(_histogram.get("rows") or 0.0)
    if not freqs or rows <= 0:
        return 0.0
    floor = freqs.get(0, 0.0)
    bound = 1.0
    for term in plan.all_terms:
        bound = min(bound, freqs.get(term, floor))
    for group in plan.any_groups:
        bound = min(bound, sum(freqs.get(t, floor) for t in group))
    if plan.has_text:
        words = min((freqs.get(t, floor) for t in plan.words), default=0.0)
        exact = sum(freqs.get(t, floor) for t in plan.exact)
        bound = min(bound, words + exact)
    return bound * rows


def _share_since(cutoff: datetime) -> float:
    """About what share of the rows is listed at or after `cutoff` (from the histogram)."""
    bounds = _listed_at_bounds()
    if len(bounds) < 3:
        return 1.0
    newer = sum(1 for b in bounds if b >= cutoff)
    return max(newer - 0.5, 0.5) / (len(bounds) - 1)


class PostgresBackend:
    def run(self, plan: Plan) -> Hits:
        where, params = where_clause(plan)
        with transaction.atomic():
            if plan.all_terms or plan.any_groups or plan.has_text:
                with connection.cursor() as cursor:
                    cursor.execute(SEARCH_SETTINGS)
            estimate = _estimate(where, params)
            hits = None
            # The planner multiplies the selectivities of correlated terms (联想 AND a
            # computer category): its estimate can be far too low. An upper bound from the
            # terms' own frequencies corrects the window's size.
            guess = max(estimate, 0.5 * _upper_bound(plan))
            shares: list[float] = []
            if guess > PROBE_ABOVE * (plan.cap + 1):
                first = WINDOW_FACTOR * (plan.cap + 1) / guess
                shares = [first, first * WINDOW_GROWTH]
            now = timezone.now() + timedelta(days=1)
            tried = None
            for share in shares:
                cutoff = window_cutoff(share)
                if cutoff is None:
                    break
                weeks = weeks_since(cutoff, now)
                if weeks == tried:
                    continue
                tried = weeks
                hits = self._candidates(
                    plan, f"{where} AND terms && %s::bigint[]", [*params, weeks]
                )
                if hits.n > plan.cap:
                    # the window's matches, scaled to the whole table
                    scaled = round(hits.total / _share_since(cutoff))
                    estimate = max(estimate, scaled)
                    break
                hits = None  # too few in the window: widen it
            if hits is None:
                hits = self._candidates(plan, where, params)
                if hits.n > plan.cap:
                    estimate = hits.total  # every match was counted
            if hits.n > plan.cap:
                hits.estimate = max(estimate, plan.cap + 1)
                self._price_page(plan, hits, where, params)
        return hits

    def _price_page(self, plan: Plan, hits: Hits, where: str, params: list[Any]) -> None:
        """Price orders run over every match, not only the candidates."""
        reachable = plan.offset < plan.cap
        limit = max(0, min(plan.offset + plan.limit, plan.cap) - plan.offset)
        if plan.sort not in ("price", "price_desc") or not reachable or not limit:
            return
        direction = "ASC" if plan.sort == "price" else "DESC"
        # walk the price index, testing each row's terms (many matches: the first page is
        # found after a few hundred rows); the range on the index itself
        exact = where.replace("price + 0 ", "price ")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(
                f"SELECT listing_id FROM catalog_searchrow WHERE {exact} "  # noqa: S608
                f"ORDER BY price {direction}, listing_id {direction} LIMIT %s OFFSET %s",
                [*params, limit, plan.offset],
            )
            hits.page_ids = [r[0] for r in cursor.fetchall()]

    def _candidates(self, plan: Plan, where: str, params: list[Any]) -> Hits:
        th = "title_terms @> %s::bigint[]" if plan.words else "false"
        ex = "terms && %s::bigint[]" if plan.exact else "false"
        head: list[Any] = []
        if plan.words:
            head.append(plan.words)
        if plan.exact:
            head.append(plan.exact)
        reachable = plan.offset < plan.cap
        limit = max(0, min(plan.offset + plan.limit, plan.cap) - plan.offset)
        sql = f"""
WITH c AS MATERIALIZED (
    SELECT listing_id, category_id, brand_id, price, listed_at, {th} AS th, {ex} AS ex,
        count(*) OVER () AS total
    FROM catalog_searchrow WHERE {where}
    ORDER BY listed_at DESC, listing_id DESC LIMIT %s
), s AS MATERIALIZED (
    SELECT * FROM c ORDER BY listed_at DESC, listing_id DESC LIMIT %s
), f AS (
    SELECT GROUPING(category_id, brand_id, pb) AS g, category_id, brand_id, pb, count(*) AS n
    FROM (SELECT category_id, brand_id, width_bucket(price, %s::numeric[]) AS pb FROM s) x
    GROUP BY GROUPING SETS ((category_id), (brand_id), (pb))
)
SELECT
    (SELECT count(*) FROM c),
    (SELECT coalesce(max(total), 0) FROM c),
    (SELECT coalesce(json_agg(json_build_array(g, category_id, brand_id, pb, n)), '[]') FROM f),
    ARRAY(SELECT listing_id FROM s ORDER BY {_ORDER[plan.sort]} LIMIT %s OFFSET %s)
"""  # noqa: S608 - our SQL, values as parameters
        args = [
            *head,
            *params,
            plan.cap + 1,
            plan.cap,
            plan.price_bounds,
            limit if reachable else 0,
            plan.offset if reachable else 0,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            n, total, facets, page_ids = cursor.fetchone()
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
        return Hits(
            n=n,
            page_ids=list(page_ids or []),
            categories=categories,
            brands=brands,
            price_buckets=buckets,
            total=int(total),
        )
