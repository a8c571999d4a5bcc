"""Exporting the category tree in the JSON import format, so that an export re-imported
changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from govmall.catalog.models import AttributeSpec, Category


def _attribute_out(spec: AttributeSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"key": spec.key, "name_zh": spec.name_zh, "name_en": spec.name_en}
    data["kind"] = spec.kind
    if spec.unit:
        data["unit"] = spec.unit
    for flag in ("required", "is_key", "is_filter"):
        if getattr(spec, flag):
            data[flag] = True
    if spec.choices:
        data["choices"] = list(spec.choices)
    for bound in ("min_value", "max_value"):
        value = getattr(spec, bound)
        if value is not None:
            data[bound] = format(value.normalize(), "f")
    data["position"] = spec.position
    return data


def export_tree() -> list[dict[str, Any]]:
    """The whole tree in the JSON import format (re-importing it changes nothing)."""
    categories = list(Category.objects.order_by("depth", "position", "code"))
    specs: dict[int, list[AttributeSpec]] = {}
    for spec in AttributeSpec.objects.order_by("position", "id"):
        specs.setdefault(spec.category_id, []).append(spec)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for category in categories:
        node: dict[str, Any] = {
            "code": category.code,
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "gp_code": category.gp_code,
            "unspsc": category.unspsc,
            "cpv": category.cpv,
            "energy_status": category.energy_status,
            "min_warranty_months": category.min_warranty_months,
            "position": category.position,
        }
        if not category.is_active:
            node["is_active"] = False
        if specs.get(category.pk):
            node["attributes"] = [_attribute_out(s) for s in specs[category.pk]]
        nodes[category.pk] = node
        if category.parent_id is None:
            roots.append(node)
        else:
            nodes[category.parent_id].setdefault("children", []).append(node)
    return roots


def export_json() -> str:
    return json.dumps(export_tree(), ensure_ascii=False, indent=2) + "\n"
