"""The whole direct purchase in the browser: the buyer adds a product to the cart and checks
out; the supplier confirms; both sides sign the contract; the buyer publishes and files it; the
supplier ships and delivers; the buyer accepts, records the invoice and pays; the buyer rates
the supplier. Every step through the pages, on the order page and its panels."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.audit.models import Event
from govmall.trading.models import Contract, Evaluation, FundingSource, Order, OrderState
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.trading.factories import make_seller, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, user) -> None:
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)


def test_purchase_confirm_sign_publish_deliver_accept_pay_rate(page):
    page.set_default_timeout(30_000)
    unit = make_unit()
    seller = make_seller(stock=10, price="1250.00", title="联想 启天 M437 台式计算机")
    order_url = ""

    # Buyer: product page → cart → checkout.
    _as(page, unit.buyer)
    page.goto(page.base_url + f"/catalog/products/{seller.listing.number}/")
    page.fill("#cart-qty", "2")
    page.click("[data-testid=add-to-cart]")
    page.wait_for_url("**/trading/cart/")
    page.fill("#id_delivery_address", "昆都仑区钢铁大街 1 号 3 楼")
    page.fill("#id_delivery_contact", "王五")
    page.fill("#id_delivery_phone", "0472-7654321")
    page.click("[data-testid=checkout]")
    page.wait_for_selector("[data-testid=order-number]")
    order = Order.objects.get()
    order_url = page.base_url + f"/trading/orders/{order.number}/"
    assert order.total == Decimal("2500.00") and order.state == OrderState.PLACED

    # Supplier confirms; the contract is generated; the supplier signs first.
    _as(page, seller.admin)
    page.goto(order_url)
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=order-state][data-state=confirmed]")
    contract = Contract.objects.get(order=order)
    contract_url = page.base_url + f"/trading/contracts/{contract.number}/"
    page.goto(contract_url)
    assert "贰仟伍佰元整" in page.content()
    page.click("[data-testid=sign-contract]")
    page.wait_for_selector("[data-testid=awaiting-other]")

    # Buyer signs (the contract is concluded), publishes and files it.
    _as(page, unit.buyer)
    page.goto(contract_url)
    page.click("[data-testid=sign-contract]")
    page.wait_for_selector("[data-testid=publish-contract]")
    page.click("[data-testid=publish-contract]")
    page.wait_for_selector("[data-testid=file-contract]")
    page.click("[data-testid=file-contract]")
    page.wait_for_load_state()
    screenshot(page, "journey_contract_signed")
    contract.refresh_from_db()
    assert contract.state == "signed" and contract.published_at and contract.filed_at

    # Supplier ships and delivers from the order page.
    _as(page, seller.admin)
    page.goto(order_url)
    page.fill("input[name=ship-note_number]", "SF20261128001")
    page.click("[data-testid=submit-ship]")
    page.wait_for_selector("[data-testid=shipped-at]")
    page.fill("input[name=deliver-note_number]", "SD-2026-1128")
    page.click("[data-testid=submit-deliver]")
    page.wait_for_selector("[data-testid=acceptance-deadline]")

    # Buyer accepts, records the invoice, pays; the order completes; then rates.
    _as(page, unit.buyer)
    page.goto(order_url)
    page.check("input[name=accept-result][value=passed]")
    page.click("[data-testid=submit-accept]")
    page.wait_for_selector("input[name=invoice-invoice_number]")
    page.fill("input[name=invoice-invoice_number]", "15002026")
    page.fill("input[name=invoice-amount]", "2500.00")
    page.click("[data-testid=submit-invoice]")
    page.wait_for_selector("input[name=payment-amount]")
    page.fill("input[name=payment-amount]", "2500.00")
    page.fill("input[name=payment-voucher]", "GK-2026-0001")
    page.click("[data-testid=submit-payment]")
    page.wait_for_selector("[data-testid=completed-at]")
    page.goto(order_url)
    page.check("input[name=quality][value='5']")
    page.check("input[name=delivery][value='4']")
    page.check("input[name=service][value='5']")
    page.fill("textarea[name=comment]", "送货及时，安装调试到位。")
    page.click("[data-testid=evaluation-submit]")
    page.wait_for_load_state()
    screenshot(page, "journey_completed_and_rated")

    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.COMPLETED
    assert order.paid_total == Decimal("2500.00")
    assert contract.state == "completed"
    assert Evaluation.objects.get(order=order).quality == 5
    seller.listing.refresh_from_db()
    assert seller.listing.stock == 8
    source = FundingSource.objects.get(pk=unit.source.pk)
    assert source.reserved == Decimal("2500.00")  # spent, not released
    actions = list(
        Event.objects.filter(object_type="trading.order", object_id=str(order.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "order.placed",
        "order.confirmed",
        "order.contracted",
        "order.shipped",
        "order.delivered",
        "order.accepted",
        "order.invoice_recorded",
        "order.payment_recorded",
        "order.completed",
        "order.evaluated",
    ]
