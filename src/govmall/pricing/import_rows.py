"""Checking one row of a reference-price import, field by field: a `CheckedRow` ready to store
or the `RowFault` (stable code, field, shown value, message) of the first problem found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.catalog.normalise import brand_key, model_key
from govmall.pricing.import_values import (
    FIELDS,
    REQUIRED_FIELDS,
    canonical_fields,
    parse_captured_at,
    parse_price,
    parse_source,
)

FUTURE_SKEW = timedelta(minutes=5)  # a capture time this far ahead of the clock is accepted

TEXT_LIMITS = {"brand": 100, "model": 100}
URL_LIMIT = 500
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class RowFault:
    row: int
    code: str
    field: str | None
    value: str
    message: str


@dataclass(frozen=True)
class CheckedRow:
    row: int
    source: str
    brand: str
    model_no: str
    brand_norm: str
    model_norm: str
    price: Decimal
    captured_at: datetime
    url: str

    @property
    def key(self) -> tuple[str, str, str, datetime, Decimal]:
        """What makes two observations the same one."""
        return (self.source, self.brand_norm, self.model_norm, self.captured_at, self.price)


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _text(value: Any) -> str | None:
    """A cell as stripped text; numbers are accepted as their digits (a model "404"); other
    types are not text (None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def check_row(row: int, raw: Any, *, now: datetime) -> CheckedRow | RowFault:
    """One row checked field by field; the first fault found is reported."""

    def fault(code: str, name: str | None, value: Any, message: str) -> RowFault:
        return RowFault(row, code, name, _shown(value), message)

    if not isinstance(raw, Mapping):
        return fault("invalid_row", None, "", _("The row is not an object of named fields."))
    if raw.get("_invalid"):
        return fault("invalid_row", None, "", str(raw["_invalid"]))
    values = canonical_fields(raw)
    texts: dict[str, str] = {}
    for name in FIELDS:
        value = values.get(name)
        if name == "price":
            continue
        text = _text(value)
        if text is None:
            return fault(
                "invalid_value",
                name,
                value,
                _("%(field)s must be text.") % {"field": name},
            )
        if "\x00" in text:
            return fault(
                "invalid_value",
                name,
                "",
                _("%(field)s contains a NUL character.") % {"field": name},
            )
        texts[name] = text
    price_raw = values.get("price")
    for name in REQUIRED_FIELDS:
        empty = price_raw in (None, "") if name == "price" else not texts[name]
        if empty:
            return fault(
                "missing_value",
                name,
                "",
                _("%(field)s is empty; it is required.") % {"field": name},
            )
    source = parse_source(texts["source"])
    if source is None:
        return fault(
            "unknown_source",
            "source",
            texts["source"],
            _(
                "Unknown source %(value)s: use jd, tmall, suning, manufacturer or other, "
                "or 京东, 天猫, 苏宁, 厂商官方."
            )
            % {"value": _shown(texts["source"])},
        )
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            return fault(
                "value_too_long",
                name,
                texts[name],
                _("%(field)s has %(length)d characters; at most %(limit)d are allowed.")
                % {"field": name, "length": len(texts[name]), "limit": limit},
            )
    brand_norm, model_norm = brand_key(texts["brand"]), model_key(texts["model"])
    for name, norm in (("brand", brand_norm), ("model", model_norm)):
        if not norm:
            return fault(
                "missing_value",
                name,
                texts[name],
                _("%(field)s has nothing but spaces and dashes.") % {"field": name},
            )
    price = parse_price(price_raw)
    if price is None:
        return fault(
            "invalid_price",
            "price",
            price_raw,
            _(
                "The price %(value)s is not an amount in yuan with at most 2 decimal places "
                "(at most 9,999,999,999.99)."
            )
            % {"value": _shown(price_raw)},
        )
    if price <= 0:
        return fault(
            "price_not_positive",
            "price",
            price_raw,
            _("The price must be greater than zero."),
        )
    captured_at = parse_captured_at(texts["captured_at"])
    if captured_at is None:
        return fault(
            "invalid_captured_at",
            "captured_at",
            texts["captured_at"],
            _(
                "The capture time %(value)s is not a date and time: use ISO 8601 with an "
                "offset (2026-05-01T10:30:00+08:00) or YYYY-MM-DD HH:MM[:SS] (Beijing time)."
            )
            % {"value": _shown(texts["captured_at"])},
        )
    if captured_at > now + FUTURE_SKEW:
        return fault(
            "captured_in_future",
            "captured_at",
            texts["captured_at"],
            _("The capture time %(value)s is in the future.")
            % {"value": timezone.localtime(captured_at).strftime("%Y-%m-%d %H:%M:%S")},
        )
    url = texts["url"]
    if url:
        problem = len(url) > URL_LIMIT
        if not problem:
            try:
                _url_validator(url)
            except ValidationError:
                problem = True
        if problem:
            return fault(
                "invalid_url",
                "url",
                url,
                _(
                    "The link must be an http:// or https:// address of at most %(limit)d "
                    "characters."
                )
                % {"limit": URL_LIMIT},
            )
    return CheckedRow(
        row=row,
        source=source,
        brand=texts["brand"],
        model_no=texts["model"],
        brand_norm=brand_norm,
        model_norm=model_norm,
        price=price,
        captured_at=captured_at.astimezone(UTC),
        url=url,
    )
