"""Keeping the search table in step with listings. Services call `sync_listings` in their
transaction after any change of a listing's state or live content; `rebuild_all` rebuilds the
whole table (command `govmall catalog_reindex`).

Set-based: for a batch of ids, one SELECT of the listings' indexed values (with category path
and supplier division), one of the categories on their paths, one of the filterable
attributes, two or three for brands, and the replacement of the rows (`index_write`: DELETE +
COPY on PostgreSQL) — whatever the batch size (chunks of 1,000).

The terms are exactly those of `tokens.index_terms`, built from memoised parts: jieba runs
once per distinct whitespace-separated piece of folded text (brands, category names and the
words of titles repeat from listing to listing), the words of a category path, its `cat:`
terms and filter keys once per path and call, `div:` terms once per division, and the term
hashes of repeated words, attribute values, prices and weeks are kept in small LRU caches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from django.utils import timezone

from govmall.catalog.models import AttributeSpec, Brand, Category, Listing, ListingState, SearchRow
from govmall.catalog.normalise import brand_key, fold
from govmall.catalog.search.index_write import RowValues, as_model, replace_rows
from govmall.catalog.search.tokens import (
    attr_hashes,
    division_ancestors,
    fold_text,
    price_terms,
    search_words,
    term_hash,
    week_term,
)

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


# ---- memoised parts of `tokens.index_terms` ------------------------------------------------


# Cache sizes keep a process's memory for them to a few MB at most.
@lru_cache(maxsize=1 << 14)
def _piece_words(piece: str) -> tuple[str, ...] | None:
    """`search_words` of one whitespace-free piece of folded text; None when folding the piece
    again would change it (then the whole text is tokenised at once)."""
    if fold_text(piece) != piece:
        return None
    return tuple(search_words(piece))


@lru_cache(maxsize=1 << 13)
def text_words(text: str) -> tuple[str, ...]:
    """`tokens.search_words(text)`, piece by piece. jieba cuts the runs of CJK characters,
    letters and digits (never whitespace) independently and every token is folded on its own,
    so the words of the whole text are the words of its whitespace-separated pieces, in
    order, each kept at its first occurrence."""
    merged: dict[str, None] = {}
    for piece in fold_text(text).split():
        words = _piece_words(piece)
        if words is None:
            return tuple(search_words(text))
        merged.update(dict.fromkeys(words))
    return tuple(merged)


@lru_cache(maxsize=1 << 15)
def _hash(kind: str, value: str) -> int:
    return term_hash(kind, value)


@lru_cache(maxsize=1 << 12)
def _fold_hash(kind: str, text: str) -> int:
    return term_hash(kind, fold(text))


@lru_cache(maxsize=1 << 14)
def _attr_hashes(key: str, kind: str, value: Any) -> tuple[int, ...]:
    return tuple(attr_hashes(key, value))


@lru_cache(maxsize=1 << 12)
def _price_terms(price: Decimal) -> tuple[int, ...]:
    return tuple(price_terms(price))


@lru_cache(maxsize=1 << 8)
def _week_term(at: datetime) -> int:
    return week_term(at)


_SCALARS = (str, int, float, Decimal)


def _value_hashes(key: str, value: Any) -> Iterable[int]:
    if isinstance(value, _SCALARS):  # bool is an int: the type is part of the cache key
        return _attr_hashes(key, type(value).__name__, value)
    return attr_hashes(key, value)


class Source(NamedTuple):
    """What the index reads of one listing."""

    listing_id: int
    title: str
    brand: str
    model_no: str
    manufacturer: str
    attributes: Any
    delivery_divisions: Any
    price: Decimal
    listed_at: datetime | None
    category_id: int
    category_path: str
    division_code: str
    division_path: str


SOURCE_FIELDS = (
    "id",
    "title",
    "brand",
    "model_no",
    "manufacturer",
    "attributes",
    "delivery_divisions",
    "price",
    "listed_at",
    "category_id",
    "category__path",
    "supplier__organisation__division__code",
    "supplier__organisation__division__path",
)


class _Path(NamedTuple):
    words: tuple[str, ...]  # of the zh and en names of the category and its ancestors
    terms: tuple[int, ...]  # cat:<code> of each
    filter_keys: tuple[str, ...]


class _Terms:
    """`tokens.index_terms` for a batch, with the per-category and per-division parts once."""

    def __init__(self, sources: Sequence[Source]) -> None:
        codes: set[str] = set()
        for source in sources:
            codes.update(c for c in source.category_path.split("/") if c)
        self.categories = {
            c["code"]: c
            for c in Category.objects.filter(code__in=codes).values("code", "name_zh", "name_en")
        }
        self.filter_keys: dict[str, list[str]] = {}
        for code, key in AttributeSpec.objects.filter(
            category__code__in=codes, is_filter=True
        ).values_list("category__code", "key"):
            self.filter_keys.setdefault(code, []).append(key)
        self._paths: dict[str, _Path] = {}
        self._divisions: dict[str, tuple[int, ...]] = {}
        self._delivery: dict[tuple[str, ...], tuple[int, ...]] = {}

    def path(self, category_path: str) -> _Path:
        found = self._paths.get(category_path)
        if found is None:
            codes = [c for c in category_path.split("/") if c]
            words: dict[str, None] = {}
            keys: list[str] = []
            for code in codes:
                info = self.categories.get(code)
                if info is not None:
                    for name in (info["name_zh"], info["name_en"]):
                        words.update(dict.fromkeys(text_words(name)))
                keys += self.filter_keys.get(code, [])
            found = _Path(
                tuple(words), tuple(dict.fromkeys(_hash("cat", c) for c in codes)), tuple(keys)
            )
            self._paths[category_path] = found
        return found

    def division(self, path: str) -> tuple[int, ...]:
        found = self._divisions.get(path)
        if found is None:
            found = tuple(_hash("div", code) for code in division_ancestors(path))
            self._divisions[path] = found
        return found

    def delivery(self, codes: Any) -> tuple[int, ...]:
        key = tuple(str(c) for c in (codes or []))
        found = self._delivery.get(key)
        if found is None:
            found = tuple(_hash("dlv", code) for code in key or ("*",))
            self._delivery[key] = found
        return found

    def of(self, s: Source, listed_at: datetime) -> tuple[list[int], list[int]]:
        """(terms, title_terms) equal to `index_terms` of the listing, in the same order."""
        title_words = text_words(s.title)
        words: dict[str, None] = dict.fromkeys(title_words)
        for text in (s.brand, s.model_no, s.manufacturer):
            words.update(dict.fromkeys(text_words(text)))
        path = self.path(s.category_path)
        words.update(dict.fromkeys(path.words))
        terms: dict[int, None] = {_hash("w", w): None for w in words}
        terms[_fold_hash("brand", s.brand)] = None
        terms[term_hash("model", fold(s.model_no))] = None
        terms.update(dict.fromkeys(path.terms))
        terms.update(dict.fromkeys(self.division(s.division_path)))
        terms.update(dict.fromkeys(self.delivery(s.delivery_divisions)))
        attributes = s.attributes if isinstance(s.attributes, dict) else {}
        for key in path.filter_keys:
            if key in attributes:
                terms.update(dict.fromkeys(_value_hashes(key, attributes[key])))
        if s.price is not None:
            terms.update(dict.fromkeys(_price_terms(s.price)))
        terms[_week_term(listed_at)] = None
        return list(terms), [_hash("w", w) for w in title_words]


class _Batch:
    """The rows of a batch: what they need from the database is read at once (categories,
    filter keys, brands); the rows themselves come lazily (`rows()`), so that the writer can
    stream them into COPY while the server inserts the earlier ones."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = sources
        self.builder = _Terms(sources) if sources else None
        self.keys: dict[str, str] = {}
        names: dict[str, str] = {}
        for source in sources:
            key = self.keys.get(source.brand)
            if key is None:
                key = self.keys[source.brand] = brand_key(source.brand)
            names[key] = source.brand  # the last spelling of a brand names it, as before
        self.brands = ensure_brands(names)
        self.now = timezone.now()

    def rows(self) -> Iterator[RowValues]:
        builder = self.builder
        for s in self.sources:
            assert builder is not None
            listed_at = s.listed_at or self.now
            terms, title_terms = builder.of(s, listed_at)
            yield RowValues(
                s.listing_id,
                terms,
                title_terms,
                s.category_id,
                self.brands[self.keys[s.brand]],
                int(s.division_code),
                s.price,
                listed_at,
            )


def row_values(sources: Sequence[Source]) -> list[RowValues]:
    """The search rows of these listings' values."""
    if not sources:
        return []
    return list(_Batch(sources).rows())


def source_of(listing: Listing) -> Source:
    division = listing.supplier.organisation.division
    return Source(
        listing.pk,
        listing.title,
        listing.brand,
        listing.model_no,
        listing.manufacturer,
        listing.attributes,
        listing.delivery_divisions,
        listing.price,
        listing.listed_at,
        listing.category_id,
        listing.category.path,
        division.code,
        division.path,
    )


def build_rows(listings: list[Listing]) -> list[SearchRow]:
    """Search rows for these listings (each with category and supplier organisation's division
    loaded)."""
    return [as_model(values) for values in row_values([source_of(li) for li in listings])]


def _live(ids: list[int]) -> list[Source]:
    return [
        Source(*values)
        for values in Listing.objects.filter(pk__in=ids, state=ListingState.LISTED).values_list(
            *SOURCE_FIELDS
        )
    ]


def sync_listings(listing_ids: Iterable[int]) -> None:
    """Rebuild the search rows of these listings: a row for each live (listed) one, none for
    the others."""
    ids = sorted({int(i) for i in listing_ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        replace_rows(chunk, _Batch(_live(chunk)).rows())


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
        replace_rows(part, _Batch(_live(part)).rows())
        if progress is not None:
            progress(min(start + chunk, total), total)
    return total
