"""In Chromium: the buyer asks for a partial return of one line from the order page, the
supplier agrees from its list, the owning operator approves from its queue; stock and funds are
shown restored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.trading.models import ChangeRequest, ChangeState, FundingSource, OrderState
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.trading.test_changes_world import line_ids, make_world, order_of, stock_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partial_return_verified_by_the_operator(page):
    page.set_default_timeout(60_000)  # a loaded CI machine: the flow, not the speed, is tested
    world = make_world()
    order = order_of(world, OrderState.DELIVERED)  # 3 × ¥1,000.00 and 4 × ¥250.00
    first, second = line_ids(order)

    login(page, world.unit.buyer.username, PASSWORD)
    page.goto(page.base_url + f"/trading/orders/{order.number}/")
    page.click("[data-testid=change-details] summary")
    page.check("input[name=scope][value=partial]")
    page.fill(f"[data-testid=qty-{second}]", "2")
    page.select_option("select[name=reason]", "funds_adjusted")
    screenshot(page, "changes-request-form")
    page.click("[data-testid=change-submit]")
    change = ChangeRequest.objects.get()
    assert list(change.lines.values_list("line_id", "quantity")) == [(second, 2)]
    assert page.locator("[data-testid=change-state]").first.inner_text().strip() != ""
    screenshot(page, "changes-request-sent")
    page.click("[data-testid=logout]")

    login(page, world.seller.admin.username, PASSWORD)
    page.goto(page.base_url + "/trading/changes/")
    screenshot(page, "changes-supplier-list")
    page.click(f"[data-testid=agree-{change.number}]")
    change.refresh_from_db()
    assert change.state == ChangeState.AWAITING_VERIFICATION
    page.click("[data-testid=logout]")

    login(page, world.reviewer.username, PASSWORD)
    page.goto(page.base_url + "/trading/changes/queue/")
    assert page.locator("[data-testid=queue] [data-testid=queue-row]").count() == 1
    screenshot(page, "changes-operator-queue")
    page.click(f"[data-testid=queue] >> text={change.number}")
    page.fill("textarea[name=reasons] >> nth=0", "资金调整属实")
    page.click("[data-testid=approve]")
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED
    assert page.locator(f"[data-testid=stock-{second}]").inner_text() == "18"
    assert page.locator(f"[data-testid=stock-{first}]").inner_text() == "7"
    assert page.locator("[data-testid=order-reserved]").inner_text() == "¥3500.00"
    assert page.locator("[data-testid=funds-available]").inner_text() == "¥996500.00"
    assert page.locator(f"[data-testid=returned-{second}]").inner_text() == "2"
    screenshot(page, "changes-approved")
    assert stock_of(world.listing2) == 18
    assert FundingSource.objects.get(pk=world.unit.source.pk).reserved == Decimal("3500.00")
    order.refresh_from_db()
    assert order.state == OrderState.DELIVERED
