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


def test_refusals_by_the_write_leave_nothing_outside_a_transaction():
    """Outside any transaction the placement's write is one statement: when it refuses (stock
    on the second line, funds) the order row, the first line's stock, the event and the
    notification it had written are gone with it, and the connection stays usable."""
    from django.db import transaction

    from govmall.core.models import Notification
    from tests.catalog.factories import make_listing_row
    from tests.trading.factories import make_funding_source

    unit = make_unit()
    seller = make_seller(stock=10, price="100.00")
    scarce = make_listing_row(seller.supplier, seller.category, stock=1)
    poor = make_funding_source(unit.org, "150.00")

    def place(lines, source):
        assert not transaction.get_connection().in_atomic_block
        return order_place(
            actor=unit.buyer,
            lines=lines,
            funding_source_id=source,
            delivery_division="150202",
            delivery_address="地址",
        )

    assert seller.listing.pk < scarce.pk  # stock is taken in id order: seller's line first
    with pytest.raises(DomainError) as refused:
        place([(seller.listing.number, 1), (scarce.number, 2)], unit.source.pk)
    assert refused.value.code == "out_of_stock"
    assert refused.value.details["listing"] == scarce.number
    with pytest.raises(DomainError) as refused:
        place([(seller.listing.number, 2)], poor.pk)
    assert refused.value.code == "insufficient_funds"
    assert Order.objects.count() == 0
    assert Listing.objects.get(pk=seller.listing.pk).stock == 10
    assert Listing.objects.get(pk=scarce.pk).stock == 1
    assert not Event.objects.filter(object_type="trading.order").exists()
    assert not Notification.objects.exists()
    assert not FundMovement.objects.exists()
    assert FundingSource.objects.get(pk=poor.pk).reserved == 0
    order = place([(seller.listing.number, 1)], poor.pk)  # the connection still works
    assert order.state == "placed" and Listing.objects.get(pk=seller.listing.pk).stock == 9
