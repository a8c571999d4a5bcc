"""The SME payment due rule (保障中小企业款项支付条例), as a table: start of the clock, calendar
days, the 60-day cap, the acceptance-period cap, and the move off holidays."""

from __future__ import annotations

from datetime import datetime

import pytest

from govmall.core.models import CalendarOverride
from govmall.trading.models import Contract, Order
from govmall.trading.payment_due import payment_due_for
from tests.trading.test_fulfilment_support import at

pytestmark = pytest.mark.django_db


def _order(
    size: str | None = "small",
    delivered: str | None = "2026-03-02 10:00",
    deadline: str | None = "2026-03-09 23:59:59",
    accepted: str | None = None,
) -> Order:
    return Order(
        sme_declaration={"size": size, "declared": True} if size else {},
        delivered_at=at(delivered) if delivered else None,
        acceptance_deadline=at(deadline) if deadline else None,
        accepted_at=at(accepted) if accepted else None,
    )


def _contract(condition: str = "delivery", days: int = 30, acceptance: int = 5) -> Contract:
    return Contract(
        payment_condition=condition, payment_days=days, acceptance_working_days=acceptance
    )


CASES = [
    # (name, order, contract, expected due (Shanghai) or None)
    ("delivery: 30 days from 03-02", _order(), _contract(), "2026-04-01 23:59:59"),
    ("micro counts", _order(size="micro"), _contract(), "2026-04-01 23:59:59"),
    ("medium counts", _order(size="medium"), _contract(), "2026-04-01 23:59:59"),
    (
        "delivery: acceptance does not move it",
        _order(accepted="2026-03-05 09:00"),
        _contract(),
        "2026-04-01 23:59:59",
    ),
    (
        "acceptance: early acceptance 03-04 starts the clock",
        _order(accepted="2026-03-04 15:00"),
        _contract("acceptance"),
        "2026-04-03 23:59:59",
    ),
    (
        "acceptance: late acceptance capped at the end of the period (03-09)",
        _order(accepted="2026-03-20 11:00"),
        _contract("acceptance"),
        "2026-04-08 23:59:59",
    ),
    (
        "acceptance: not yet accepted, provisional from the end of the period",
        _order(),
        _contract("acceptance"),
        "2026-04-08 23:59:59",
    ),
    (
        "acceptance: period end computed when not stored (5 working days from 03-02)",
        _order(deadline=None),
        _contract("acceptance"),
        "2026-04-08 23:59:59",
    ),
    (
        "National Day: 09-03 + 30 = 10-03 (holiday) moves to 10-08",
        _order(delivered="2026-09-03 16:00"),
        _contract(),
        "2026-10-08 23:59:59",
    ),
    (
        "60-day contract: 03-02 + 60 = 05-01 (Labour Day holiday) moves to 05-06",
        _order(),
        _contract(days=60),
        "2026-05-06 23:59:59",
    ),
    ("90 days in a contract is capped at 60", _order(), _contract(days=90), "2026-05-06 23:59:59"),
    (
        "a shorter term counts as agreed: 10 days",
        _order(),
        _contract(days=10),
        "2026-03-12 23:59:59",
    ),
    ("no contract: the default 30 days from delivery", _order(), None, "2026-04-01 23:59:59"),
    ("large supplier: no statutory date", _order(size="large"), _contract(), None),
    ("no SME declaration: no statutory date", _order(size=None), _contract(), None),
    ("not delivered yet", _order(delivered=None, deadline=None), _contract(), None),
]


@pytest.mark.parametrize(
    ("name", "order", "contract", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_payment_due_table(
    name: str, order: Order, contract: Contract | None, expected: str | None
) -> None:
    due = payment_due_for(order, contract)
    if expected is None:
        assert due is None
    else:
        assert isinstance(due, datetime)
        assert due == at(expected)
        assert due.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


def test_a_regional_day_off_moves_the_due_date_further() -> None:
    """With 10-08 made a day off by the region, a due date in the holiday moves to 10-09."""
    CalendarOverride.objects.create(date="2026-10-08", is_working=False, note="test")
    due = payment_due_for(_order(delivered="2026-09-03 16:00"), _contract())
    assert due == at("2026-10-09 23:59:59")


def test_a_regional_working_day_keeps_the_due_date() -> None:
    CalendarOverride.objects.create(date="2026-10-03", is_working=True, note="test")
    due = payment_due_for(_order(delivered="2026-09-03 16:00"), _contract())
    assert due == at("2026-10-03 23:59:59")


def test_delivery_late_in_the_day_counts_from_the_shanghai_date() -> None:
    """23:30 Shanghai on 03-02 is still 03-02 (15:30 UTC): the clock starts that day."""
    due = payment_due_for(_order(delivered="2026-03-02 23:30"), _contract())
    assert due == at("2026-04-01 23:59:59")
