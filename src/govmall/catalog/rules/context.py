"""What a review batch reads from the database, read once for the whole batch.

Categories (with their ancestors' activity, leaf status and attribute templates) are loaded in
three queries for every category in the batch; duplicate signatures and reference prices are
loaded by the rules that need them (one query each). After that every check is pure Python.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from govmall.catalog.attribute_template import ancestor_codes, key_signature
from govmall.catalog.models import AttributeSpec, Category
from govmall.catalog.normalise import brand_key, fold, model_key
from govmall.catalog.types import Candidate
from govmall.pricing.lookup import lowest_references
from govmall.pricing.models import ReferencePrice

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class SpecInfo:
    """An attribute of a category template, as plain values."""

    key: str
    name_zh: str
    name_en: str
    kind: str
    required: bool
    choices: list[Any]
    min_value: Any
    max_value: Any
    is_key: bool


@dataclass
class CategoryInfo:
    category: Category
    specs: list[SpecInfo] = field(default_factory=list)
    key_attrs: list[str] = field(default_factory=list)
    is_leaf: bool = True
    # Codes on the path (the category or an ancestor) that are not active.
    inactive_codes: list[str] = field(default_factory=list)


class BatchContext:
    def __init__(self, candidates: list[Candidate], *, now: datetime | None = None) -> None:
        self.candidates = candidates
        self.now = now or timezone.now()
        self.today: date = self.now.astimezone(SHANGHAI).date()
        self._categories: dict[int, CategoryInfo] | None = None
        self._signatures: dict[int, str] = {}
        self._texts: dict[tuple[int, str], str] = {}
        self._reference_keys: dict[int, tuple[str, str]] = {}
        self._references: dict[int, dict[tuple[str, str], ReferencePrice]] = {}

    # -- categories -------------------------------------------------------------------------
    @property
    def categories(self) -> dict[int, CategoryInfo]:
        if self._categories is None:
            self._categories = self._load_categories()
        return self._categories

    def category_info(self, candidate: Candidate) -> CategoryInfo:
        return self.categories[candidate.data.category.pk]

    def _load_categories(self) -> dict[int, CategoryInfo]:
        by_id: dict[int, Category] = {}
        for candidate in self.candidates:
            category = candidate.data.category
            by_id.setdefault(category.pk, category)
        if not by_id:
            return {}
        paths = {cid: ancestor_codes(cat) for cid, cat in by_id.items()}
        codes = {code for path in paths.values() for code in path}
        active = dict(Category.objects.filter(code__in=codes).values_list("code", "is_active"))
        parents = set(
            Category.objects.filter(parent_id__in=list(by_id))
            .values_list("parent_id", flat=True)
            .distinct()
        )
        specs_by_code: dict[str, list[tuple[int, int, SpecInfo]]] = {}
        for row in AttributeSpec.objects.filter(category__code__in=codes).values(
            "id",
            "key",
            "name_zh",
            "name_en",
            "kind",
            "required",
            "choices",
            "min_value",
            "max_value",
            "is_key",
            "position",
            "category__code",
        ):
            spec = SpecInfo(
                key=row["key"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                kind=row["kind"],
                required=row["required"],
                choices=list(row["choices"] or []),
                min_value=row["min_value"],
                max_value=row["max_value"],
                is_key=row["is_key"],
            )
            specs_by_code.setdefault(row["category__code"], []).append(
                (row["position"], row["id"], spec)
            )
        infos: dict[int, CategoryInfo] = {}
        for cid, category in by_id.items():
            specs: list[SpecInfo] = []
            for code in paths[cid]:
                specs.extend(s for _, _, s in sorted(specs_by_code.get(code, []), key=_order))
            infos[cid] = CategoryInfo(
                category=category,
                specs=specs,
                key_attrs=[s.key for s in specs if s.is_key],
                is_leaf=cid not in parents,
                # A code missing from the table counts as inactive (it was removed).
                inactive_codes=[code for code in paths[cid] if not active.get(code, False)],
            )
        return infos

    # -- per-candidate values ---------------------------------------------------------------
    def signature(self, index: int) -> str:
        sig = self._signatures.get(index)
        if sig is None:
            candidate = self.candidates[index]
            data = candidate.data
            info = self.category_info(candidate)
            sig = key_signature(data.brand, data.model_no, data.attributes or {}, info.key_attrs)
            self._signatures[index] = sig
        return sig

    def title_folded(self, index: int) -> str:
        return fold(self.candidates[index].data.title)

    def text(self, index: int, name: str) -> str:
        """A content field as text in NFKC (full-width letters and digits made half-width)."""
        key = (index, name)
        value = self._texts.get(key)
        if value is None:
            raw = getattr(self.candidates[index].data, name, "")
            value = unicodedata.normalize("NFKC", str(raw or ""))
            self._texts[key] = value
        return value

    def reference_key(self, index: int) -> tuple[str, str]:
        key = self._reference_keys.get(index)
        if key is None:
            data = self.candidates[index].data
            key = (brand_key(data.brand), model_key(data.model_no))
            self._reference_keys[index] = key
        return key

    def references(self, window_days: int) -> dict[tuple[str, str], ReferencePrice]:
        """Lowest reference per key captured within the window; one lookup per window."""
        found = self._references.get(window_days)
        if found is None:
            keys = {self.reference_key(i) for i in range(len(self.candidates))}
            found = lowest_references(keys, since=self.now - timedelta(days=window_days))
            self._references[window_days] = found
        return found


def _order(item: tuple[int, int, SpecInfo]) -> tuple[int, int]:
    return (item[0], item[1])
