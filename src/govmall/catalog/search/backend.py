"""The one interface of the search backends: a `Plan` (what to match, how to order, which
page) in, `Hits` (candidate count, page ids, facet counts) out.

Semantics shared by every backend (the fixed query table in tests/catalog/test_search_table.py
checks that they agree):

- A row matches when it has every term of `all_terms`, at least one term of each of
  `any_groups`, its price is within [min_price, max_price], and — when the query has text —
  it has every word of `words` or any term of `exact` (the whole query as a brand/model key).
- Candidates are the newest `cap + 1` matches (listed_at desc, listing id desc); `n` is their
  number, so `n > cap` means "more than cap" and the total is then estimated.
- Facets count the first `cap` candidates (exact when n ≤ cap, a sample otherwise): per
  category id, per brand id, per price bucket (the number of `price_bounds` ≤ price).
- Orders: relevance = title has every word first, then exact brand/model matches, then
  newest, within the first `cap` candidates; newest = listed_at desc, id desc; price = price
  asc, id asc; price_desc = price desc, id desc. Price orders over the whole match set (the
  first `cap` rows of that order are reachable). A page starting at or beyond `cap` is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

PRICE_BOUNDS = [
    Decimal(v) for v in ("100", "500", "1000", "2000", "5000", "10000", "20000", "50000")
]


@dataclass
class Plan:
    all_terms: list[int] = field(default_factory=list)
    any_groups: list[list[int]] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    exact: list[int] = field(default_factory=list)
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: str = "newest"
    offset: int = 0
    limit: int = 20
    cap: int = 10_000
    price_bounds: list[Decimal] = field(default_factory=lambda: list(PRICE_BOUNDS))

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.exact)


@dataclass
class Hits:
    n: int  # candidates found, at most cap + 1
    page_ids: list[int]
    categories: dict[int, int]
    brands: dict[int, int]
    price_buckets: dict[int, int]
    estimate: int | None = None  # the estimated (or counted) total when n > cap
    total: int = 0  # matches the candidate statement saw (PostgreSQL; all of them when plain)


class Backend(Protocol):
    def run(self, plan: Plan) -> Hits: ...


def get_backend() -> Backend:
    from django.db import connection

    if connection.vendor == "postgresql":
        from govmall.catalog.search import backend_pg

        return backend_pg.PostgresBackend()
    from govmall.catalog.search import backend_generic

    return backend_generic.GenericBackend()
