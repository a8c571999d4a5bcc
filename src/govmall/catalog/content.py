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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from govmall.catalog.attribute_template import key_signature, template_for
from govmall.catalog.models import AttributeKind, AttributeSpec, Category, ListingImage, Origin
from govmall.catalog.types import Candidate, ImageInfo, ListingData
from govmall.core.errors import DomainError
from govmall.core.text import clean_text

if TYPE_CHECKING:
    from govmall.catalog.models import Listing, ListingRevision
    from govmall.suppliers.models import Supplier

MAX_PRICE = Decimal("9999999999.99")
MAX_WARRANTY_MONTHS = 240
MAX_STOCK = 2_147_483_647
MAX_IMAGES = 10
MAX_ATTRIBUTE_TEXT = 200
MAX_EXTRA_FEES = 20

TEXT_LIMITS: dict[str, int] = {
    "title": 200,
    "brand": 100,
    "model_no": 100,
    "manufacturer": 200,
    "unit": 20,
    "energy_cert_no": 60,
    "description": 5000,
    "after_sales": 2000,
}
# The minimum needed to build ListingData: missing ones are structural errors.
REQUIRED_TEXT = ("title", "brand", "model_no", "unit")
FEE_NAME_LIMIT = 100

TRUE_WORDS = {"true", "yes", "y", "1", "是", "有", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "无", "off"}
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_ID = re.compile(r"^\d{1,12}$")
_DIVISION_SPLIT = re.compile(r"[\s,;，；、]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- small value parsers (also used by forms, bulk rows and the API) --------------------------


def _decimal(value: Any) -> Decimal | None:
    """A finite Decimal from an int, float (via its str), Decimal or plain numeric string;
    None for anything else (bools, exponents, NaN, garbage)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _PLAIN_NUMBER.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def normalise_number(number: Decimal) -> Decimal:
    """16.0 → 16, 2.50 → 2.5, never an exponent."""
    if number == number.to_integral_value():
        return Decimal(int(number))
    return Decimal(format(number.normalize(), "f"))


def parse_money(value: Any, *, field: str, code: str, message: str) -> Decimal:
    """A positive amount with at most 2 decimal places, at most 9,999,999,999.99."""
    number = _decimal(value)
    if (
        number is None
        or number <= 0
        or number > MAX_PRICE
        or number != number.quantize(Decimal("0.01"))
    ):
        raise DomainError(code, message, field=field)
    return number.quantize(Decimal("0.01"))


def parse_price(value: Any, *, field: str = "price") -> Decimal:
    return parse_money(
        value,
        field=field,
        code="invalid_price",
        message=_(
            "Enter a price greater than 0 with at most 2 decimal places (at most 9,999,999,999.99)."
        ),
    )


def parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,12}\s*", value):
        return int(value)
    return None


def parse_stock(value: Any, *, field: str = "stock") -> int:
    """Stock is not content (it is not reviewed): a whole number ≥ 0; missing → 0."""
    if value is None or value == "":
        return 0
    number = parse_int(value)
    if number is None or number < 0 or number > MAX_STOCK:
        raise DomainError(
            "invalid_stock", _("Enter a whole number of at least 0 for the stock."), field=field
        )
    return number


def parse_bool(value: Any) -> bool | None:
    """True/False from booleans, 1/0 and words (true/false, yes/no, 是/否); None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def parse_date(value: Any, *, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DomainError("invalid_date", _("Enter a date as YYYY-MM-DD."), field=field)


def _as_list(value: Any, *, split: bool) -> list[Any] | None:
    if value is None or value == "":
        return []
    if isinstance(value, str) and split:
        return [part for part in _DIVISION_SPLIT.split(value) if part]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def attribute_json(value: Any) -> Any:
    """A JSON-safe attribute value: Decimal → int or float."""
    if isinstance(value, Decimal):
        number = normalise_number(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


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
            number = _decimal(value)
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
            divisions = _as_list(raw.get("delivery_divisions"), split=True) or []
            division_codes.update(str(d).strip() for d in divisions if isinstance(d, (str, int)))
            for image in _as_list(raw.get("image_ids"), split=True) or []:
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


class _Collector:
    def __init__(self, first_only: bool) -> None:
        self.first_only = first_only
        self.errors: list[DomainError] = []

    def add(self, error: DomainError) -> None:
        self.errors.append(error)
        if self.first_only:
            raise error


def _text(raw: Mapping[str, Any], name: str, errors: _Collector) -> str:
    try:
        return clean_text(
            raw.get(name),
            field=name,
            limit=TEXT_LIMITS[name],
            required=name in REQUIRED_TEXT,
        )
    except DomainError as exc:
        errors.add(exc)
        return ""


def _parse_attribute(spec: AttributeSpec, key: str, value: Any) -> Any:
    field_name = f"attributes.{key}"
    if spec.kind == AttributeKind.NUMBER:
        number = _decimal(value)
        if number is None:
            raise DomainError(
                "invalid_attribute",
                _("%(name)s must be a number.") % {"name": spec.name_en or key},
                field=field_name,
                key=key,
            )
        return normalise_number(number)
    if spec.kind == AttributeKind.BOOLEAN:
        flag = parse_bool(value)
        if flag is None:
            raise DomainError(
                "invalid_attribute",
                _("%(name)s must be yes or no.") % {"name": spec.name_en or key},
                field=field_name,
                key=key,
            )
        return flag
    if spec.kind == AttributeKind.CHOICE:
        choices = [str(c) for c in spec.choices or []]
        text = str(value).strip() if isinstance(value, (str, int, Decimal)) else None
        if text is not None and not isinstance(value, bool):
            if text in choices:
                return text
            folded = {c.casefold(): c for c in choices}
            if text.casefold() in folded:
                return folded[text.casefold()]
        raise DomainError(
            "invalid_attribute",
            _("%(name)s must be one of: %(choices)s.")
            % {"name": spec.name_en or key, "choices": ", ".join(choices)},
            field=field_name,
            key=key,
            choices=choices,
        )
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, float):
        value = repr(value)
    try:
        return clean_text(value, field=field_name, limit=MAX_ATTRIBUTE_TEXT, required=False)
    except DomainError as exc:
        code = exc.code if exc.code == "too_long" else "invalid_attribute"
        raise DomainError(code, exc.message, field=field_name, key=key) from None


def _parse(
    raw: Any, *, ctx: ParseContext, first_only: bool
) -> tuple[ListingData | None, list[DomainError]]:
    errors = _Collector(first_only)
    if not isinstance(raw, Mapping):
        errors.add(DomainError("invalid_content", _("The listing must be an object of fields.")))
        return None, errors.errors

    # Category.
    category: Category | None = None
    code = raw.get("category")
    if isinstance(code, Category):
        code = code.code
    if code is None or code == "":
        errors.add(DomainError("required", _("Choose a category."), field="category"))
    elif not isinstance(code, str) or code.strip() not in ctx.categories:
        errors.add(
            DomainError(
                "unknown_category",
                _("Unknown category: %(code)s.") % {"code": str(code)[:40]},
                field="category",
            )
        )
    else:
        category = ctx.categories[code.strip()]
        if category.pk not in ctx.leaves:
            errors.add(
                DomainError(
                    "category_not_leaf",
                    _("Choose a category at the lowest level (%(code)s has subcategories).")
                    % {"code": category.code},
                    field="category",
                )
            )
            category = None

    texts = {name: _text(raw, name, errors) for name in ("title", "brand", "model_no")}
    texts["manufacturer"] = _text(raw, "manufacturer", errors)

    # Attributes (typed by the category's template).
    attributes: dict[str, Any] = {}
    raw_attributes = raw.get("attributes")
    if raw_attributes is None or raw_attributes == "":
        raw_attributes = {}
    if not isinstance(raw_attributes, Mapping):
        errors.add(
            DomainError(
                "invalid_attribute",
                _("Attributes must be an object of key: value."),
                field="attributes",
            )
        )
    elif category is not None:
        specs = ctx.templates.get(category.pk, {})
        for key, value in raw_attributes.items():
            key = str(key)
            spec = specs.get(key)
            if spec is None:
                errors.add(
                    DomainError(
                        "unknown_attribute",
                        _("Category %(code)s has no attribute %(key)s.")
                        % {"code": category.code, "key": key[:40]},
                        field=f"attributes.{key[:40]}",
                        key=key[:40],
                    )
                )
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # missing: the rules report required ones
            try:
                attributes[key] = _parse_attribute(spec, key, value)
            except DomainError as exc:
                errors.add(exc)

    texts["unit"] = _text(raw, "unit", errors)

    # Price.
    price: Decimal | None = None
    if raw.get("price") is None or raw.get("price") == "":
        errors.add(DomainError("required", _("Enter the price."), field="price"))
    else:
        try:
            price = parse_price(raw.get("price"))
        except DomainError as exc:
            errors.add(exc)

    # Warranty.
    warranty = 0
    raw_warranty = raw.get("warranty_months")
    if raw_warranty is not None and raw_warranty != "":
        number = parse_int(raw_warranty)
        if number is None or not 0 <= number <= MAX_WARRANTY_MONTHS:
            errors.add(
                DomainError(
                    "invalid_warranty",
                    _("Enter the warranty as whole months from 0 to %(max)d.")
                    % {"max": MAX_WARRANTY_MONTHS},
                    field="warranty_months",
                )
            )
        else:
            warranty = number

    # Delivery divisions (empty = nationwide).
    divisions: list[str] = []
    raw_divisions = _as_list(raw.get("delivery_divisions"), split=True)
    if raw_divisions is None:
        errors.add(
            DomainError(
                "unknown_division",
                _("Delivery divisions must be a list of division codes."),
                field="delivery_divisions",
            )
        )
    else:
        for item in raw_divisions:
            division = str(item).strip() if isinstance(item, (str, int)) else ""
            if division not in ctx.divisions or isinstance(item, bool):
                errors.add(
                    DomainError(
                        "unknown_division",
                        _("Unknown division code: %(code)s.") % {"code": division[:12] or "?"},
                        field="delivery_divisions",
                        division=division[:12],
                    )
                )
                break
            if division not in divisions:
                divisions.append(division)

    # Origin.
    origin = raw.get("origin") or Origin.DOMESTIC
    if origin not in Origin.values:
        errors.add(
            DomainError(
                "invalid_origin",
                _("Origin must be domestic or imported."),
                field="origin",
            )
        )
        origin = Origin.DOMESTIC

    texts["energy_cert_no"] = _text(raw, "energy_cert_no", errors)
    expiry: date | None = None
    try:
        expiry = parse_date(raw.get("energy_cert_expiry"), field="energy_cert_expiry")
    except DomainError as exc:
        errors.add(exc)

    # Images: the supplier's own, at most 10 distinct, order kept.
    image_ids: list[int] = []
    raw_images = _as_list(raw.get("image_ids"), split=True)
    if raw_images is None:
        errors.add(
            DomainError(
                "unknown_image", _("Images must be a list of image ids."), field="image_ids"
            )
        )
    else:
        bad = None
        for item in raw_images:
            number = parse_int(item)
            if number is None or number not in ctx.images:
                bad = item
                break
            if number not in image_ids:
                image_ids.append(number)
        if bad is not None:
            errors.add(
                DomainError(
                    "unknown_image",
                    _("Image %(id)s is not one of your uploaded images.") % {"id": str(bad)[:20]},
                    field="image_ids",
                )
            )
        elif len(image_ids) > MAX_IMAGES:
            errors.add(
                DomainError(
                    "too_many_images",
                    _("At most %(max)d images.") % {"max": MAX_IMAGES},
                    field="image_ids",
                )
            )

    texts["description"] = _text(raw, "description", errors)

    # Extra fees declared up front.
    fees: list[dict[str, str]] = []
    raw_fees = _as_list(raw.get("extra_fees"), split=False)
    if raw_fees is None or (raw_fees and len(raw_fees) > MAX_EXTRA_FEES):
        errors.add(
            DomainError(
                "invalid_extra_fee",
                _("Extra fees must be a list of at most %(max)d {name, amount}.")
                % {"max": MAX_EXTRA_FEES},
                field="extra_fees",
            )
        )
    else:
        for index, fee in enumerate(raw_fees):
            fee_field = f"extra_fees.{index}"
            if not isinstance(fee, Mapping):
                errors.add(
                    DomainError(
                        "invalid_extra_fee",
                        _("Each extra fee needs a name and an amount."),
                        field=fee_field,
                    )
                )
                continue
            try:
                name = clean_text(
                    fee.get("name"),
                    field=fee_field,
                    limit=FEE_NAME_LIMIT,
                    required_code="invalid_extra_fee",
                    required_message=_("Each extra fee needs a name and an amount."),
                )
                amount = parse_money(
                    fee.get("amount"),
                    field=fee_field,
                    code="invalid_extra_fee",
                    message=_(
                        "An extra fee's amount must be greater than 0 with at most 2 decimal "
                        "places."
                    ),
                )
            except DomainError as exc:
                errors.add(exc)
                continue
            fees.append({"name": name, "amount": str(amount)})

    no_extra_fees = False
    raw_flag = raw.get("no_extra_fees")
    if raw_flag is not None and raw_flag != "":
        flag = parse_bool(raw_flag)
        if flag is None:
            errors.add(
                DomainError(
                    "invalid_boolean",
                    _("Enter yes or no."),
                    field="no_extra_fees",
                )
            )
        else:
            no_extra_fees = flag

    texts["after_sales"] = _text(raw, "after_sales", errors)

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
            origin=str(origin),
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
