"""Catalogue search: `search(query) -> SearchResult`.

Looks up what the filters name (category, divisions), turns the query into a backend Plan,
runs it (one statement on PostgreSQL for candidates, facets and the page), and hydrates the
page from Listing in one query. See docs/adr/0005-catalogue-search.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govmall.accounts.models import Division
from govmall.catalog.models import Brand, Category, Listing
from govmall.catalog.normalise import brand_key
from govmall.catalog.search.backend import Hits, Plan, get_backend
from govmall.catalog.search.query import SearchQuery
from govmall.catalog.search.tokens import (
    attr_hashes,
    division_ancestors,
    query_terms,
    term_hash,
)
from govmall.core.errors import DomainError

DEFAULT_CAP = 1_000
MAX_BRAND_FACETS = 30


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


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    path: str
    depth: int
    name_zh: str
    name_en: str
    parent_id: int | None
    energy_status: str

    @property
    def codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]

    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


def category_table() -> dict[int, CategoryInfo]:
    """Every category by id (the tree is small: one query)."""
    return {
        row[0]: CategoryInfo(*row)
        for row in Category.objects.values_list(
            "id", "code", "path", "depth", "name_zh", "name_en", "parent_id", "energy_status"
        )
    }


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


def _thumb_url(image_ids: Any) -> str | None:
    if not isinstance(image_ids, list) or not image_ids:
        return None
    try:
        return reverse("catalog:image_thumb", kwargs={"image_id": int(image_ids[0])})
    except (NoReverseMatch, TypeError, ValueError):
        return None


def hydrate(ids: list[int], categories: dict[int, CategoryInfo]) -> list[dict[str, Any]]:
    """The page's listings, in the given order, from ONE query."""
    if not ids:
        return []
    listings = {
        li.pk: li
        for li in Listing.objects.filter(pk__in=ids)
        .select_related("supplier__organisation")
        .only(
            "id",
            "number",
            "title",
            "brand",
            "model_no",
            "price",
            "unit",
            "category_id",
            "image_ids",
            "listed_at",
            "energy_cert_no",
            "origin",
            "supplier__id",
            "supplier__organisation__id",
            "supplier__organisation__name",
            "supplier__organisation__division_id",
        )
    }
    results = []
    for pk in ids:
        li = listings.get(pk)
        if li is None:  # removed between the search and now
            continue
        cat = categories.get(li.category_id)
        results.append(
            {
                "number": li.number,
                "title": li.title,
                "brand": li.brand,
                "model_no": li.model_no,
                "price": str(li.price),
                "unit": li.unit,
                "category_code": cat.code if cat else "",
                "category_name": cat.name() if cat else "",
                "energy_status": cat.energy_status if cat else "none",
                "supplier_name": li.supplier.organisation.name,
                "supplier_division": li.supplier.organisation.division_id,
                "thumbnail_url": _thumb_url(li.image_ids),
                "listed_at": li.listed_at.isoformat() if li.listed_at else None,
            }
        )
    return results


def _category_facets(
    counts: dict[int, int], categories: dict[int, CategoryInfo]
) -> list[dict[str, Any]]:
    by_code = {c.code: c for c in categories.values()}
    rolled: dict[str, int] = {}
    for category_id, n in counts.items():
        cat = categories.get(category_id)
        if cat is None:
            continue
        for code in cat.codes:
            rolled[code] = rolled.get(code, 0) + n
    out: list[dict[str, Any]] = []
    for code, n in rolled.items():
        cat = by_code.get(code)
        if cat is None:
            continue
        parent = categories.get(cat.parent_id) if cat.parent_id else None
        out.append(
            {
                "code": code,
                "name": cat.name(),
                "name_zh": cat.name_zh,
                "name_en": cat.name_en,
                "depth": cat.depth,
                "parent": parent.code if parent else None,
                "count": n,
                "_path": cat.path,
            }
        )
    out.sort(key=lambda f: str(f["_path"]))
    for f in out:
        del f["_path"]
    return out


def _brand_facets(counts: dict[int, int]) -> list[dict[str, Any]]:
    if not counts:
        return []
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_BRAND_FACETS]
    names = {
        pk: (name, norm)
        for pk, name, norm in Brand.objects.filter(pk__in=[k for k, _n in top]).values_list(
            "pk", "name", "norm"
        )
    }
    rows = []
    for pk, n in top:
        name, norm = names.get(pk, ("", ""))
        rows.append((-n, name, {"id": pk, "name": name, "key": norm, "count": n}))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _price_facets(counts: dict[int, int], bounds: list[Decimal]) -> list[dict[str, Any]]:
    out = []
    for bucket in sorted(counts):
        low = bounds[bucket - 1] if bucket > 0 else Decimal(0)
        high = bounds[bucket] if bucket < len(bounds) else None
        out.append(
            {
                "min": str(low),
                "max": str(high) if high is not None else None,
                "count": counts[bucket],
            }
        )
    return out


def search(query: SearchQuery) -> SearchResult:
    categories = category_table()
    plan = build_plan(query, categories)
    hits: Hits = get_backend().run(plan)
    over = hits.n > plan.cap
    count = max(hits.estimate or 0, plan.cap + 1) if over else hits.n
    facets = {
        "categories": _category_facets(hits.categories, categories),
        "brands": _brand_facets(hits.brands),
        "price_ranges": _price_facets(hits.price_buckets, plan.price_bounds),
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
