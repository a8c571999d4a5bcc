"""Reservations never overdraw under real concurrency (PostgreSQL: SQLite serializes writers):
20 threads reserving 100 each from a source of 1,000 → exactly 10 succeed."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from govmall.core.errors import DomainError
from govmall.trading import funds
from govmall.trading.models import FundingSource, FundMovement, MovementKind
from tests.trading.factories import make_unit

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers; SQLite's IMMEDIATE transactions serialize them",
    ),
    pytest.mark.django_db(transaction=True),
]
THREADS = 20
WAIT = 30


def test_twenty_concurrent_reservations_of_100_from_1000():
    unit = make_unit(funds_amount="1000.00")
    source_id = unit.source.pk
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def reserve() -> None:
        try:
            start.wait(WAIT)
            with transaction.atomic():
                funds.reserve(source_id, Decimal("100.00"), order=None, actor=None)  # type: ignore[arg-type]
            result = "ok"
        except DomainError as exc:
            result = exc.code
        except BaseException as exc:  # reported by the test thread
            result = f"crash: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=reserve, daemon=True) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(WAIT)
        assert not worker.is_alive(), "worker did not finish"
    assert sorted(outcomes) == ["insufficient_funds"] * 10 + ["ok"] * 10
    source = FundingSource.objects.get(pk=source_id)
    assert (source.reserved, source.available) == (Decimal("1000.00"), Decimal("0.00"))
    assert FundMovement.objects.filter(source_id=source_id, kind=MovementKind.RESERVE).count() == 10


def test_amount_change_and_reservations_race_without_overdraw():
    """A regulator lowering the amount while orders reserve: whatever the order, the source
    ends with reserved ≤ amount and the lowering is refused if reservations got there first."""
    from govmall.accounts.roles import Role
    from govmall.trading.services_funds import funding_source_update
    from tests.factories import make_user

    unit = make_unit(funds_amount="1000.00")
    regulator = make_user(Role.REGULATOR, division="150200")
    source_id = unit.source.pk
    start = threading.Barrier(11)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(fn) -> None:
        try:
            start.wait(WAIT)
            fn()
            result = "ok"
        except DomainError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    def reserve() -> None:
        with transaction.atomic():
            funds.reserve(source_id, Decimal("100.00"), order=None, actor=None)  # type: ignore[arg-type]

    def lower() -> None:
        funding_source_update(actor=regulator, source_id=source_id, amount="500.00")

    workers = [threading.Thread(target=run, args=(reserve,), daemon=True) for _ in range(10)]
    workers.append(threading.Thread(target=run, args=(lower,), daemon=True))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(WAIT)
        assert not worker.is_alive()
    source = FundingSource.objects.get(pk=source_id)
    assert source.reserved <= source.amount
    reserved = FundMovement.objects.filter(source_id=source_id, kind=MovementKind.RESERVE).count()
    assert source.reserved == Decimal(100 * reserved)
    assert len(outcomes) == 11
    if source.amount == Decimal("500.00"):
        assert reserved == 5
    else:
        assert source.amount == Decimal("1000.00") and "amount_below_reserved" in outcomes
