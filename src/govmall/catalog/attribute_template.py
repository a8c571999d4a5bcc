"""A category's effective attribute template (its ancestors' attributes, then its own) and
the duplicate signature built from brand, model and the key attributes."""

from __future__ import annotations

import hashlib
from typing import Any

from govmall.catalog.models import AttributeSpec, Category
from govmall.catalog.normalise import brand_key, fold, model_key


def ancestor_codes(category: Category) -> list[str]:
    """Codes from the root down to the category itself."""
    return [code for code in category.path.split("/") if code]


def template_for(category: Category) -> list[AttributeSpec]:
    codes = ancestor_codes(category)
    specs = list(AttributeSpec.objects.filter(category__code__in=codes).select_related("category"))
    depth = {code: i for i, code in enumerate(codes)}
    specs.sort(key=lambda s: (depth[s.category.code], s.position, s.id))
    return specs


def key_signature(
    brand: str, model_no: str, attributes: dict[str, Any], key_attrs: list[str]
) -> str:
    """Equal for two listings of one product whatever their price, pictures or unit."""
    parts = [brand_key(brand), model_key(model_no)]
    for key in sorted(key_attrs):
        parts.append(f"{key}={fold(str(attributes.get(key, '')))}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
