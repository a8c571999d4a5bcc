"""The listing parser's readers of single fields: each reads one field of the raw dict, reports
what is wrong to the collector and returns the typed value (or a harmless default), so that the
parser in `content` reads as the list of fields in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.content_context import Collector, ParseContext
from govmall.catalog.content_values import (
    FEE_NAME_LIMIT,
    MAX_EXTRA_FEES,
    MAX_IMAGES,
    MAX_WARRANTY_MONTHS,
    REQUIRED_TEXT,
    TEXT_LIMITS,
    as_list,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    parse_price,
)
from govmall.catalog.models import Category, Origin
from govmall.core.errors import DomainError
from govmall.core.text import clean_text


def read_text(raw: Mapping[str, Any], name: str, errors: Collector) -> str:
    """A text field cleaned to its limit; "" when it is refused."""
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


def read_category(raw: Mapping[str, Any], ctx: ParseContext, errors: Collector) -> Category | None:
    """The active leaf category named by code (or given as a Category)."""
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
    return category


def read_price(raw: Mapping[str, Any], errors: Collector) -> Decimal | None:
    price: Decimal | None = None
    if raw.get("price") is None or raw.get("price") == "":
        errors.add(DomainError("required", _("Enter the price."), field="price"))
    else:
        try:
            price = parse_price(raw.get("price"))
        except DomainError as exc:
            errors.add(exc)
    return price


def read_warranty(raw: Mapping[str, Any], errors: Collector) -> int:
    """Whole months; missing → 0."""
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
    return warranty


def read_divisions(raw: Mapping[str, Any], ctx: ParseContext, errors: Collector) -> list[str]:
    """Known division codes, distinct, order kept (empty = nationwide)."""
    divisions: list[str] = []
    raw_divisions = as_list(raw.get("delivery_divisions"), split=True)
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
    return divisions


# The origin values, looked up once: `Origin.values` builds its list (and the labels) per call.
_ORIGINS = tuple(Origin.values)


def read_origin(raw: Mapping[str, Any], errors: Collector) -> str:
    origin = raw.get("origin") or Origin.DOMESTIC
    if origin not in _ORIGINS:
        errors.add(
            DomainError(
                "invalid_origin",
                _("Origin must be domestic or imported."),
                field="origin",
            )
        )
        origin = Origin.DOMESTIC
    return str(origin)


def read_expiry(raw: Mapping[str, Any], errors: Collector) -> date | None:
    expiry: date | None = None
    try:
        expiry = parse_date(raw.get("energy_cert_expiry"), field="energy_cert_expiry")
    except DomainError as exc:
        errors.add(exc)
    return expiry


def read_images(raw: Mapping[str, Any], ctx: ParseContext, errors: Collector) -> list[int]:
    """The supplier's own images, at most 10 distinct, order kept."""
    image_ids: list[int] = []
    raw_images = as_list(raw.get("image_ids"), split=True)
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
    return image_ids


def read_extra_fees(raw: Mapping[str, Any], errors: Collector) -> list[dict[str, str]]:
    """Extra fees declared up front: a list of {name, amount}."""
    fees: list[dict[str, str]] = []
    raw_fees = as_list(raw.get("extra_fees"), split=False)
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
    return fees


def read_no_extra_fees(raw: Mapping[str, Any], errors: Collector) -> bool:
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
    return no_extra_fees
