"""Structural validation of listing content: a raw dict (API body, form, bulk row) becomes a
`ListingData` whose types are right, or DomainErrors with stable codes naming the field.

What is checked here is what the types need (category exists and is a leaf, attribute values
of their kinds, price a positive Decimal, known divisions, the supplier's own images …);
whether the content conforms to the listing specification is the rules' business
(`catalog.rules.engine.review`): missing required attributes, words, units, images' sizes …

Number attributes are `Decimal` in `ListingData` (normalised: "16", "16.0" and 16 are all
`Decimal("16")`); `storage_fields(data)` gives the JSON-safe model field values (numbers as
JSON numbers) for `Listing`/`ListingRevision`, and `data_from_row(row)` reads them back.

`parse_many(raws, supplier=…)` parses many rows with a handful of queries for the whole batch
(bulk import); `parse_content`/`parse_content_errors` parse one.

The parser reads one field after another (`content_fields`, `content_attributes`) with what it
looks up fetched once per batch (`content_context`); the limits and small value parsers live in
`content_values` and are re-exported here, where callers have always found them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from govmall.catalog.attribute_template import key_signature, template_for
from govmall.catalog.content_attributes import read_attributes
from govmall.catalog.content_context import Collector, ParseContext
from govmall.catalog.content_fields import (
    read_category,
    read_divisions,
    read_expiry,
    read_extra_fees,
    read_images,
    read_no_extra_fees,
    read_origin,
    read_price,
    read_text,
    read_warranty,
)
from govmall.catalog.content_values import (
    FALSE_WORDS,
    FEE_NAME_LIMIT,
    MAX_ATTRIBUTE_TEXT,
    MAX_EXTRA_FEES,
    MAX_IMAGES,
    MAX_PRICE,
    MAX_STOCK,
    MAX_WARRANTY_MONTHS,
    REQUIRED_TEXT,
    TEXT_LIMITS,
    TRUE_WORDS,
    attribute_json,
    normalise_number,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    parse_price,
    parse_stock,
    plain_decimal,
)
from govmall.catalog.models import AttributeKind, AttributeSpec, ListingImage
from govmall.catalog.types import Candidate, ImageInfo, ListingData
from govmall.core.errors import DomainError

if TYPE_CHECKING:
    from govmall.catalog.models import Listing, ListingRevision
    from govmall.suppliers.models import Supplier

__all__ = [
    "FALSE_WORDS",
    "FEE_NAME_LIMIT",
    "MAX_ATTRIBUTE_TEXT",
    "MAX_EXTRA_FEES",
    "MAX_IMAGES",
    "MAX_PRICE",
    "MAX_STOCK",
    "MAX_WARRANTY_MONTHS",
    "REQUIRED_TEXT",
    "TEXT_LIMITS",
    "TRUE_WORDS",
    "ParseContext",
    "attribute_json",
    "candidate_for",
    "candidates_for",
    "data_from_row",
    "normalise_number",
    "parse_bool",
    "parse_content",
    "parse_content_errors",
    "parse_date",
    "parse_int",
    "parse_many",
    "parse_money",
    "parse_price",
    "parse_stock",
    "signature_for",
    "storage_fields",
]


# --- the stored form -----------------------------------------------------------------------


def storage_fields(data: ListingData) -> dict[str, Any]:
    """Model field values of ListingContent (JSON-safe) incl. the key signature."""
    fields = data.as_fields()
    fields["attributes"] = {k: attribute_json(v) for k, v in data.attributes.items()}
    fields["image_ids"] = list(data.image_ids)
    fields["delivery_divisions"] = list(data.delivery_divisions)
    fields["extra_fees"] = [dict(fee) for fee in data.extra_fees]
    fields["key_signature"] = signature_for(data)
    return fields


def signature_for(data: ListingData, specs: Sequence[AttributeSpec] | None = None) -> str:
    if specs is None:
        specs = template_for(data.category)
    keys = [spec.key for spec in specs if spec.is_key]
    values = {k: attribute_json(v) for k, v in data.attributes.items()}
    return key_signature(data.brand, data.model_no, values, keys)


def data_from_row(row: Listing | ListingRevision) -> ListingData:
    """The ListingData of a stored listing or revision (numbers back to Decimal)."""
    specs = {spec.key: spec for spec in template_for(row.category)}
    attributes: dict[str, Any] = {}
    for key, value in (row.attributes or {}).items():
        spec = specs.get(key)
        if spec is not None and spec.kind == AttributeKind.NUMBER:
            number = plain_decimal(value)
            attributes[key] = normalise_number(number) if number is not None else value
        else:
            attributes[key] = value
    return ListingData(
        category=row.category,
        title=row.title,
        brand=row.brand,
        model_no=row.model_no,
        unit=row.unit,
        price=Decimal(row.price),
        manufacturer=row.manufacturer,
        attributes=attributes,
        warranty_months=row.warranty_months,
        delivery_divisions=list(row.delivery_divisions or []),
        origin=row.origin,
        energy_cert_no=row.energy_cert_no,
        energy_cert_expiry=row.energy_cert_expiry,
        image_ids=[int(i) for i in row.image_ids or []],
        description=row.description,
        extra_fees=[dict(fee) for fee in row.extra_fees or []],
        no_extra_fees=row.no_extra_fees,
        after_sales=row.after_sales,
    )


# --- the parser ---------------------------------------------------------------------------


def _parse(
    raw: Any, *, ctx: ParseContext, first_only: bool
) -> tuple[ListingData | None, list[DomainError]]:
    """The fields in a fixed order, so that errors (and the first one raised) come in it."""
    errors = Collector(first_only)
    if not isinstance(raw, Mapping):
        errors.add(DomainError("invalid_content", _("The listing must be an object of fields.")))
        return None, errors.errors
    category = read_category(raw, ctx, errors)
    texts = {name: read_text(raw, name, errors) for name in ("title", "brand", "model_no")}
    texts["manufacturer"] = read_text(raw, "manufacturer", errors)
    attributes = read_attributes(raw, category, ctx, errors)
    texts["unit"] = read_text(raw, "unit", errors)
    price = read_price(raw, errors)
    warranty = read_warranty(raw, errors)
    divisions = read_divisions(raw, ctx, errors)
    origin = read_origin(raw, errors)
    texts["energy_cert_no"] = read_text(raw, "energy_cert_no", errors)
    expiry = read_expiry(raw, errors)
    image_ids = read_images(raw, ctx, errors)
    texts["description"] = read_text(raw, "description", errors)
    fees = read_extra_fees(raw, errors)
    no_extra_fees = read_no_extra_fees(raw, errors)
    texts["after_sales"] = read_text(raw, "after_sales", errors)

    if errors.errors or category is None or price is None:
        return None, errors.errors
    return (
        ListingData(
            category=category,
            title=texts["title"],
            brand=texts["brand"],
            model_no=texts["model_no"],
            unit=texts["unit"],
            price=price,
            manufacturer=texts["manufacturer"],
            attributes=attributes,
            warranty_months=warranty,
            delivery_divisions=divisions,
            origin=origin,
            energy_cert_no=texts["energy_cert_no"],
            energy_cert_expiry=expiry,
            image_ids=image_ids,
            description=texts["description"],
            extra_fees=fees,
            no_extra_fees=no_extra_fees,
            after_sales=texts["after_sales"],
        ),
        [],
    )


def parse_content(raw: Mapping[str, Any], *, supplier: Supplier) -> ListingData:
    """ListingData from a raw dict; the FIRST structural error is raised."""
    ctx = ParseContext.load([raw], supplier_id=supplier.pk)
    data, errors = _parse(raw, ctx=ctx, first_only=True)
    if errors:  # pragma: no cover - first_only raises
        raise errors[0]
    assert data is not None
    return data


def parse_content_errors(
    raw: Mapping[str, Any], *, supplier: Supplier
) -> tuple[ListingData | None, list[DomainError]]:
    """ListingData or every structural error (bulk rows, the live editor)."""
    ctx = ParseContext.load([raw], supplier_id=supplier.pk)
    return _parse(raw, ctx=ctx, first_only=False)


def parse_many(
    raws: Sequence[Mapping[str, Any]], *, supplier: Supplier
) -> list[tuple[ListingData | None, list[DomainError]]]:
    """`parse_content_errors` for many rows with a few queries for the whole batch."""
    ctx = ParseContext.load(raws, supplier_id=supplier.pk)
    return [_parse(raw, ctx=ctx, first_only=False) for raw in raws]


# --- candidates for the rules engine --------------------------------------------------------


def _image_infos(ids: Iterable[int]) -> dict[int, ImageInfo]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {
        pk: ImageInfo(id=pk, width=w, height=h)
        for pk, w, h in ListingImage.objects.filter(pk__in=wanted).values_list(
            "pk", "width", "height"
        )
    }


def candidate_for(data: ListingData, *, supplier_id: int, listing_id: int | None) -> Candidate:
    """A Candidate with the images resolved (one query)."""
    infos = _image_infos(data.image_ids)
    return Candidate(
        data=data,
        supplier_id=supplier_id,
        listing_id=listing_id,
        images=[infos[i] for i in data.image_ids if i in infos],
    )


def candidates_for(items: Sequence[tuple[ListingData, int, int | None]]) -> list[Candidate]:
    """Candidates for (data, supplier_id, listing_id) items with one image query in all."""
    infos = _image_infos(i for data, _s, _l in items for i in data.image_ids)
    return [
        Candidate(
            data=data,
            supplier_id=supplier_id,
            listing_id=listing_id,
            images=[infos[i] for i in data.image_ids if i in infos],
        )
        for data, supplier_id, listing_id in items
    ]
