"""Catalogue pages (public and signed-in): search with facets, product page, comparison.

Plain GET forms throughout; with htmx, filter changes refresh the result area in place
(`hx-select`). Products chosen for comparison travel in the query string (`n`, at most 4).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from govmall.accounts.roles import OrgKind
from govmall.catalog.attribute_template import template_for
from govmall.catalog.models import Category
from govmall.catalog.search.products import (
    MAX_COMPARE,
    compare_table,
    parse_numbers,
    product_detail,
)
from govmall.catalog.search.query import SearchQuery, parse_query
from govmall.catalog.search.service import SearchResult, search
from govmall.core.errors import DomainError, NotFound

SORT_CHOICES = [
    ("", gettext_noop("Best match")),
    ("newest", gettext_noop("Newest")),
    ("price", gettext_noop("Price: low to high")),
    ("price_desc", gettext_noop("Price: high to low")),
]


def purchaser_division(request: HttpRequest) -> str:
    """The signed-in purchaser's organisation division ("" for anyone else)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    org = getattr(user, "organisation", None)
    if org is None or org.kind != OrgKind.PURCHASER:
        return ""
    return str(org.division_id)


def _filter_specs(category_code: str) -> list[dict[str, Any]]:
    category = Category.objects.filter(code=category_code).first()
    if category is None:
        return []
    english = (get_language() or "").startswith("en")
    out = []
    for spec in template_for(category):
        if not spec.is_filter:
            continue
        out.append(
            {
                "key": spec.key,
                "param": f"attr.{spec.key}",
                "name": spec.name_en if english else spec.name_zh,
                "kind": spec.kind,
                "unit": spec.unit,
                "choices": list(spec.choices or []),
            }
        )
    return out


def catalogue_search(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    mine = purchaser_division(request)
    if mine and params.get("mine") == "1":
        params["delivers_to"] = mine
    selected = parse_numbers(request.GET.getlist("n"))
    too_many = len(selected) > MAX_COMPARE
    selected = selected[:MAX_COMPARE]
    error: DomainError | None = None
    result: SearchResult | None = None
    query = SearchQuery()
    try:
        query = parse_query(params)
        result = search(query)
    except DomainError as exc:
        error = exc
        try:
            result = search(replace(SearchQuery(), q=query.q))
        except DomainError:
            result = None
    attr_values = {k: v for k, v in request.GET.items() if k.startswith("attr.")}
    filters = _filter_specs(query.category) if query.category else []
    for f in filters:
        f["value"] = attr_values.get(f["param"], "")
    chosen_category = None
    if result is not None and query.category:
        chosen_category = next(
            (c for c in result.facets["categories"] if c["code"] == query.category), None
        )
    context = {
        "query": query,
        "result": result,
        "error": error,
        "sort_choices": [(value, _(label)) for value, label in SORT_CHOICES],
        "brands_chosen": set(query.brands),
        "filters": filters,
        "chosen_category": chosen_category,
        "can_use_mine": bool(mine),
        "mine": bool(mine) and request.GET.get("mine") == "1",
        "selected": selected,
        "too_many": too_many,
        "compare_query": "&".join(f"n={n}" for n in selected),
        "pages": _page_links(result) if result is not None else [],
        "count_text": f"{result.count:,}" if result is not None else "",
        "selected_hidden": [
            n for n in selected if result is None or n not in {r["number"] for r in result.results}
        ],
    }
    return render(
        request, "catalog/search/search.html", context, status=400 if error is not None else 200
    )


def _page_links(result: SearchResult) -> list[int | None]:
    """Page numbers to show: first, last and around the current one (None = a gap)."""
    last = result.pages
    current = min(result.page, last)
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def product(request: HttpRequest, number: str) -> HttpResponse:
    try:
        detail = product_detail(number.strip().upper()[:30])
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "catalog/search/product.html", {"p": detail})


def compare(request: HttpRequest) -> HttpResponse:
    numbers = parse_numbers(request.GET.getlist("n"))
    table: dict[str, Any] | None = None
    error: DomainError | None = None
    try:
        table = compare_table(numbers)
    except DomainError as exc:
        error = exc
    remove_links = {n: "&".join(f"n={m}" for m in numbers if m != n) for n in numbers[:MAX_COMPARE]}
    return render(
        request,
        "catalog/search/compare.html",
        {
            "table": table,
            "error": error,
            "numbers": numbers,
            "remove_links": remove_links,
        },
        status=error.status if error is not None else 200,
    )
