"""Reading the category tree (selectors) and loading the shipped demo subset of the
政府采购品目分类目录 (`catalog/data/categories.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet

from govmall.catalog.models import AttributeSpec, Category

DEMO_FILE = Path(__file__).resolve().parent / "data" / "categories.json"


@dataclass
class TreeNode:
    category: Category
    children: list[TreeNode] = field(default_factory=list)
    attribute_count: int = 0

    @property
    def is_leaf(self) -> bool:
        return not self.children


def category_tree(*, active_only: bool = False) -> list[TreeNode]:
    """The whole tree, nested, siblings ordered by position then code; one query."""
    qs = Category.objects.annotate(n_attributes=Count("attributes")).order_by(
        "depth", "position", "code"
    )
    if active_only:
        qs = qs.filter(is_active=True)
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for category in qs:
        node = TreeNode(category=category, attribute_count=category.n_attributes)
        nodes[category.pk] = node
        if category.parent_id is None:
            roots.append(node)
        elif category.parent_id in nodes:
            nodes[category.parent_id].children.append(node)
        # else: an active child of an inactive parent (active_only): hidden with its parent.
    return roots


def flatten(tree: list[TreeNode]) -> list[TreeNode]:
    """Depth-first, in display order."""
    out: list[TreeNode] = []

    def walk(nodes: list[TreeNode]) -> None:
        for node in nodes:
            out.append(node)
            walk(node.children)

    walk(tree)
    return out


def descendant_ids(category: Category, *, include_self: bool = True) -> list[int]:
    qs = Category.objects.filter(path__startswith=category.path)
    if not include_self:
        qs = qs.exclude(pk=category.pk)
    return list(qs.values_list("pk", flat=True))


def leaf_categories(*, active_only: bool = True) -> QuerySet[Category]:
    """Categories without children (where products are listed), by path."""
    qs = Category.objects.filter(children__isnull=True)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("path")


def get_by_code(code: str) -> Category | None:
    return Category.objects.select_related("parent").filter(code=code).first()


def ancestors(category: Category) -> list[Category]:
    """From the root down to the category's parent."""
    codes = [code for code in category.path.split("/") if code and code != category.code]
    found = {c.code: c for c in Category.objects.filter(code__in=codes)}
    return [found[code] for code in codes if code in found]


@cache
def _demo_nodes() -> list[dict[str, Any]]:
    with DEMO_FILE.open(encoding="utf-8") as fh:
        data: list[dict[str, Any]] = json.load(fh)
    return data


def demo_codes() -> list[str]:
    codes: list[str] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            codes.append(node["code"])
            walk(node.get("children", []))

    walk(_demo_nodes())
    return codes


def ensure_demo_categories() -> int:
    """Load the shipped demo tree if the table lacks any of its codes (existing categories are
    left as they are); returns the number of categories created. Idempotent.

    The demo nodes are checked by the same validators as an import, then written in a few
    set-based statements (other areas' tests call this often), one creation event each."""
    from govmall.audit.services import record_events_bulk
    from govmall.catalog.services_categories import (
        attribute_snapshot,
        category_snapshot,
        clean_attribute_fields,
        clean_attribute_key,
        clean_category_fields,
    )

    codes = demo_codes()
    existing = {
        c.code: c for c in Category.objects.filter(code__in=codes).only("id", "code", "path")
    }
    if len(existing) == len(codes):
        return 0
    new: list[Category] = []
    specs: list[tuple[Category, AttributeSpec]] = []
    with transaction.atomic():

        def walk(nodes: list[dict[str, Any]], parent: Category | None) -> None:
            for position, node in enumerate(nodes):
                category = existing.get(node["code"])
                if category is None:
                    fields = clean_category_fields({"position": position, **node})
                    path = (parent.path if parent else "/") + node["code"] + "/"
                    category = Category(
                        code=node["code"],
                        parent=parent,
                        path=path,
                        depth=path.count("/") - 2,
                        **fields,
                    )
                    new.append(category)
                    for i, raw in enumerate(node.get("attributes", [])):
                        key = clean_attribute_key(raw["key"])
                        attr = clean_attribute_fields({"position": i, **raw})
                        specs.append((category, AttributeSpec(key=key, **attr)))
                walk(node.get("children", []), category)

        # Parents are created before their children (bulk_create sets the pks in order).
        by_depth: dict[int, list[Category]] = {}
        walk(_demo_nodes(), None)
        for category in new:
            by_depth.setdefault(category.depth, []).append(category)
        for depth in sorted(by_depth):
            for category in by_depth[depth]:
                if category.parent is not None:
                    category.parent_id = category.parent.pk
            Category.objects.bulk_create(by_depth[depth])
        for category, spec in specs:
            spec.category_id = category.pk
        AttributeSpec.objects.bulk_create([spec for _c, spec in specs])
        attributes: dict[int, list[dict[str, Any]]] = {}
        for category, spec in specs:
            attributes.setdefault(category.pk, []).append(attribute_snapshot(spec))
        record_events_bulk(
            items=[
                (
                    category,
                    "category.created",
                    None,
                    {
                        **category_snapshot(category),
                        "attributes": attributes.get(category.pk, []),
                        "via": "demo",
                    },
                )
                for category in new
            ],
            actor=None,
        )
    return len(new)
