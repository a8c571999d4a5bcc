"""Limits of listing content and the small value parsers behind it (numbers, money, stock,
booleans, dates, lists), kept apart from the listing parser because forms, bulk rows and the
API use them on their own too.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from govmall.core.errors import DomainError

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


def plain_decimal(value: Any) -> Decimal | None:
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
    number = plain_decimal(value)
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


def as_list(value: Any, *, split: bool) -> list[Any] | None:
    """A list from a list, a tuple or (with `split`) a separated string; [] for nothing;
    None for anything else (the caller reports it)."""
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
