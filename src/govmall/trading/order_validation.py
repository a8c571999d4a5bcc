"""Checking what a buyer sends to place an order, before anything is read or written.

The API, the pages and other services call the same parsers, so every bad input gets one
stable code and names its field; nothing reaches the database unchecked.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from govmall.core.calendar import parse_date_input, to_local
from govmall.core.errors import DomainError
from govmall.trading import config

MAX_LISTING_NUMBER = 30
MAX_KEY = 100
_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
_DIVISION = re.compile(r"^[0-9]{6}$")
LIMITS = {
    "delivery_address": 300,
    "delivery_contact": 100,
    "delivery_phone": 30,
    "note": 1000,
}


@dataclass(frozen=True)
class OrderRequest:
    """A checked order request: lines merged by listing number, text stripped."""

    lines: tuple[tuple[str, int], ...]
    funding_source_id: int
    delivery_division: str
    delivery_address: str
    delivery_contact: str
    delivery_phone: str
    required_by: date | None
    note: str
    idempotency_key: str

    def sha256(self) -> str:
        """Hash of the canonical JSON of the request (keys sorted, lines sorted): a replay
        with the same key must carry the same body."""
        body = {
            "lines": sorted([number, qty] for number, qty in self.lines),
            "funding_source_id": self.funding_source_id,
            "delivery_division": self.delivery_division,
            "delivery_address": self.delivery_address,
            "delivery_contact": self.delivery_contact,
            "delivery_phone": self.delivery_phone,
            "required_by": self.required_by.isoformat() if self.required_by else None,
            "note": self.note,
        }
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def parse_quantity(value: Any, *, field: str = "quantity") -> int:
    """A whole number from 1 to MAX_LINE_QUANTITY (ints or digit strings; never bool)."""
    maximum = config.get("MAX_LINE_QUANTITY")
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip()
        number = int(digits) if len(digits) <= 9 else None
    if number is None or not 1 <= number <= maximum:
        raise DomainError(
            "invalid_quantity",
            _("Enter a whole quantity from 1 to %(max)d.") % {"max": maximum},
            field=field,
        )
    return number


def parse_listing_number(value: Any, *, field: str = "lines") -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_LISTING_NUMBER:
        raise DomainError(
            "listing_not_available", _("Unknown product number."), field=field, status=409
        )
    return value.strip().upper()


def parse_lines(raw: Any) -> tuple[tuple[str, int], ...]:
    """[(listing number, quantity)] or [{"listing", "quantity"}]; one line per product."""
    if not isinstance(raw, (list, tuple)) or not raw:
        raise DomainError("no_lines", _("An order needs at least one line."), field="lines")
    maximum = config.get("MAX_ORDER_LINES")
    if len(raw) > maximum:
        raise DomainError(
            "too_many_lines",
            _("An order has at most %(max)d lines.") % {"max": maximum},
            field="lines",
        )
    lines: dict[str, int] = {}
    for item in raw:
        if isinstance(item, dict):
            number, qty = item.get("listing"), item.get("quantity")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            number, qty = item
        else:
            raise DomainError(
                "invalid_line", _("Each line is a product number and a quantity."), field="lines"
            )
        key = parse_listing_number(number)
        if key in lines:
            raise DomainError(
                "duplicate_line",
                _("Product %(number)s appears twice: give it one line.") % {"number": key},
                field="lines",
                listing=key,
            )
        lines[key] = parse_quantity(qty, field="lines")
    return tuple(lines.items())


def parse_text(value: Any, field: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("invalid", _("Enter text."), field=field)
    text = value.strip()
    if "\x00" in text:
        raise DomainError("invalid", _("Enter text."), field=field)
    if required and not text:
        raise DomainError("required", _("This field is required."), field=field)
    if len(text) > LIMITS[field]:
        raise DomainError(
            "too_long",
            _("At most %(max)d characters.") % {"max": LIMITS[field]},
            field=field,
        )
    return text


def parse_positive_id(value: Any, field: str) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip()) if len(value.strip()) <= 12 else None
    if number is None or not 1 <= number <= 2**62:
        raise DomainError(
            "invalid_funding_source", _("Choose one of your unit's funding sources."), field=field
        )
    return number


def parse_division(value: Any) -> str:
    if not isinstance(value, str) or not _DIVISION.match(value.strip()):
        raise DomainError(
            "unknown_division", _("Unknown administrative division."), field="delivery_division"
        )
    return value.strip()


def parse_required_by(value: Any, today: date) -> date | None:
    if value in (None, ""):
        return None
    parsed = parse_date_input(value, field="required_by")
    if parsed < today:
        raise DomainError(
            "invalid_date", _("The required-by date cannot be in the past."), field="required_by"
        )
    return parsed


def parse_key(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _KEY.match(value):
        raise DomainError(
            "invalid_idempotency_key",
            _("An idempotency key is 1 to %(max)d visible ASCII characters.") % {"max": MAX_KEY},
            field="idempotency_key",
        )
    return value


def parse_request(
    *,
    lines: Any,
    funding_source_id: Any,
    delivery_division: Any,
    delivery_address: Any,
    delivery_contact: Any = "",
    delivery_phone: Any = "",
    required_by: Any = None,
    note: Any = "",
    idempotency_key: Any = "",
    now: Any = None,
) -> OrderRequest:
    from django.utils import timezone

    today = to_local(now or timezone.now()).date()
    return OrderRequest(
        lines=parse_lines(lines),
        funding_source_id=parse_positive_id(funding_source_id, "funding_source"),
        delivery_division=parse_division(delivery_division),
        delivery_address=parse_text(delivery_address, "delivery_address", required=True),
        delivery_contact=parse_text(delivery_contact, "delivery_contact"),
        delivery_phone=parse_text(delivery_phone, "delivery_phone"),
        required_by=parse_required_by(required_by, today),
        note=parse_text(note, "note"),
        idempotency_key=parse_key(idempotency_key),
    )
