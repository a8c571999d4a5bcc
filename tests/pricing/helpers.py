"""Builders for the reference-price tests (no tests here)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Tests run with the clock at this instant (time_machine), 2026-06-01 10:00 Beijing time.
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
HEADER = "source,brand,model,price,captured_at,url"


def ref_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": "jd",
        "brand": "HP",
        "model": "M404dn",
        "price": "1999.00",
        "captured_at": "2026-05-30 10:00",
        "url": "https://item.jd.com/100001.html",
    }
    row.update(overrides)
    return row


def csv_line(*cells: str) -> str:
    return ",".join(cells)


def csv_bytes(
    *lines: str, header: str = HEADER, encoding: str = "utf-8", bom: bool = False
) -> bytes:
    text = "\n".join([header, *lines]) + "\n"
    data = text.encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


GOOD_LINE = "jd,HP,M404dn,1999.00,2026-05-30 10:00,https://item.jd.com/100001.html"
