"""SQL of the PostgreSQL backend: a plan's conditions, written for the GIN index (a bitmap
over the posting lists) or for testing rows one by one (the newest-first walk and the
price walk), their estimated share of rows, and the candidate statement around a source.

The whole query as a brand/model key is an alternative to its words; a key that matches no
row is left out (the backend asks), and with one word the two become ONE overlap condition
(`terms && {word, brand:…}`): no BitmapOr that scans every other posting list twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from govmall.catalog.search.backend import Plan
from govmall.catalog.search.pg_stats import TableStats
from govmall.catalog.search.tokens import price_range_terms

NEWEST = "listed_at DESC, listing_id DESC"

PRICE_ORDERS = ("price", "price_desc")
ORDERS = {
    "relevance": "th DESC, ex DESC, listed_at DESC, listing_id DESC",
    "newest": NEWEST,
    "price": "price ASC, listing_id ASC",
    "price_desc": "price DESC, listing_id DESC",
}


@dataclass
class Condition:
    """One condition on the term array: its SQL and parameters, the estimated share of rows
    that meet it (`rate`, from the terms' frequencies) and a share it cannot exceed."""

    sql: str
    params: list[Any]
    rate: float
    upper: float
    index_only: bool = False  # a superset used to narrow the GIN scan (price buckets)
    measured: bool = True  # the rate is a frequency, not a product of several


def _any(stats: TableStats, terms: list[int]) -> tuple[float, float]:
    share = min(1.0, sum(stats.freq(t) for t in terms))
    return share, share


def _text(plan: Plan, stats: TableStats, keys: list[int]) -> Condition | None:
    if not plan.has_text:
        return None
    words = list(dict.fromkeys(plan.words))
    keys = [k for k in dict.fromkeys(keys) if k not in words]
    # the estimate: the words as if independent; a brand/model key matches rows that mostly
    # have the words too (a brand's rows have its name among their words)
    rate = math.prod(stats.freq(w) for w in words) if words else 0.0
    rate = max([rate] + [stats.freq(k) for k in keys])
    upper = min((stats.freq(w) for w in words), default=0.0) + sum(stats.freq(k) for k in keys)
    upper = min(upper, 1.0)
    if not words and not keys:
        return Condition("false", [], 0.0, 0.0)
    single = len(words) <= 1
    if not keys:
        return Condition("terms @> %s::bigint[]", [words], rate, upper, measured=single)
    if single:
        return Condition("terms && %s::bigint[]", [words + keys], rate, upper)
    return Condition(
        "(terms @> %s::bigint[] OR terms && %s::bigint[])",
        [words, keys],
        rate,
        upper,
        measured=False,
    )


def conditions(plan: Plan, stats: TableStats, keys: list[int] | None = None) -> list[Condition]:
    """The plan's term conditions, rarest first. `keys`: the terms of `plan.exact` (the whole
    query as a brand/model key) that can match a row; None: all of them."""
    out: list[Condition] = []
    for term in dict.fromkeys(plan.all_terms):
        rate = stats.freq(term)
        out.append(Condition("terms @> %s::bigint[]", [[term]], rate, rate))
    for group in plan.any_groups:
        rate, upper = _any(stats, group)
        out.append(Condition("terms && %s::bigint[]", [group], rate, upper))
    text = _text(plan, stats, plan.exact if keys is None else keys)
    if text is not None:
        out.append(text)
    if plan.min_price is not None or plan.max_price is not None:
        buckets = price_range_terms(plan.min_price, plan.max_price)
        rate, upper = _any(stats, buckets)
        out.append(Condition("terms && %s::bigint[]", [buckets], rate, upper, index_only=True))
    out.sort(key=lambda c: c.rate)
    return out


def selectivity(conds: list[Condition]) -> tuple[float, float]:
    """(estimated, largest) share of rows matching every condition."""
    rate = math.prod(c.rate for c in conds)
    upper = min((c.upper for c in conds), default=1.0)
    return rate, upper


def _price(plan: Plan, column: str) -> tuple[list[str], list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if plan.min_price is not None:
        parts.append(f"{column} >= %s")
        params.append(plan.min_price)
    if plan.max_price is not None:
        parts.append(f"{column} <= %s")
        params.append(plan.max_price)
    return parts, params


def gin_where(conds: list[Condition], plan: Plan) -> tuple[str, list[Any]]:
    """For a bitmap scan: every term condition (price buckets included) for the GIN index,
    the exact price on the row (`+ 0`: not through the price btree, whose bitmap over
    hundreds of thousands of rows costs more than it saves)."""
    parts = [c.sql for c in conds]
    params = [p for c in conds for p in c.params]
    price_parts, price_params = _price(plan, "price + 0")
    return " AND ".join(parts + price_parts) or "true", params + price_params


def row_where(conds: list[Condition], plan: Plan) -> tuple[str, list[Any]]:
    """For testing rows one by one: the price first (cheap), then the term conditions, rarest
    first (most rows fail at the first); price buckets are left out (the price decides)."""
    price_parts, price_params = _price(plan, "price")
    kept = [c for c in conds if not c.index_only]
    parts = price_parts + [c.sql for c in kept]
    params = price_params + [p for c in kept for p in c.params]
    return " AND ".join(parts) or "true", params


# Sources of candidate rows (`where` from gin_where or row_where); the parameters of each, in
# order, are listed with it.
COLUMNS = "listing_id, category_id, brand_id, price, listed_at, title_terms, terms"


def plain_source(where: str) -> str:
    """Every match, from one GIN bitmap. Parameters: the where's."""
    return f"SELECT {COLUMNS} FROM catalog_searchrow WHERE {where}"  # noqa: S608


def probe_source(where: str) -> str:
    """The newest cap + 1 matches among the newest rows, walked through the listed_at btree.
    Parameters: the number of rows, the where's, cap + 1."""
    return (
        f"SELECT {COLUMNS} FROM (SELECT * FROM catalog_searchrow ORDER BY {NEWEST} LIMIT %s) r "  # noqa: S608
        f"WHERE {where} ORDER BY {NEWEST} LIMIT %s"
    )


def weeks_source(where: str) -> str:
    """Every match of the newest groups of weeks, group after group (one GIN bitmap each,
    the group's `w7:` week terms added to the conditions), until a group brings the count to
    cap + 1: FETCH … WITH TIES stops after the group in which the count is reached, and the
    function scan's ordinality keeps the groups in order without a sort. Parameters: the
    groups' first and last positions (1-based) in the week terms, the where's, the week
    terms (newest first), cap + 1."""
    groups = "unnest(%s::int[], %s::int[]) WITH ORDINALITY AS g(lo, hi, i)"
    return (
        f"SELECT x.* FROM {groups} CROSS JOIN LATERAL ("  # noqa: S608
        f"SELECT {COLUMNS} FROM catalog_searchrow WHERE {where} "
        "AND terms && (%s::bigint[])[g.lo:g.hi] OFFSET 0) x "
        "ORDER BY g.i FETCH FIRST %s ROWS WITH TIES"
    )


def candidates_sql(plan: Plan, source: str, keys: list[int]) -> str:
    """The newest cap + 1 of the source's rows (the candidates), the facets over the first
    cap of them and the page, in one statement; also how many rows the source gave and the
    oldest listed_at among them. `keys`: the brand/model keys, for relevance."""
    th = "title_terms @> %s::bigint[]" if plan.words else "false"
    ex = "terms && %s::bigint[]" if keys else "false"
    bound = "NULL::numeric"
    if plan.sort in PRICE_ORDERS:
        # the price of the page's last row in the candidates' price order: every match of
        # the page over ALL matches is at least as cheap (as dear) — see price_page_sql
        bound = f"(SELECT price FROM s ORDER BY {ORDERS[plan.sort]} LIMIT 1 OFFSET %s)"  # noqa: S608
    return f"""
WITH m AS MATERIALIZED (
    SELECT listing_id, category_id, brand_id, price, listed_at, {th} AS th, {ex} AS ex
    FROM ({source}) src
), c AS MATERIALIZED (
    SELECT * FROM m ORDER BY {NEWEST} LIMIT %s
), s AS MATERIALIZED (
    SELECT * FROM c ORDER BY {NEWEST} LIMIT %s
), f AS (
    SELECT GROUPING(category_id, brand_id, pb) AS g, category_id, brand_id, pb, count(*) AS n
    FROM (SELECT category_id, brand_id, width_bucket(price::float8, %s::float8[]) AS pb
        FROM s) x
    GROUP BY GROUPING SETS ((category_id), (brand_id), (pb))
)
SELECT
    (SELECT count(*) FROM c),
    seen.n,
    seen.oldest,
    (SELECT coalesce(json_agg(json_build_array(g, category_id, brand_id, pb, n)), '[]') FROM f),
    ARRAY(SELECT listing_id FROM s ORDER BY {ORDERS[plan.sort]} LIMIT %s OFFSET %s),
    {bound}
FROM (SELECT count(*) AS n, min(listed_at) AS oldest FROM m) seen
"""  # noqa: S608 - our SQL, values as parameters


def candidates_args(plan: Plan, keys: list[int], source_args: list[Any]) -> list[Any]:
    """The parameters of `candidates_sql`, in order."""
    head: list[Any] = []
    if plan.words:
        head.append(plan.words)
    if keys:
        head.append(keys)
    limit, offset = page(plan)
    tail = [max(offset + limit - 1, 0)] if plan.sort in PRICE_ORDERS else []
    return [
        *head,
        *source_args,
        plan.cap + 1,
        plan.cap,
        [float(b) for b in plan.price_bounds],  # whole numbers: exact as floats
        limit,
        offset,
        *tail,
    ]


def page(plan: Plan) -> tuple[int, int]:
    """(limit, offset) of the page; nothing beyond the first cap results."""
    if plan.offset >= plan.cap:
        return 0, 0
    return max(0, min(plan.offset + plan.limit, plan.cap) - plan.offset), plan.offset


def price_page_sql(plan: Plan, where: str, *, walk: bool) -> str:
    """The page of a price order over every match (when there are more than cap). `bound`
    is the price of the page's last row in the candidates' price order: the page's rows over
    ALL matches are at least as cheap (dear), the candidates being matches.

    walk: the first rows of the price btree from the range's start up to the bound, at most
    a number of them, each tested (one round when matches are common at that end of the
    range); a page that comes out short was cut off. Parameters: the range (from and bound),
    the number of rows, the where's (row_where), limit, offset.
    bitmap: every match up to the bound from the GIN index (price buckets up to the bound),
    sorted. Parameters: the where's (gin_where), the bound's buckets, the bound, limit,
    offset."""
    order = ORDERS[plan.sort]
    if walk:
        start, end = (">=", "<=") if plan.sort == "price" else ("<=", ">=")
        rows = (
            f"SELECT * FROM catalog_searchrow WHERE price {start} %s AND price {end} %s "  # noqa: S608
            f"ORDER BY {order} LIMIT %s"
        )
        return (
            f"SELECT listing_id FROM ({rows}) r WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
        )
    cmp = "<=" if plan.sort == "price" else ">="
    return (
        "SELECT listing_id FROM (SELECT listing_id, price FROM catalog_searchrow "  # noqa: S608
        f"WHERE {where} AND terms && %s::bigint[] AND price + 0 {cmp} %s OFFSET 0) x "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
