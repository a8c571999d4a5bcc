"""Cart and order pages: add, change, check out (errors at the field, double submit), the
order page's panel by role, the approver's queue and the supplier's orders to confirm."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from govmall.trading.models import CartLine, Order, OrderState, PurchasingPolicy
from tests.permissions import client_for
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


def checkout_data(unit, **extra):
    data = {
        "funding_source": str(unit.source.pk),
        "delivery_division": "150202",
        "delivery_address": "昆都仑区钢铁大街 1 号",
        "delivery_contact": "王五",
        "delivery_phone": "0472-7654321",
        "required_by": "",
        "note": "",
        "checkout_token": "tok-abcdefgh",
    }
    data.update(extra)
    return data


def test_add_update_remove_and_groups(english):
    unit, seller = make_unit(), make_seller(price="100.00")
    other = make_seller(price="3.00")
    client = client_for(unit.buyer)
    page = f"/catalog/products/{seller.listing.number}/"
    response = client.post(
        "/trading/cart/add/",
        {"listing": seller.listing.number, "quantity": "2", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    client.post("/trading/cart/add/", {"listing": seller.listing.number, "quantity": "1"})
    client.post("/trading/cart/add/", {"listing": other.listing.number})
    assert CartLine.objects.get(user=unit.buyer, listing=seller.listing).quantity == 3
    html = client.get("/trading/cart/").content.decode()
    assert html.count('data-testid="cart-group"') == 2
    assert "¥300.00" in html and "¥3.00" in html and 'data-testid="checkout-form"' in html
    client.post(f"/trading/cart/{seller.listing.number}/", {"quantity": "5"})
    assert CartLine.objects.get(user=unit.buyer, listing=seller.listing).quantity == 5
    bad = client.post(f"/trading/cart/{seller.listing.number}/", {"quantity": "0"}, follow=True)
    assert "Enter a whole quantity from 1 to 100000." in bad.content.decode()
    client.post(f"/trading/cart/{other.listing.number}/remove/")
    assert list(CartLine.objects.filter(user=unit.buyer).values_list("listing_id", flat=True)) == [
        seller.listing.pk
    ]
    assert client.post("/trading/cart/LST-NONE/remove/").status_code == 404


def test_cart_is_for_buyers():
    unit, seller = make_unit(), make_seller()
    assert client_for(unit.approver).get("/trading/cart/").status_code == 403
    assert (
        client_for(seller.admin)
        .post("/trading/cart/add/", {"listing": seller.listing.number})
        .status_code
        == 403
    )
    assert client_for(None).get("/trading/cart/").status_code == 302
    assert CartLine.objects.count() == 0


def test_checkout_errors_at_the_field_then_success_and_double_submit(english):
    unit, seller = make_unit(), make_seller(price="100.00")
    client = client_for(unit.buyer)
    client.post("/trading/cart/add/", {"listing": seller.listing.number, "quantity": "2"})
    response = client.post(
        "/trading/cart/checkout/", checkout_data(unit, delivery_division="999999")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-delivery_division"' in html and "Unknown administrative division." in html
    assert Order.objects.count() == 0
    response = client.post("/trading/cart/checkout/", checkout_data(unit))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/trading/orders/{order.number}/"
    assert CartLine.objects.count() == 0
    # The same form again (double click): the first order, not a second.
    again = client.post("/trading/cart/checkout/", checkout_data(unit))
    assert again["Location"] == f"/trading/orders/{order.number}/"
    assert Order.objects.count() == 1


def test_over_limit_group_offers_a_quotation_and_is_left_in_the_cart(english):
    unit = make_unit()
    big, small = make_seller(price="200000.00"), make_seller(price="10.00")
    client = client_for(unit.buyer)
    client.post("/trading/cart/add/", {"listing": big.listing.number, "quantity": "2"})
    client.post("/trading/cart/add/", {"listing": small.listing.number, "quantity": "1"})
    html = client.get("/trading/cart/").content.decode()
    assert html.count('data-testid="over-limit"') == 1 and 'data-testid="start-quotation"' in html
    response = client.post("/trading/cart/checkout/", checkout_data(unit))
    assert response.status_code == 302
    assert list(Order.objects.values_list("supplier_id", flat=True)) == [small.supplier.pk]
    assert list(CartLine.objects.values_list("listing_id", flat=True)) == [big.listing.pk]


def test_order_pages_by_role(english):
    unit, seller = make_unit(), make_seller()
    order = make_order(unit, [(seller.listing, 2)])
    buyer, supplier = client_for(unit.buyer), client_for(seller.admin)
    html = buyer.get(f"/trading/orders/{order.number}/").content.decode()
    assert 'data-testid="approval-panel"' in html and 'data-testid="cancel"' in html
    assert 'data-testid="confirm"' not in html
    assert f"/audit/timeline/trading.order/{order.pk}/" in html
    html = supplier.get(f"/trading/orders/{order.number}/").content.decode()
    assert 'data-testid="confirm"' in html and 'data-testid="decline"' in html
    assert client_for(make_unit().buyer).get(f"/trading/orders/{order.number}/").status_code == 404
    # A decline without a reason: the error at the reason field, nothing changed.
    response = supplier.post(f"/trading/orders/{order.number}/decline/", {"reason": ""})
    assert response.status_code == 400 and "Give a reason." in response.content.decode()
    assert Order.objects.get(pk=order.pk).state == OrderState.PLACED
    assert buyer.post(f"/trading/orders/{order.number}/confirm/").status_code == 403
    response = supplier.post(f"/trading/orders/{order.number}/confirm/")
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).state == OrderState.CONFIRMED
    listing = buyer.get("/trading/orders/?tab=in_progress").content.decode()
    assert order.number in listing
    assert order.number not in buyer.get("/trading/orders/?tab=placed").content.decode()


def test_approvals_queue_and_approve(english):
    unit, seller = make_unit(), make_seller(price="500.00")
    PurchasingPolicy.objects.create(
        organisation=unit.org, approval_limit=Decimal("100.00"), updated_at=timezone.now()
    )
    client = client_for(unit.buyer)
    client.post("/trading/cart/add/", {"listing": seller.listing.number})
    client.post("/trading/cart/checkout/", checkout_data(unit))
    order = Order.objects.get()
    assert order.state == OrderState.PENDING_APPROVAL
    approver = client_for(unit.approver)
    queue = approver.get("/trading/approvals/").content.decode()
    assert order.number in queue
    assert client_for(unit.buyer).get("/trading/approvals/").status_code == 403
    assert approver.post(f"/trading/orders/{order.number}/approve/").status_code == 302
    assert Order.objects.get(pk=order.pk).state == OrderState.PLACED
    assert order.number not in approver.get("/trading/approvals/").content.decode()


def test_supplier_orders_highlight_overdue(english):
    unit, seller = make_unit(), make_seller()
    late = make_order(unit, [(seller.listing, 1)])
    Order.objects.filter(pk=late.pk).update(confirm_deadline=timezone.now() - timedelta(hours=2))
    fine = make_order(unit, [(seller.listing, 1)])
    html = client_for(seller.admin).get("/trading/supplier/orders/").content.decode()
    assert html.count('data-testid="supplier-order-row"') == 2
    assert html.count('class="is-overdue"') == 1
    assert html.index(late.number) < html.index(fine.number)
    assert "1 order is past its confirmation deadline." in html
    assert client_for(unit.buyer).get("/trading/supplier/orders/").status_code == 403


@override_settings(GOVMALL_TRADING={"DIRECT_PURCHASE_LIMIT": "50"})
def test_quotation_link_falls_back_to_the_path():
    unit, seller = make_unit(), make_seller(price="60.00")
    client = client_for(unit.buyer)
    client.post("/trading/cart/add/", {"listing": seller.listing.number})
    html = client.get("/trading/cart/").content.decode()
    assert 'data-testid="start-quotation"' in html and "/trading/quotations/" in html
