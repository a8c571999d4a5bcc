"""Keeping the search table in step with listings. Services call `sync_listings` in their
transaction after any change of a listing's state or live content; `rebuild_all` rebuilds the
whole table (command `govmall catalog_reindex`).

Set-based: for a batch of ids, one DELETE, one SELECT of the listings (with category and
supplier division), one of the categories on their paths, one of the filterable attributes,
two or three for brands, one bulk INSERT — whatever the batch size (chunks of 1,000).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from govmall.catalog.models import AttributeSpec, Brand, Category, Listing, ListingState, SearchRow
from govmall.catalog.normalise import brand_key
from govmall.catalog.search.tokens import division_ancestors, index_terms

CHUNK = 1000


def ensure_brands(names: dict[str, str]) -> dict[str, int]:
    """Brand ids by key for {key: display name}, creating the missing ones."""
    if not names:
        return {}
    found = dict(Brand.objects.filter(norm__in=list(names)).values_list("norm", "id"))
    missing = [Brand(name=names[k][:100], norm=k) for k in names if k not in found]
    if missing:
        Brand.objects.bulk_create(missing, ignore_conflicts=True)
        found.update(
            Brand.objects.filter(norm__in=[b.norm for b in missing]).values_list("norm", "id")
        )
    return found


def build_rows(listings: list[Listing]) -> list[SearchRow]:
    """Search rows for these listings (each with category and supplier organisation's division
    loaded)."""
    if not listings:
        return []
    codes: set[str] = set()
    for listing in listings:
        codes.update(c for c in listing.category.path.split("/") if c)
    categories = {
        c["code"]: c
        for c in Category.objects.filter(code__in=codes).values("code", "name_zh", "name_en")
    }
    filter_keys: dict[str, list[str]] = {}
    for code, key in AttributeSpec.objects.filter(
        category__code__in=codes, is_filter=True
    ).values_list("category__code", "key"):
        filter_keys.setdefault(code, []).append(key)
    brands = ensure_brands({brand_key(li.brand): li.brand for li in listings})
    now = timezone.now()
    rows = []
    for listing in listings:
        path = [c for c in listing.category.path.split("/") if c]
        names: list[str] = []
        keys: list[str] = []
        for code in path:
            info = categories.get(code)
            if info is not None:
                names += [info["name_zh"], info["name_en"]]
            keys += filter_keys.get(code, [])
        division = listing.supplier.organisation.division
        listed_at = listing.listed_at or now
        terms, title_terms = index_terms(
            title=listing.title,
            brand=listing.brand,
            model_no=listing.model_no,
            manufacturer=listing.manufacturer,
            category_names=names,
            category_codes=path,
            division_codes=division_ancestors(division.path),
            delivery_codes=[str(c) for c in (listing.delivery_divisions or [])],
            attributes=listing.attributes if isinstance(listing.attributes, dict) else {},
            filter_keys=keys,
            price=listing.price,
            listed_at=listed_at,
        )
        rows.append(
            SearchRow(
                listing_id=listing.pk,
                terms=terms,
                title_terms=title_terms,
                category_id=listing.category_id,
                brand_id=brands[brand_key(listing.brand)],
                supplier_division=int(division.code),
                price=listing.price,
                listed_at=listed_at,
            )
        )
    return rows


def _live(ids: list[int]) -> list[Listing]:
    return list(
        Listing.objects.filter(pk__in=ids, state=ListingState.LISTED)
        .select_related("category", "supplier__organisation__division")
        .only(
            "id",
            "title",
            "brand",
            "model_no",
            "manufacturer",
            "attributes",
            "delivery_divisions",
            "price",
            "listed_at",
            "category__id",
            "category__path",
            "supplier__id",
            "supplier__organisation__id",
            "supplier__organisation__division__code",
            "supplier__organisation__division__path",
        )
    )


def sync_listings(listing_ids: Iterable[int]) -> None:
    """Rebuild the search rows of these listings: a row for each live (listed) one, none for
    the others."""
    ids = sorted({int(i) for i in listing_ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        SearchRow.objects.filter(listing_id__in=chunk).delete()
        rows = build_rows(_live(chunk))
        if rows:
            SearchRow.objects.bulk_create(rows)


def rebuild_all(progress: Callable[[int, int], Any] | None = None, *, chunk: int = CHUNK) -> int:
    """Rebuild every row (rows of listings no longer listed go); returns the number of rows."""
    SearchRow.objects.exclude(listing__state=ListingState.LISTED).delete()
    ids = list(
        Listing.objects.filter(state=ListingState.LISTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = len(ids)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, chunk):
        part = ids[start : start + chunk]
        SearchRow.objects.filter(listing_id__in=part).delete()
        rows = build_rows(_live(part))
        if rows:
            SearchRow.objects.bulk_create(rows)
        if progress is not None:
            progress(min(start + chunk, total), total)
    return total
