"""Catalogue search: `search(query) -> SearchResult`.

Looks up what the filters name (category, divisions), turns the query into a backend Plan,
runs it (one statement on PostgreSQL for candidates, facets and the page), and hydrates the
page from Listing in one query. See docs/adr/0005-catalogue-search.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from govmall.accounts.models import Division
from govmall.catalog.normalise import brand_key
from govmall.catalog.search.backend import Hits, Plan, get_backend
from govmall.catalog.search.query import SearchQuery
from govmall.catalog.search.results import brand_facets, category_facets, hydrate, price_facets
from govmall.catalog.search.tables import CategoryInfo, category_table
from govmall.catalog.search.tokens import (
    attr_hashes,
    division_ancestors,
    query_terms,
    term_hash,
)
from govmall.core.errors import DomainError

DEFAULT_CAP = 1_000


def search_cap() -> int:
    return int(getattr(settings, "GOVMALL_SEARCH_CAP", DEFAULT_CAP))


@dataclass
class SearchResult:
    count: int
    count_is_estimate: bool
    results: list[dict[str, Any]]
    facets: dict[str, Any]
    page: int = 1
    page_size: int = 20
    sort: str = "newest"
    query: SearchQuery = field(default_factory=SearchQuery)

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "count_is_estimate": self.count_is_estimate,
            "results": self.results,
            "facets": self.facets,
            "page": self.page,
            "page_size": self.page_size,
            "sort": self.sort,
        }

    @property
    def pages(self) -> int:
        reachable = min(self.count, self.query.cap or search_cap())
        return max(1, -(-reachable // self.page_size))


def _division_terms(codes: list[str]) -> dict[str, list[str]]:
    """Ancestor codes (province down, the code itself last) of each known division code."""
    found = dict(Division.objects.filter(code__in=codes).values_list("code", "path"))
    return {code: division_ancestors(path) for code, path in found.items()}


def build_plan(query: SearchQuery, categories: dict[int, CategoryInfo]) -> Plan:
    """The backend plan of a validated query; raises DomainError for unknown names."""
    cap = query.cap or search_cap()
    plan = Plan(
        min_price=query.min_price,
        max_price=query.max_price,
        sort=query.effective_sort,
        offset=query.offset,
        limit=query.page_size,
        cap=cap,
    )
    if query.category:
        if not any(c.code == query.category for c in categories.values()):
            raise DomainError(
                "unknown_category", _("Unknown category."), field="category", status=422
            )
        plan.all_terms.append(term_hash("cat", query.category))
    codes = [c for c in (query.division, query.delivers_to) if c]
    divisions = _division_terms(codes) if codes else {}
    if query.division:
        if query.division not in divisions:
            raise DomainError(
                "unknown_division",
                _("Unknown administrative division."),
                field="division",
                status=422,
            )
        plan.all_terms.append(term_hash("div", query.division))
    if query.delivers_to:
        if query.delivers_to not in divisions:
            raise DomainError(
                "unknown_division",
                _("Unknown administrative division."),
                field="delivers_to",
                status=422,
            )
        plan.any_groups.append(
            [term_hash("dlv", "*")]
            + [term_hash("dlv", code) for code in divisions[query.delivers_to]]
        )
    if query.brands:
        plan.any_groups.append(sorted({term_hash("brand", brand_key(b)) for b in query.brands}))
    for key, value in query.attributes:
        plan.all_terms += attr_hashes(key, value)
    text = query_terms(query.q)
    plan.words = list(text.words)
    plan.exact = list(text.exact)
    if plan.sort == "relevance" and not plan.has_text:
        plan.sort = "newest"
    return plan


def search(query: SearchQuery) -> SearchResult:
    categories = category_table()
    plan = build_plan(query, categories)
    hits: Hits = get_backend().run(plan)
    over = hits.n > plan.cap
    count = max(hits.estimate or 0, plan.cap + 1) if over else hits.n
    facets = {
        "categories": category_facets(hits.categories, categories),
        "brands": brand_facets(hits.brands),
        "price_ranges": price_facets(hits.price_buckets, plan.price_bounds),
        "sampled": over,
    }
    return SearchResult(
        count=count,
        count_is_estimate=over,
        results=hydrate(hits.page_ids, categories),
        facets=facets,
        page=query.page,
        page_size=query.page_size,
        sort=plan.sort,
        query=query,
    )
