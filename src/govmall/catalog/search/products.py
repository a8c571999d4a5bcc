"""Public product data (LISTED listings only): the product page and the comparison table,
shared by the API and the pages. Anything not listed is "not found"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govmall.accounts.models import Division
from govmall.catalog.attribute_template import ancestor_codes
from govmall.catalog.models import AttributeSpec, Category, Listing, ListingState
from govmall.core.errors import DomainError, NotFound

MAX_COMPARE = 4


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _image_urls(image_id: int) -> dict[str, Any]:
    try:
        return {
            "id": image_id,
            "url": reverse("catalog:image", kwargs={"image_id": image_id}),
            "thumb_url": reverse("catalog:image_thumb", kwargs={"image_id": image_id}),
        }
    except NoReverseMatch:
        return {"id": image_id, "url": None, "thumb_url": None}


def display_value(spec: AttributeSpec | None, value: Any) -> str:
    """A value as people read it: yes/no, numbers without trailing zeros, with the unit."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or (spec is not None and spec.kind == "boolean"):
        truthy = value is True or str(value).casefold() in ("true", "1", "yes", "是")
        return _("Yes") if truthy else _("No")
    if isinstance(value, list):
        text = "、".join(str(v) for v in value)
    elif spec is not None and spec.kind == "number":
        try:
            number = Decimal(str(value)).normalize()
            text = format(number, "f")
        except InvalidOperation:
            text = str(value)
    else:
        text = str(value)
    if spec is not None and spec.unit:
        return f"{text} {spec.unit}"
    return text


def _specs_for(categories: list[Category]) -> dict[int, list[AttributeSpec]]:
    """Each category's effective template (ancestors first), in ONE query."""
    codes: set[str] = set()
    for category in categories:
        codes.update(ancestor_codes(category))
    specs = list(
        AttributeSpec.objects.filter(category__code__in=codes)
        .select_related("category")
        .order_by("position", "id")
    )
    out: dict[int, list[AttributeSpec]] = {}
    for category in categories:
        path = ancestor_codes(category)
        depth = {code: i for i, code in enumerate(path)}
        mine = [s for s in specs if s.category.code in depth]
        mine.sort(key=lambda s: (depth[s.category.code], s.position, s.id))
        out[category.pk] = mine
    return out


def _listed(numbers: list[str]) -> dict[str, Listing]:
    return {
        li.number: li
        for li in Listing.objects.filter(
            number__in=numbers, state=ListingState.LISTED
        ).select_related("category", "supplier__organisation__division")
    }


def _category_path(category: Category) -> list[dict[str, str]]:
    codes = ancestor_codes(category)
    found = {c.code: c for c in Category.objects.filter(code__in=codes)}
    return [
        {"code": code, "name_zh": found[code].name_zh, "name_en": found[code].name_en}
        for code in codes
        if code in found
    ]


def _division_names(codes: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    rows = Division.objects.filter(code__in=codes).select_related("parent")
    for d in rows:
        names[d.code] = f"{d.parent.name_zh} {d.name_zh}" if d.parent else d.name_zh
    return names


def product_detail(number: str) -> dict[str, Any]:
    """Everything the product page shows about a listed product; NotFound otherwise."""
    listing = _listed([number]).get(number)
    if listing is None:
        raise NotFound(_("No such product on sale."))
    category = listing.category
    specs = _specs_for([category])[category.pk]
    values = listing.attributes if isinstance(listing.attributes, dict) else {}
    attributes = [
        {
            "key": s.key,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "name": s.name_en if _english() else s.name_zh,
            "kind": s.kind,
            "unit": s.unit,
            "value": values.get(s.key),
            "display": display_value(s, values.get(s.key)),
        }
        for s in specs
        if s.key in values
    ]
    division = listing.supplier.organisation.division
    delivery = [str(c) for c in (listing.delivery_divisions or [])]
    names = _division_names([*delivery, division.code])
    return {
        "number": listing.number,
        "title": listing.title,
        "brand": listing.brand,
        "model_no": listing.model_no,
        "manufacturer": listing.manufacturer,
        "category": {
            "code": category.code,
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "name": category.name_en if _english() else category.name_zh,
            "path": _category_path(category),
        },
        "energy_status": category.energy_status,
        "energy_cert_no": listing.energy_cert_no,
        "energy_cert_expiry": (
            listing.energy_cert_expiry.isoformat() if listing.energy_cert_expiry else None
        ),
        "price": str(listing.price),
        "unit": listing.unit,
        "stock": listing.stock,
        "warranty_months": listing.warranty_months,
        "origin": listing.origin,
        "origin_label": str(listing.get_origin_display()),
        "nationwide": not delivery,
        "delivery_divisions": [{"code": c, "name": names.get(c, c)} for c in delivery],
        "attributes": attributes,
        "images": [_image_urls(int(i)) for i in (listing.image_ids or [])],
        "description": listing.description,
        "extra_fees": [
            {"name": str(f.get("name", "")), "amount": str(f.get("amount", ""))}
            for f in (listing.extra_fees or [])
            if isinstance(f, dict)
        ],
        "no_extra_fees": listing.no_extra_fees,
        "after_sales": listing.after_sales,
        "supplier": {
            "name": listing.supplier.organisation.name,
            "division_code": division.code,
            "division_name": names.get(division.code, division.name_zh),
        },
        "listed_at": listing.listed_at.isoformat() if listing.listed_at else None,
    }


def parse_numbers(raw: list[str]) -> list[str]:
    """Product numbers from repeated and/or comma-separated values, unique, in order."""
    numbers: dict[str, None] = {}
    for value in raw:
        for part in str(value).split(","):
            part = part.strip().upper()
            if part:
                numbers[part[:30]] = None
    return list(numbers)


def compare_table(numbers: list[str]) -> dict[str, Any]:
    """2–4 listed products side by side, attributes aligned by key; `differs` marks rows
    whose values are not all equal."""
    if len(numbers) > MAX_COMPARE:
        raise DomainError(
            "compare_too_many",
            _("Compare at most 4 products."),
            field="numbers",
            status=422,
            max=MAX_COMPARE,
        )
    if len(numbers) < 2:
        raise DomainError(
            "compare_too_few",
            _("Choose at least 2 products to compare."),
            field="numbers",
            status=422,
        )
    found = _listed(numbers)
    missing = [n for n in numbers if n not in found]
    if missing:
        raise DomainError(
            "unknown_product",
            _("These products are not on sale: %(numbers)s") % {"numbers": ", ".join(missing)},
            field="numbers",
            status=404,
            numbers=missing,
        )
    listings = [found[n] for n in numbers]
    specs = _specs_for(list({li.category_id: li.category for li in listings}.values()))
    order: dict[str, AttributeSpec] = {}
    for li in listings:
        for s in specs[li.category_id]:
            order.setdefault(s.key, s)
    rows = []
    for key, spec in order.items():
        raw = [
            (li.attributes if isinstance(li.attributes, dict) else {}).get(key) for li in listings
        ]
        shown = [display_value(spec, v) for v in raw]
        if all(v == "—" for v in shown):
            continue
        rows.append(
            {
                "key": key,
                "name_zh": spec.name_zh,
                "name_en": spec.name_en,
                "name": spec.name_en if _english() else spec.name_zh,
                "unit": spec.unit,
                "values": raw,
                "display": shown,
                "differs": len(set(shown)) > 1,
            }
        )
    products = []
    for li in listings:
        products.append(
            {
                "number": li.number,
                "title": li.title,
                "brand": li.brand,
                "model_no": li.model_no,
                "price": str(li.price),
                "unit": li.unit,
                "warranty_months": li.warranty_months,
                "origin": li.origin,
                "origin_label": str(li.get_origin_display()),
                "category_code": li.category.code,
                "category_name": li.category.name_en if _english() else li.category.name_zh,
                "energy_status": li.category.energy_status,
                "supplier_name": li.supplier.organisation.name,
                "thumbnail_url": (
                    _image_urls(int(li.image_ids[0]))["thumb_url"] if li.image_ids else None
                ),
            }
        )
    basics = []
    for key, label in (
        ("price", _("Price")),
        ("brand", _("Brand")),
        ("model_no", _("Model")),
        ("warranty_months", _("Warranty (months)")),
        ("origin_label", _("Origin")),
        ("supplier_name", _("Supplier")),
    ):
        shown = [str(p[key]) for p in products]
        basics.append(
            {"key": key, "name": str(label), "display": shown, "differs": len(set(shown)) > 1}
        )
    return {"products": products, "basics": basics, "attributes": rows}
