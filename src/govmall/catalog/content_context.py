"""What the listing parser looks up in the database, fetched once per batch, and the collector
of its errors (all of them for bulk rows and the live editor, or the first one raised).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from govmall.catalog.attribute_template import template_for
from govmall.catalog.content_values import as_list, parse_int
from govmall.catalog.models import AttributeSpec, Category, ListingImage
from govmall.core.errors import DomainError


@dataclass
class ParseContext:
    """What the parser looks up, fetched once per batch: categories by code (with whether
    they are leaves), templates by category id, known division codes, the supplier's images."""

    supplier_id: int
    categories: dict[str, Category] = field(default_factory=dict)
    leaves: set[int] = field(default_factory=set)
    templates: dict[int, dict[str, AttributeSpec]] = field(default_factory=dict)
    divisions: set[str] = field(default_factory=set)
    images: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, raws: Iterable[Any], *, supplier_id: int) -> ParseContext:
        from govmall.accounts.models import Division

        codes: set[str] = set()
        division_codes: set[str] = set()
        image_ids: set[int] = set()
        for raw in raws:
            if not isinstance(raw, Mapping):
                continue
            if isinstance(raw.get("category"), str):
                codes.add(raw["category"].strip())
            divisions = as_list(raw.get("delivery_divisions"), split=True) or []
            division_codes.update(str(d).strip() for d in divisions if isinstance(d, (str, int)))
            for image in as_list(raw.get("image_ids"), split=True) or []:
                number = parse_int(image)
                if number is not None and 0 < number < 10**12:
                    image_ids.add(number)
        ctx = cls(supplier_id=supplier_id)
        if codes:
            found = Category.objects.filter(code__in=codes, is_active=True)
            ctx.categories = {c.code: c for c in found}
            parents = set(
                Category.objects.filter(
                    parent_id__in=[c.pk for c in found], is_active=True
                ).values_list("parent_id", flat=True)
            )
            ctx.leaves = {c.pk for c in found if c.pk not in parents}
            for category in found:
                if category.pk in ctx.leaves:
                    ctx.templates[category.pk] = {s.key: s for s in template_for(category)}
        if division_codes:
            ctx.divisions = set(
                Division.objects.filter(code__in=division_codes).values_list("code", flat=True)
            )
        if image_ids:
            ctx.images = set(
                ListingImage.objects.filter(supplier_id=supplier_id, pk__in=image_ids).values_list(
                    "pk", flat=True
                )
            )
        return ctx


class Collector:
    """Errors found so far; with `first_only` the first one is raised at once."""

    def __init__(self, first_only: bool) -> None:
        self.first_only = first_only
        self.errors: list[DomainError] = []

    def add(self, error: DomainError) -> None:
        self.errors.append(error)
        if self.first_only:
            raise error
