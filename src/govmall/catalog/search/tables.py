"""The small tables every search reads: the category tree (validation, facet names, result
categories) and brand names (facets).

The category tree is cached per process and database. On PostgreSQL one cheap statement
tells whether it changed since it was read: the row count and a sum over the rows' versions
(`xmin` and `ctid`: an insert, update or delete by any transaction, this one included,
changes it); only then is the tree read again. Elsewhere (SQLite: development and tests) it
is read every time. Brand names are read by id, only for the brands a facet shows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import get_language

_CATEGORIES = (
    "SELECT id, code, path, depth, name_zh, name_en, parent_id, energy_status FROM catalog_category"
)
_VERSION = (
    "SELECT count(*), coalesce(sum(hashtextextended(xmin::text || ctid::text, 0)), 0) "
    "FROM catalog_category"
)


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


_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], dict[int, CategoryInfo]]] = {}


def _read_categories() -> dict[int, CategoryInfo]:
    with connection.cursor() as cursor:
        cursor.execute(_CATEGORIES)
        rows = cursor.fetchall()
    return {row[0]: CategoryInfo(*row) for row in rows}


def category_table() -> dict[int, CategoryInfo]:
    """Every category by id (the tree is small). Do not change the returned dict."""
    if connection.vendor != "postgresql":
        return _read_categories()
    with connection.cursor() as cursor:
        cursor.execute(_VERSION)
        count, digest = cursor.fetchone()
    version = (int(count), int(digest))
    key = str(connection.settings_dict.get("NAME"))
    cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    table = _read_categories()
    with _lock:
        _cache[key] = (version, table)
    return table


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def brand_names(ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, key) of these brands by id."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, name, norm FROM catalog_brand WHERE id IN ({marks})",  # noqa: S608
            list(ids),
        )
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
