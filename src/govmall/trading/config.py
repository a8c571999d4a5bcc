"""Trading parameters: legal and policy defaults, each overridable in Django settings.

`settings.GOVMALL_TRADING = {"DIRECT_PURCHASE_LIMIT": "200000", ...}` replaces a default; the
values below are the ones the requirements name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Direct purchase (直购): one order's total may not exceed this; above it, a quotation.
    "DIRECT_PURCHASE_LIMIT": Decimal("300000.00"),
    # The public-tender threshold: the mall is for purchases below it (quotation ceilings).
    "PUBLIC_TENDER_THRESHOLD": Decimal("4000000.00"),
    # The supplier confirms a placed order within this many working days, else `tick` cancels.
    "ORDER_CONFIRM_WORKING_DAYS": 2,
    # A quotation closes at least this many working days after publication.
    "QUOTATION_MIN_WORKING_DAYS": 2,
    # Fewer valid quotes than this at closing: the quotation fails (流标).
    "QUOTATION_MIN_QUOTES": 3,
    # The purchaser awards (or disqualifies) within this many working days of closing.
    "AWARD_WORKING_DAYS": 2,
    # The winner confirms within this many hours, else the award passes on.
    "WINNER_CONFIRM_HOURS": 72,
    # A signed contract is published within 2 and filed within 7 working days.
    "CONTRACT_PUBLISH_WORKING_DAYS": 2,
    "CONTRACT_FILE_WORKING_DAYS": 7,
    # Default acceptance period after delivery (working days); a contract may set its own.
    "ACCEPTANCE_WORKING_DAYS": 5,
    # Default payment term (calendar days) and the statutory maximum for SMEs.
    "PAYMENT_DAYS": 30,
    "PAYMENT_DAYS_MAX": 60,
    # After-sales: the supplier responds to a ticket within this many working days.
    "TICKET_RESPONSE_WORKING_DAYS": 2,
    # Returns/terminations: the supplier answers within 1, the operator verifies within 1.
    "CHANGE_SUPPLIER_WORKING_DAYS": 1,
    "CHANGE_VERIFY_WORKING_DAYS": 1,
    # Lines per order and quantity per line accepted by the API.
    "MAX_ORDER_LINES": 50,
    "MAX_LINE_QUANTITY": 100000,
}


def get(name: str) -> Any:
    overrides = getattr(settings, "GOVMALL_TRADING", {}) or {}
    value = overrides.get(name, DEFAULTS[name])
    default = DEFAULTS[name]
    if isinstance(default, Decimal):
        return Decimal(str(value))
    return type(default)(value)
