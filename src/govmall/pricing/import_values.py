"""The fields of a reference-price row and the parsers of their values: the names a CSV header
or an API key may use, the source names people write, amounts in yuan and capture times. Kept
apart so that the CSV reader and the row check share one vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from govmall.catalog.normalise import fold
from govmall.pricing.models import ReferenceSource

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_PRICE = Decimal("9999999999.99")  # max_digits=12, decimal_places=2

# Row keys (API) and CSV headers: English names, the Chinese headers, a few obvious variants.
FIELD_ALIASES: dict[str, str] = {
    "source": "source",
    "来源": "source",
    "brand": "brand",
    "品牌": "brand",
    "model": "model",
    "model_no": "model",
    "型号": "model",
    "price": "price",
    "价格": "price",
    "captured_at": "captured_at",
    "采集时间": "captured_at",
    "url": "url",
    "链接": "url",
}
REQUIRED_FIELDS = ("source", "brand", "model", "price", "captured_at")
FIELDS = (*REQUIRED_FIELDS, "url")

# Source names as people write them, folded (case, width, spaces and hyphens ignored).
_SOURCE_NAMES: dict[str, tuple[str, ...]] = {
    ReferenceSource.JD: ("jd", "京东", "京东自营", "jd.com", "jd.com self-operated", "jingdong"),
    ReferenceSource.TMALL: ("tmall", "天猫", "天猫旗舰店", "天猫自营", "tmall flagship store"),
    ReferenceSource.SUNING: ("suning", "苏宁", "苏宁自营", "苏宁易购", "suning self-operated"),
    ReferenceSource.MANUFACTURER: (
        "manufacturer",
        "厂商官方",
        "厂商",
        "厂商官网",
        "厂家官方",
        "官方",
        "manufacturer official",
        "manufacturer's official price",
        "official",
    ),
    ReferenceSource.OTHER: ("other", "其他", "其它"),
}
SOURCE_BY_NAME: dict[str, str] = {
    fold(name): str(value) for value, names in _SOURCE_NAMES.items() for name in names
}

_LOCAL_TIME = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?",
)
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def parse_source(value: str) -> str | None:
    """The ReferenceSource value for a code, a Chinese name (京东/天猫/苏宁/厂商官方) or an
    English name; None if unknown."""
    return SOURCE_BY_NAME.get(fold(value))


def parse_price(value: Any) -> Decimal | None:
    """A Decimal with at most 2 places that fits the column, or None. Positivity is checked
    by the caller (a separate code). Accepts a leading ¥/￥ and thousands separators."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().lstrip("¥￥").strip().replace(",", "")
        if not text or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite():
        return None
    if abs(number) > MAX_PRICE:
        return None
    exact = number.quantize(Decimal("0.01"))
    if exact != number:  # more than 2 decimal places
        return None
    return exact


def parse_captured_at(value: str) -> datetime | None:
    """ISO 8601 date-time (with an offset, or without one meaning Asia/Shanghai), or
    "YYYY-MM-DD HH:MM[:SS]" (also with slashes) in Asia/Shanghai. A date alone is refused:
    a capture time needs its time."""
    text = value.strip()
    match = _LOCAL_TIME.fullmatch(text)
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            local = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
        return local.replace(tzinfo=SHANGHAI)
    if not _ISO_DATE_TIME.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def canonical_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values under the canonical field names (English or Chinese keys accepted,
    case-insensitive; unknown keys ignored)."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key.startswith("_"):
            continue
        name = FIELD_ALIASES.get(key.strip().lower())
        if name is not None and name not in values:
            values[name] = value
    return values
