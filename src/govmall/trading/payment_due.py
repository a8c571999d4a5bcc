"""When payment to a small or medium supplier is due (保障中小企业款项支付条例).

REQUIREMENTS.md ("Working days", other legal clocks): payment to an SME is due within 30
calendar days of delivery — or, where the contract makes acceptance the payment condition, of
acceptance, but no later than the end of the agreed acceptance period — and at most 60 days if
the contract says so; a due date on a non-working day moves to the next working day.

Read here as:
- only suppliers whose SME declaration on the order says micro, small or medium; a large
  supplier (or none declared) has no statutory due date (None);
- the period counts like any legal period: the start day does not count, so 30 days from a
  delivery on 09-01 end on 10-01 (23:59:59 Asia/Shanghai);
- days = the contract's `payment_days`, capped at PAYMENT_DAYS_MAX (60);
- start = delivery; or, with acceptance as the condition, min(acceptance, end of the acceptance
  period). Before acceptance the due date is provisional, counted from the end of the acceptance
  period (the latest the clock can start).

Pure apart from reading the working-day calendar: callers store the result.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from govmall.core.calendar import END_OF_DAY, TZ, add_working_days, is_working_day, to_local
from govmall.trading import config

if TYPE_CHECKING:
    from govmall.trading.models import Contract, Order

SME_SIZES = frozenset({"micro", "small", "medium"})
# A run of days off longer than this means a broken calendar, not a holiday.
_MAX_DAYS_OFF = 60


def is_sme(order: Order) -> bool:
    declaration = order.sme_declaration if isinstance(order.sme_declaration, dict) else {}
    return declaration.get("size") in SME_SIZES


def acceptance_working_days(contract: Contract | None) -> int:
    """The agreed acceptance period: the contract's, else the configured default."""
    days = contract.acceptance_working_days if contract is not None else 0
    return days or int(config.get("ACCEPTANCE_WORKING_DAYS"))


def payment_days(contract: Contract | None) -> int:
    """The contract's payment term in calendar days, never above the statutory maximum."""
    days = contract.payment_days if contract is not None else int(config.get("PAYMENT_DAYS"))
    return min(days, int(config.get("PAYMENT_DAYS_MAX")))


def acceptance_condition(contract: Contract | None) -> bool:
    from govmall.trading.models import PaymentCondition

    return contract is not None and contract.payment_condition == PaymentCondition.ACCEPTANCE


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    for _ in range(_MAX_DAYS_OFF):
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    return day


def payment_clock_start(order: Order, contract: Contract | None) -> datetime | None:
    """When the payment period starts (None before delivery)."""
    if order.delivered_at is None:
        return None
    if not acceptance_condition(contract):
        return order.delivered_at
    end_of_period = order.acceptance_deadline
    if end_of_period is None:
        end_of_period = add_working_days(
            order.delivered_at, acceptance_working_days(contract)
        ).deadline
    if order.accepted_at is not None and order.accepted_at < end_of_period:
        return order.accepted_at
    return end_of_period


def payment_due_for(order: Order, contract: Contract | None) -> datetime | None:
    """The statutory payment due time for an SME supplier (see the module docstring), or None
    for a large supplier or before delivery."""
    if not is_sme(order):
        return None
    start = payment_clock_start(order, contract)
    if start is None:
        return None
    due_day = next_working_day(to_local(start).date() + timedelta(days=payment_days(contract)))
    return datetime.combine(due_day, END_OF_DAY, tzinfo=TZ)
