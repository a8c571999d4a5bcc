"""Cart services: listed products only, quantity bounds, checkout all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.catalog.models import Listing
from govmall.core.errors import DomainError
from govmall.trading.models import CartLine, FundingSource, Order
from govmall.trading.services_orders import cart_add, cart_checkout, cart_remove, cart_set
from tests.permissions import database_fingerprint
from tests.trading.factories import make_seller, make_unit

pytestmark = pytest.mark.django_db


def checkout(unit, **kw):
    return cart_checkout(
        actor=unit.buyer,
        funding_source_id=unit.source.pk,
        delivery_division="150202",
        delivery_address="地址",
        **kw,
    )


def test_cart_rules():
    unit, seller = make_unit(), make_seller()
    n = seller.listing.number
    assert cart_add(actor=unit.buyer, listing_number=n, quantity=2).quantity == 2
    assert cart_add(actor=unit.buyer, listing_number=n.lower(), quantity="3").quantity == 5
    assert cart_set(actor=unit.buyer, listing_number=n, quantity=1).quantity == 1
    for bad in (0, -1, 100001, "1.5", None, True):
        with pytest.raises(DomainError) as info:
            cart_set(actor=unit.buyer, listing_number=n, quantity=bad)
        assert info.value.code == "invalid_quantity"
    cart_set(actor=unit.buyer, listing_number=n, quantity=100000)
    with pytest.raises(DomainError) as info:
        cart_add(actor=unit.buyer, listing_number=n, quantity=1)
    assert info.value.code == "invalid_quantity"
    Listing.objects.filter(pk=seller.listing.pk).update(state="delisted")
    other = make_seller()
    Listing.objects.filter(pk=other.listing.pk).update(state="suspended")
    with pytest.raises(DomainError) as info:
        cart_add(actor=unit.buyer, listing_number=other.listing.number)
    assert info.value.code == "listing_not_available"
    with pytest.raises(DomainError) as info:
        cart_add(actor=unit.approver, listing_number=n)
    assert info.value.code == "forbidden"
    cart_remove(actor=unit.buyer, listing_number=n)
    assert CartLine.objects.count() == 0
    with pytest.raises(DomainError) as info:
        cart_remove(actor=unit.buyer, listing_number=n)
    assert info.value.code == "not_found"


def test_checkout_splits_by_supplier_and_empties_the_cart():
    unit = make_unit()
    a, b = make_seller(price="10.00"), make_seller(price="20.00")
    cart_add(actor=unit.buyer, listing_number=a.listing.number, quantity=1)
    cart_add(actor=unit.buyer, listing_number=b.listing.number, quantity=2)
    orders = checkout(unit, checkout_token="token-0001")
    assert [(o.supplier_id, o.total) for o in orders] == [
        (a.supplier.pk, Decimal("10.00")),
        (b.supplier.pk, Decimal("40.00")),
    ]
    assert [o.idempotency_key for o in orders] == [
        f"cart:token-0001:{a.supplier.pk}",
        f"cart:token-0001:{b.supplier.pk}",
    ]
    assert CartLine.objects.count() == 0
    assert [o.pk for o in checkout(unit, checkout_token="token-0001")] == [o.pk for o in orders]
    with pytest.raises(DomainError) as info:
        checkout(unit, checkout_token="token-0002")
    assert info.value.code == "cart_empty"


def test_checkout_is_all_or_nothing():
    unit = make_unit()
    a, b = make_seller(stock=5), make_seller(stock=1)
    cart_add(actor=unit.buyer, listing_number=a.listing.number, quantity=2)
    cart_add(actor=unit.buyer, listing_number=b.listing.number, quantity=2)
    before = database_fingerprint()
    with pytest.raises(DomainError) as info:
        checkout(unit, checkout_token="token-0003")
    assert info.value.code == "out_of_stock"
    assert database_fingerprint() == before
    assert Order.objects.count() == 0 and CartLine.objects.count() == 2
    assert FundingSource.objects.get(pk=unit.source.pk).reserved == Decimal("0.00")
    with pytest.raises(DomainError) as info:
        checkout(unit, checkout_token="bad token!")
    assert info.value.code == "invalid_checkout_token"
