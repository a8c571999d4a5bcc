"""A catalogue search as data: parsing and validating request parameters.

`parse_query(params)` takes a mapping (a QueryDict or a dict; repeated keys as lists) and
raises DomainError with a stable code and the field at fault: `invalid_price`,
`invalid_price_range`, `unknown_category`, `unknown_division`, `invalid_sort`, `invalid_page`,
`invalid_page_size`, `invalid_query`, `invalid_attribute_filter`. Unknown brands or attribute
values are not errors: they match nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from govmall.core.errors import DomainError

SORTS = ("relevance", "newest", "price", "price_desc")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_QUERY_LENGTH = 100
MAX_PRICE = Decimal("9999999999.99")
_ATTR_KEY = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
_DIVISION = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    category: str = ""  # category code; descendants included
    brands: tuple[str, ...] = ()  # brand names or keys: any of them
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    division: str = ""  # supplier's division (or an ancestor of it)
    delivers_to: str = ""  # a division the listing delivers to
    attributes: tuple[tuple[str, str], ...] = ()  # (key, value): all must match
    sort: str = ""  # "" = relevance with q, newest without
    page: int = 1
    page_size: int = PAGE_SIZE
    cap: int | None = None  # override of settings.GOVMALL_SEARCH_CAP (tests, benchmarks)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q.strip() else "newest"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _one(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return "" if value is None else str(value).strip()


def _many(params: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        values = getlist(key)
    else:
        raw = params.get(key)
        values = list(raw) if isinstance(raw, list | tuple) else ([raw] if raw else [])
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _price(params: Mapping[str, Any], key: str) -> Decimal | None:
    text = _one(params, key)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        raise DomainError(
            "invalid_price",
            _("The price must be a non-negative number."),
            field=key,
            status=422,
        )
    return value


def _positive_int(params: Mapping[str, Any], key: str, default: int, code: str) -> int:
    text = _one(params, key)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1 or len(text) > 9:
        raise DomainError(code, _("Give a whole number of at least 1."), field=key, status=422)
    return int(text)


def parse_query(params: Mapping[str, Any]) -> SearchQuery:
    """Validate request parameters into a SearchQuery (existence of the category and divisions
    is checked by the service, which looks them up anyway)."""
    q = _one(params, "q")
    if len(q) > MAX_QUERY_LENGTH:
        raise DomainError(
            "invalid_query",
            _("The search text is too long (at most 100 characters)."),
            field="q",
            status=422,
        )
    min_price = _price(params, "min_price")
    max_price = _price(params, "max_price")
    if min_price is not None and max_price is not None and min_price > max_price:
        raise DomainError(
            "invalid_price_range",
            _("The lowest price is above the highest price."),
            field="min_price",
            status=422,
        )
    sort = _one(params, "sort")
    if sort and sort not in SORTS:
        raise DomainError(
            "invalid_sort",
            _("Unknown sort order."),
            field="sort",
            status=422,
            allowed=list(SORTS),
        )
    page = _positive_int(params, "page", 1, "invalid_page")
    page_size = _positive_int(params, "page_size", PAGE_SIZE, "invalid_page_size")
    if page_size > MAX_PAGE_SIZE:
        raise DomainError(
            "invalid_page_size",
            _("At most 50 results per page."),
            field="page_size",
            status=422,
        )
    division = _one(params, "division")
    delivers_to = _one(params, "delivers_to")
    for key, value in (("division", division), ("delivers_to", delivers_to)):
        if value and not _DIVISION.match(value):
            raise DomainError(
                "unknown_division",
                _("Unknown administrative division."),
                field=key,
                status=422,
            )
    attributes: list[tuple[str, str]] = []
    for key in params:
        if not str(key).startswith("attr."):
            continue
        name = str(key)[5:]
        if not _ATTR_KEY.match(name):
            raise DomainError(
                "invalid_attribute_filter",
                _("Unknown attribute filter."),
                field=str(key),
                status=422,
            )
        for value in _many(params, str(key)):
            attributes.append((name, value[:100]))
    category = _one(params, "category")
    return SearchQuery(
        q=q,
        category=category[:30] if category else "",
        brands=tuple(b[:100] for b in _many(params, "brand")),
        min_price=min_price,
        max_price=max_price,
        division=division,
        delivers_to=delivers_to,
        attributes=tuple(sorted(attributes)),
        sort=sort,
        page=page,
        page_size=page_size,
    )
