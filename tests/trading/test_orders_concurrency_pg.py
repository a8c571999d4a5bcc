"""Real concurrency on PostgreSQL: 50 connections buying the last 10 units of one product, and
two connections racing with one idempotency key."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from govmall.audit.models import Event
from govmall.catalog.models import Listing
from govmall.core.errors import DomainError
from govmall.trading.models import FundingSource, FundMovement, Order
from govmall.trading.services_orders import order_place
from tests.trading.factories import make_seller, make_unit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def run_threads(count, work):
    """Start `count` threads together; each returns an order number or an error code."""
    barrier = threading.Barrier(count)
    results: list[str] = [""] * count

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except DomainError as exc:
            results[i] = exc.code
        except Exception as exc:
            results[i] = f"crash: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_buyers_ten_in_stock():
    unit = make_unit()
    seller = make_seller(stock=10, price="1234.56")

    def buy(_i):
        return order_place(
            actor=unit.buyer,
            lines=[(seller.listing.number, 1)],
            funding_source_id=unit.source.pk,
            delivery_division="150202",
            delivery_address="地址",
        ).number

    results = run_threads(50, buy)
    codes = Counter(r if not r.startswith("ORD-") else "ordered" for r in results)
    assert codes == {"ordered": 10, "out_of_stock": 40}, codes
    assert Order.objects.count() == 10
    assert Event.objects.filter(object_type="trading.order", action="order.placed").count() == 10
    assert Listing.objects.get(pk=seller.listing.pk).stock == 0
    source = FundingSource.objects.get(pk=unit.source.pk)
    assert source.reserved == Decimal("12345.60")
    assert FundMovement.objects.filter(source=source).count() == 10


def test_same_idempotency_key_from_two_connections_makes_one_order():
    unit = make_unit()
    seller = make_seller(stock=10)

    def buy(_i):
        return order_place(
            actor=unit.buyer,
            lines=[(seller.listing.number, 2)],
            funding_source_id=unit.source.pk,
            delivery_division="150202",
            delivery_address="地址",
            idempotency_key="same-key",
        ).number

    results = run_threads(2, buy)
    assert results[0] == results[1] and results[0].startswith("ORD-"), results
    assert Order.objects.count() == 1
    assert Listing.objects.get(pk=seller.listing.pk).stock == 8
    assert FundingSource.objects.get(pk=unit.source.pk).reserved == Decimal("2000.00")
    assert Event.objects.filter(object_type="trading.order").count() == 1
