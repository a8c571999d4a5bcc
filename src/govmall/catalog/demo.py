"""The demo catalogue: the shipped category tree, the current rule set, reference prices of the
demo products (京东/天猫/苏宁/厂商, captured in the last few days) and listings of several demo
suppliers, loaded through the supplier bulk path like a real ERP sync (reviewed, audited,
indexed). Idempotent: a second run finds everything in place and changes nothing.

Suppliers: the showcase ones (包头市鹿城办公设备有限公司, 昆都仑区晨光办公用品店) and, when the
supplier demo has loaded them, the first background suppliers of a few trades (家具, 电器, 科技,
办公设备) that may trade. Each lists its trades' products (about 120 listed in all), each
product with a picture generated here (a card with the category's name, one per supplier and
category). The first supplier also gets a few rows the rules reject (forbidden word, 专供
model, price above the reference), two that wait for an operator (a claim to check, a price far
below the reference) and one draft.

The products (and their manufacturers) live in `data/demo_products.json`; the pictures in
`demo_images`, the reference prices in `demo_references`.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from govmall.catalog.demo_images import card_image, demo_image_id
from govmall.catalog.demo_references import load_references

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_products.json"
CERT_EXPIRY = "2028-12-31"


@dataclass(frozen=True)
class Product:
    group: str  # office | computers | supplies | furniture | appliances
    category: str
    brand: str
    model: str
    title: str
    price: str  # the listing price of the first supplier (others a little lower)
    reference: str  # the lowest reference price (京东 self-operated)
    attributes: dict[str, Any]
    unit: str = "台"
    warranty: int = 12
    extra: dict[str, Any] = field(default_factory=dict)


def _read_data() -> dict[str, Any]:
    """The demo product data; data, not code, so adding a product needs no Python."""
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


_DATA = _read_data()
MANUFACTURERS: dict[str, str] = _DATA["manufacturers"]
PRODUCTS: list[Product] = [Product(**row) for row in _DATA["products"]]
# Rows of the first supplier that the rules do not simply pass: (sku suffix, product, changes).
SHOWCASE_ROWS: list[tuple[str, Product, dict[str, Any]]] = [
    (row["sku_suffix"], Product(**row["product"]), row["changes"]) for row in _DATA["showcase_rows"]
]
DRAFT = Product(**_DATA["draft"])

# Supplier slots: (how to find it, the SKU prefix, its groups, price factor).
SLOTS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("name", "包头市鹿城办公设备有限公司", "LC", ("office", "computers", "supplies"), "1.00"),
    ("name", "昆都仑区晨光办公用品店", "CG", ("supplies", "furniture"), "0.99"),
    ("trade", "家具", "JJ", ("furniture",), "0.98"),
    ("trade", "电器", "DQ", ("appliances",), "0.98"),
    ("trade", "科技", "KJ", ("computers",), "0.97"),
    ("trade", "办公设备", "BG", ("office",), "0.97"),
]


@dataclass
class _Slot:
    supplier: Any
    user: Any
    prefix: str
    groups: tuple[str, ...]
    factor: Decimal


def _all_products() -> list[Product]:
    return [*PRODUCTS, *(p for _s, p, _c in SHOWCASE_ROWS), DRAFT]


def _slug(text: str) -> str:
    from govmall.catalog.normalise import fold

    return "".join(ch for ch in fold(text).upper() if ch.isascii() and ch.isalnum())[:40] or (
        f"{zlib.crc32(text.encode()):08X}"
    )


def _cert_no(model: str) -> str:
    return f"CQC{zlib.crc32(model.encode()) % 10**12:012d}"


# ---- suppliers ---------------------------------------------------------------------------


def _admin_of(supplier: Any) -> Any:
    from govmall.accounts.models import User
    from govmall.accounts.roles import Role

    return (
        User.objects.filter(
            organisation_id=supplier.organisation_id,
            is_active=True,
            roles__role=Role.SUPPLIER_ADMIN,
        )
        .order_by("pk")
        .first()
    )


def _find_slots() -> list[_Slot]:
    from govmall.suppliers.gate import may_trade
    from govmall.suppliers.models import Supplier, SupplierStatus

    active = Supplier.objects.filter(status=SupplierStatus.ACTIVE).select_related(
        "organisation__division"
    )
    slots: list[_Slot] = []
    used: set[int] = set()
    for how, what, prefix, groups, factor in SLOTS:
        if how == "name":
            candidates = list(active.filter(organisation__name=what))
        else:
            candidates = list(
                active.filter(organisation__name__contains=what)
                .exclude(pk__in=used)
                .order_by("pk")[:20]
            )
        for supplier in candidates:
            if supplier.pk in used or not may_trade(supplier):
                continue
            user = _admin_of(supplier)
            if user is None:
                continue
            slots.append(_Slot(supplier, user, prefix, groups, Decimal(factor)))
            used.add(supplier.pk)
            break
    if not slots:  # no showcase supplier: the first one that may trade lists the main groups
        for supplier in active.order_by("pk")[:50]:
            user = _admin_of(supplier)
            if user is not None and may_trade(supplier):
                slots.append(_Slot(supplier, user, "LC", SLOTS[0][3], Decimal("1.00")))
                break
    return slots


# ---- listings -------------------------------------------------------------------------------


def _item(
    slot: _Slot,
    product: Product,
    category: Any,
    image_id: int,
    sku: str,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    from govmall.catalog.models import EnergyStatus

    price = (Decimal(product.price) * slot.factor).quantize(Decimal("1"))
    warranty = max(product.warranty, category.min_warranty_months)
    years = warranty // 12
    after_sales = (
        f"原厂质保 {years} 年，包头市区 4 小时响应、24 小时内上门服务。"
        if years
        else "质量问题 7 日内包退换，送货上门。"
    )
    item: dict[str, Any] = {
        "sku": sku,
        "category": category.code,
        "title": product.title,
        "brand": product.brand,
        "model_no": product.model,
        "manufacturer": MANUFACTURERS.get(product.brand, f"{product.brand}（中国）有限公司"),
        "attributes": dict(product.attributes),
        "unit": product.unit,
        "price": f"{price}.00",
        "stock": 5 + zlib.crc32(sku.encode()) % 120,
        "warranty_months": warranty,
        "delivery_divisions": ["150200"] if slot.prefix == "CG" else [],
        "origin": "domestic",
        "image_ids": [image_id],
        "description": f"{product.title}。正品行货，原厂包装，全国联保，提供增值税专用发票。",
        "extra_fees": product.extra.get("extra_fees", []),
        "no_extra_fees": product.extra.get("no_extra_fees", True),
        "after_sales": after_sales,
    }
    if category.energy_status == EnergyStatus.MANDATORY:
        item["energy_cert_no"] = _cert_no(product.model)
        item["energy_cert_expiry"] = CERT_EXPIRY
    item.update(changes or {})
    return item


def _load_slot(slot: _Slot, first: bool, categories: dict[str, Any]) -> list[Any]:
    from govmall.catalog.services_bulk import listings_bulk_upsert

    rows: list[tuple[Product, str, dict[str, Any]]] = [
        (p, f"{slot.prefix}-{_slug(p.model)}", {}) for p in PRODUCTS if p.group in slot.groups
    ]
    if first:
        rows += [(p, f"{slot.prefix}-{suffix}", changes) for suffix, p, changes in SHOWCASE_ROWS]
    images: dict[str, int] = {}
    items = []
    for product, sku, changes in rows:
        category = categories[product.category]
        if category.code not in images:
            images[category.code] = demo_image_id(slot.supplier, slot.user, category, product.group)
        items.append(_item(slot, product, category, images[category.code], sku, changes))
    return listings_bulk_upsert(actor=slot.user, items=items)


def _load_draft(slot: _Slot, categories: dict[str, Any]) -> int:
    from govmall.catalog.content import parse_content
    from govmall.catalog.models import Listing
    from govmall.catalog.services_listings import listing_create

    sku = f"{slot.prefix}-DRAFT"
    if Listing.objects.filter(supplier=slot.supplier, sku=sku).exists():
        return 0
    category = categories[DRAFT.category]
    image_id = demo_image_id(slot.supplier, slot.user, category, DRAFT.group)
    raw = _item(slot, DRAFT, category, image_id, sku)
    data = parse_content(raw, supplier=slot.supplier)
    listing_create(actor=slot.user, data=data, sku=sku, stock=raw["stock"])
    return 1


def load_demo_catalogue(*, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Load (or find in place) the demo catalogue; counts of what exists afterwards."""
    from govmall.catalog.categories import ensure_demo_categories
    from govmall.catalog.models import Category, Listing
    from govmall.catalog.rules import engine

    created = ensure_demo_categories()
    progress(f"demo categories: {created} created")
    ruleset = engine.current_ruleset()
    progress(f"listing rule set: version {ruleset.version}")
    references = load_references(_all_products(), progress)
    codes = {p.category for p in _all_products()}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    missing = codes - set(categories)
    if missing:
        raise RuntimeError(f"demo categories missing: {sorted(missing)}")
    slots = _find_slots()
    if not slots:
        progress("demo catalogue: no demo supplier may trade; no listings loaded")
        return {"suppliers": 0, "reference_prices": references}
    outcomes: dict[str, int] = {}
    for n, slot in enumerate(slots):
        results = _load_slot(slot, n == 0, categories)
        for result in results:
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        progress(
            f"demo listings of {slot.supplier.organisation.name}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(_count(results).items()))
        )
    drafts = _load_draft(slots[0], categories)
    supplier_ids = [slot.supplier.pk for slot in slots]
    states = {
        state: Listing.objects.filter(supplier_id__in=supplier_ids, state=state).count()
        for state in ("listed", "rejected", "pending", "draft")
    }
    progress(
        "demo catalogue: "
        + ", ".join(f"{state} {count}" for state, count in states.items())
        + f" (draft created now: {drafts})"
    )
    return {
        "suppliers": len(slots),
        "reference_prices": references,
        **states,
        **{f"outcome_{k}": v for k, v in outcomes.items()},
    }


def _count(results: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        key = result.outcome if result.outcome != "created" else f"created/{result.state}"
        counts[key] = counts.get(key, 0) + 1
    return counts


__all__ = ["PRODUCTS", "card_image", "load_demo_catalogue"]
