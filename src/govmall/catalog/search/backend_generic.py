"""The portable backend (SQLite and others): `terms LIKE '% n %'` per term on the text form
of the term lists, candidates fetched newest first and counted in Python. Fine for small
catalogues (development, tests); PostgreSQL uses backend_pg."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Any

from django.db.models import QuerySet

from govmall.catalog.models import SearchRow
from govmall.catalog.search.backend import Hits, Plan


def _like(column: str, n: int) -> tuple[str, str]:
    return f"{column} LIKE %s", f"% {int(n)} %"


def _all(column: str, values: list[int]) -> tuple[str, list[str]]:
    parts = [_like(column, v) for v in values]
    return "(" + " AND ".join(p[0] for p in parts) + ")", [p[1] for p in parts]


def _any(column: str, values: list[int]) -> tuple[str, list[str]]:
    parts = [_like(column, v) for v in values]
    return "(" + " OR ".join(p[0] for p in parts) + ")", [p[1] for p in parts]


def matching(plan: Plan) -> QuerySet[SearchRow]:
    qs = SearchRow.objects.all()
    where: list[str] = []
    params: list[Any] = []
    if plan.all_terms:
        sql, p = _all("terms", plan.all_terms)
        where.append(sql)
        params += p
    for group in plan.any_groups:
        if not group:
            return qs.none()
        sql, p = _any("terms", group)
        where.append(sql)
        params += p
    if plan.has_text:
        alternatives = []
        if plan.words:
            sql, p = _all("terms", plan.words)
            alternatives.append(sql)
            params += p
        if plan.exact:
            sql, p = _any("terms", plan.exact)
            alternatives.append(sql)
            params += p
        where.append("(" + " OR ".join(alternatives) + ")")
    if where:
        qs = qs.extra(where=where, params=params)  # noqa: S610 - our SQL, values as params
    if plan.min_price is not None:
        qs = qs.filter(price__gte=plan.min_price)
    if plan.max_price is not None:
        qs = qs.filter(price__lte=plan.max_price)
    return qs


class GenericBackend:
    def run(self, plan: Plan) -> Hits:
        qs = matching(plan)
        rows = list(
            qs.order_by("-listed_at", "-listing_id").values_list(
                "listing_id", "category_id", "brand_id", "price", "title_terms", "terms"
            )[: plan.cap + 1]
        )
        n = len(rows)
        sample = rows[: plan.cap]
        words = set(plan.words)
        exact = set(plan.exact)
        categories: Counter[int] = Counter()
        brands: Counter[int] = Counter()
        buckets: Counter[int] = Counter()
        for _id, category_id, brand_id, price, _tt, _t in sample:
            categories[category_id] += 1
            brands[brand_id] += 1
            buckets[bisect_right(plan.price_bounds, price)] += 1
        page_ids: list[int] = []
        if plan.offset < plan.cap:
            end = min(plan.offset + plan.limit, plan.cap)
            if plan.sort in ("price", "price_desc") and n > plan.cap:
                ordering = (
                    ("price", "listing_id") if plan.sort == "price" else ("-price", "-listing_id")
                )
                page_ids = list(
                    qs.order_by(*ordering).values_list("listing_id", flat=True)[plan.offset : end]
                )
            else:
                ordered = list(sample)
                if plan.sort == "relevance":
                    ordered.sort(
                        key=lambda r: (
                            not (words and words.issubset(r[4])),
                            not (exact and not exact.isdisjoint(r[5])),
                        )
                    )
                elif plan.sort == "price":
                    ordered.sort(key=lambda r: (r[3], r[0]))
                elif plan.sort == "price_desc":
                    ordered.sort(key=lambda r: (r[3], r[0]), reverse=True)
                page_ids = [r[0] for r in ordered[plan.offset : end]]
        estimate = qs.count() if n > plan.cap else None
        return Hits(
            n=n,
            page_ids=page_ids,
            categories=dict(categories),
            brands=dict(brands),
            price_buckets=dict(buckets),
            estimate=estimate,
        )
