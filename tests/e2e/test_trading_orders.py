"""Browser journey: a buyer adds a product to the cart from the product page, checks out and
sees the order; the supplier finds it among its orders to confirm and confirms it."""

from __future__ import annotations

import pytest

from govmall.catalog.models import Listing
from govmall.trading.models import Order, OrderState
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.trading.factories import make_seller, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_orders_and_supplier_confirms(page):
    unit = make_unit()
    seller = make_seller(stock=10, price="2399.00", title="惠普 LaserJet M405dn 黑白激光打印机")
    login(page, unit.buyer.username, PASSWORD)
    page.goto(page.base_url + f"/catalog/products/{seller.listing.number}/")
    page.fill("#cart-qty", "3")
    screenshot(page, "trading_orders_product")
    page.click("[data-testid=add-to-cart]")
    page.wait_for_url("**/trading/cart/")
    assert page.locator("[data-testid=cart-line]").count() == 1
    assert page.locator("[data-testid=group-subtotal]").inner_text() == "¥7197.00"
    page.fill("#id_delivery_address", "")
    page.click("[data-testid=checkout]")
    # Browser validation is off (novalidate): the server names the field.
    assert page.locator("#error-delivery_address").is_visible()
    screenshot(page, "trading_orders_cart_error")
    page.fill("#id_delivery_address", "昆都仑区钢铁大街 1 号 3 楼")
    page.fill("#id_delivery_contact", "王五")
    page.fill("#id_delivery_phone", "0472-7654321")
    screenshot(page, "trading_orders_cart")
    page.click("[data-testid=checkout]")
    page.wait_for_selector("[data-testid=order-number]")
    order = Order.objects.get()
    assert order.number in page.locator("[data-testid=order-number]").inner_text()
    assert page.locator("[data-testid=order-state]").first.get_attribute("data-state") == "placed"
    assert page.locator("[data-testid=order-line]").count() == 1
    assert page.locator("[data-testid=confirm-deadline]").is_visible()
    screenshot(page, "trading_orders_detail_buyer")
    page.goto(page.base_url + "/trading/orders/")
    assert page.locator(f"[data-testid=order-row][data-number='{order.number}']").is_visible()
    screenshot(page, "trading_orders_list")

    page.context.clear_cookies()
    login(page, seller.admin.username, PASSWORD)
    page.goto(page.base_url + "/trading/supplier/orders/")
    row = page.locator(f"[data-testid=supplier-order-row][data-number='{order.number}']")
    assert row.is_visible()
    screenshot(page, "trading_orders_supplier_queue")
    row.locator("a").click()
    page.wait_for_selector("[data-testid=confirm]")
    screenshot(page, "trading_orders_detail_supplier")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=order-state][data-state=confirmed]")
    screenshot(page, "trading_orders_confirmed")
    order.refresh_from_db()
    assert order.state == OrderState.CONFIRMED
    assert Listing.objects.get(pk=seller.listing.pk).stock == 7
