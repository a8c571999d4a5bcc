"""In Chromium: the supplier ships and delivers (a missing delivery note is refused at the
field), the buyer accepts, records the invoice and the payment, and the order completes."""

from __future__ import annotations

import pytest

from govmall.trading.models import OrderState
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.trading.test_fulfilment_support import make_deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ship_deliver_accept_invoice_pay(page):
    deal = make_deal(price="1000.00", quantity=2)
    number = deal.number

    login(page, deal.seller.admin.username, PASSWORD)
    page.goto(page.base_url + "/trading/fulfilment/")
    row = page.locator(f"[data-testid=order-row][data-order='{number}']")
    assert row.count() == 1
    screenshot(page, "fulfilment-supplier-list")
    row.locator("[data-testid=open-order]").click()
    page.fill("input[name=ship-note_number]", "SF1234567890")
    page.click("[data-testid=submit-ship]")
    assert page.locator("[data-testid=deliveries]").count() == 1
    page.click("[data-testid=submit-deliver]")
    assert page.locator("[data-testid=error-deliver-note_number]").is_visible()
    screenshot(page, "fulfilment-deliver-error")
    page.fill("input[name=deliver-note_number]", "SD-2026-0001")
    page.click("[data-testid=submit-deliver]")
    assert page.locator("[data-testid=acceptance-deadline]").is_visible()
    assert "SD-2026-0001" in page.locator("[data-testid=deliveries]").inner_text()
    screenshot(page, "fulfilment-supplier-delivered")
    page.click("[data-testid=logout]")

    login(page, deal.unit.buyer.username, PASSWORD)
    page.goto(page.base_url + "/trading/acceptance/")
    row = page.locator(f"[data-testid=accept-row][data-order='{number}']")
    assert row.count() == 1
    screenshot(page, "fulfilment-buyer-list")
    row.locator("[data-testid=open-order]").click()
    assert page.locator("[data-testid=payment-due]").inner_text().strip() != "—"
    screenshot(page, "fulfilment-buyer-delivered")
    page.check("input[name=accept-result][value=passed]")
    page.click("[data-testid=submit-accept]")
    assert page.locator("[data-testid=accepted-at]").inner_text().strip() != "—"
    page.fill("input[name=invoice-invoice_number]", "15001234")
    page.fill("input[name=invoice-amount]", "2000.00")
    page.click("[data-testid=submit-invoice]")
    assert "15001234" in page.locator("[data-testid=invoices]").inner_text()
    page.fill("input[name=payment-amount]", "2000.01")
    page.fill("input[name=payment-voucher]", "PZ-0001")
    page.click("[data-testid=submit-payment]")
    assert page.locator("[data-testid=error-payment-amount]").is_visible()
    screenshot(page, "fulfilment-payment-error")
    page.fill("input[name=payment-amount]", "2000.00")
    page.click("[data-testid=submit-payment]")
    assert page.locator("[data-testid=completed-at]").is_visible()
    assert page.locator("[data-testid=outstanding]").inner_text().strip() == "¥0.00"
    screenshot(page, "fulfilment-completed")
    order = deal.refresh()
    assert order.state == OrderState.COMPLETED
    assert deal.contract.state == "completed"
