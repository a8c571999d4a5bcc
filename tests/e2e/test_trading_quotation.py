"""Browser journey of a quick competitive quotation (竞价): a buyer publishes a request, three
suppliers send sealed quotes (one revises), the buyer sees nothing until closing; after closing
(time moved and the tick job run) the buyer awards the lowest, the winner confirms, the order
exists and the public portal shows the winner."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from govmall.trading import services_quotes
from govmall.trading.models import Order, Quotation
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.trading.test_quotations_support import AFTER_CLOSE, T0, make_market

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, user) -> None:
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)
    page.wait_for_selector("[data-testid=current-user]")


def send_quote(page, number: str, price: str) -> None:
    page.goto(page.base_url + reverse("trading:quotation_invitations"))
    page.click(f"[data-testid=invitation-row][data-number='{number}'] a")
    page.fill("#id_unit_price", price)
    page.click("[data-testid=send-quote]")
    page.wait_for_selector("[data-testid=my-unit-price]")
    assert page.inner_text("[data-testid=my-unit-price]") == f"¥{price}"


def test_quotation_with_three_suppliers_ends_in_an_award(page) -> None:
    market = make_market(3)
    buyer = market.unit.buyer
    a, b, c = market.sellers
    page.goto(page.base_url + "/accounts/login/", timeout=60_000)  # warm the server up
    with time_machine.travel(T0, tick=True):
        as_user(page, buyer)
        page.goto(page.base_url + reverse("trading:quotation_create"))
        page.fill("#id_title", "办公台式计算机采购")
        page.select_option("#id_category_code", market.category.code)
        page.wait_for_selector("#id_attr_cpu")
        page.fill("#id_attr_cpu", "8核")
        page.fill("#id_attr_ram_gb", "16")
        page.fill("#id_requirements", "国产操作系统，三年上门保修")
        page.fill("#id_quantity", "10")
        page.fill("#id_ceiling_total", "60000.00")
        page.fill("#id_delivery_address", "昆都仑区钢铁大街 1 号")
        screenshot(page, "quotation_01_new_request")
        page.click("[data-testid=publish]")
        page.wait_for_load_state()
        screenshot(page, "quotation_01b_after_publish")
        page.wait_for_selector("[data-testid=quotation-number]")
        number = page.inner_text("[data-testid=quotation-number]")
        assert page.get_attribute("[data-testid=quotation-state]", "data-state") == "published"
        screenshot(page, "quotation_02_published")

    quotation = Quotation.objects.get(number=number)
    assert quotation.required_attributes == {"cpu": "8核", "ram_gb": "16"}
    with time_machine.travel(T0 + timedelta(hours=1), tick=True):
        as_user(page, a.admin)
        send_quote(page, number, "5200.00")
        as_user(page, b.admin)
        send_quote(page, number, "4900.00")
        as_user(page, c.admin)
        send_quote(page, number, "5100.00")
    with time_machine.travel(T0 + timedelta(hours=3), tick=True):
        as_user(page, a.admin)
        send_quote(page, number, "4800.00")  # a revises below b: the last quote counts
        assert page.inner_text("[data-testid=my-revision]") == "2"
        screenshot(page, "quotation_03_supplier_revised")
        # Sealed: the buyer sees no price and no count before closing.
        as_user(page, buyer)
        page.goto(page.base_url + reverse("trading:quotation_detail", args=[number]))
        html = page.content()
        for secret in ("4800.00", "4900.00", "5100.00", "5200.00", "ranking"):
            assert secret not in html
        screenshot(page, "quotation_04_buyer_sealed")

    with time_machine.travel(AFTER_CLOSE, tick=True):
        services_quotes.quotation_close_job()
        as_user(page, buyer)
        page.goto(page.base_url + reverse("trading:quotation_detail", args=[number]))
        assert page.get_attribute("[data-testid=quotation-state]", "data-state") == "evaluating"
        rows = page.locator("[data-testid=ranking-row]")
        assert rows.count() == 3
        assert "4800.00" in rows.nth(0).inner_text()
        assert a.supplier.organisation.name in rows.nth(0).inner_text()
        screenshot(page, "quotation_05_opened_ranking")
        page.click("[data-testid=award]")
        page.wait_for_selector("[data-testid=pending-offer]")
        screenshot(page, "quotation_06_awarded")

        as_user(page, a.admin)
        page.goto(page.base_url + reverse("trading:quotation_detail", args=[number]))
        page.wait_for_selector("[data-testid=award-offer]")
        page.click("[data-testid=confirm-award]")
        page.wait_for_selector("[data-testid=winner]")
        assert page.get_attribute("[data-testid=quotation-state]", "data-state") == "awarded"
        screenshot(page, "quotation_07_confirmed")

    order = Order.objects.get(quotation__number=number)
    assert (order.source, order.state, str(order.total)) == ("quotation", "confirmed", "48000.00")
    assert order.supplier_id == a.supplier.pk

    page.context.clear_cookies()
    page.goto(page.base_url + reverse("trading_public:quotation_results"))
    page.click(f"[data-testid=result-row][data-number='{number}'] a")
    winner = page.inner_text("[data-testid=winner]")
    assert a.supplier.organisation.name in winner and "48000.00" in winner
    assert page.locator("[data-testid=ranking-row]").count() == 3
    screenshot(page, "quotation_08_public_result")
