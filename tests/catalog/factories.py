"""Catalogue test data. `make_category` and `make_listing_row` write rows directly (with their
creation event) for tests that are not about the listing services themselves; tests of the
flow go through the services."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from govmall.audit.services import record_event
from govmall.catalog.attribute_template import key_signature, template_for
from govmall.catalog.models import AttributeSpec, Category, Listing
from govmall.core.numbers import next_number

_n = itertools.count(1)


def make_category(
    code: str | None = None,
    *,
    parent: Category | None = None,
    name_zh: str = "测试品目",
    name_en: str = "Test category",
    energy_status: str = "none",
    min_warranty_months: int = 0,
    attributes: list[dict[str, Any]] | None = None,
) -> Category:
    """attributes: dicts of AttributeSpec fields (key, name_zh, name_en, kind, ...)."""
    code = code or f"T{next(_n):04d}"
    path = (parent.path if parent else "/") + code + "/"
    with transaction.atomic():
        category = Category.objects.create(
            code=code,
            parent=parent,
            path=path,
            depth=parent.depth + 1 if parent else 0,
            name_zh=name_zh,
            name_en=name_en,
            energy_status=energy_status,
            min_warranty_months=min_warranty_months,
        )
        for position, spec in enumerate(attributes or []):
            spec = {"name_zh": spec["key"], "name_en": spec["key"], **spec}
            AttributeSpec.objects.create(category=category, position=position, **spec)
        record_event(obj=category, action="category.created", after={"code": code})
    return category


def make_listing_row(
    supplier,
    category: Category,
    *,
    state: str = "listed",
    title: str | None = None,
    brand: str = "惠普",
    model_no: str | None = None,
    price: Decimal | str = "1000.00",
    attributes: dict[str, Any] | None = None,
    sku: str = "",
    stock: int = 10,
    **content: Any,
) -> Listing:
    model_no = model_no or f"M{next(_n)}"
    attributes = attributes or {}
    keys = [spec.key for spec in template_for(category) if spec.is_key]
    now = timezone.now()
    with transaction.atomic():
        listing = Listing.objects.create(
            number=next_number("LST"),
            supplier=supplier,
            sku=sku,
            state=state,
            stock=stock,
            category=category,
            title=title or f"{brand} {model_no} {category.name_zh}",
            brand=brand,
            model_no=model_no,
            unit=content.pop("unit", "台"),
            price=Decimal(str(price)),
            attributes=attributes,
            key_signature=key_signature(brand, model_no, attributes, keys),
            created_at=now,
            updated_at=now,
            listed_at=now if state == "listed" else None,
            **content,
        )
        record_event(obj=listing, action="listing.created", after={"state": state})
    return listing
