"""Browser checks of the trading pages no journey passes through: the approver's queue, the
regulator's filed contracts and the public return-verification compliance page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import Role
from govmall.trading.models import OrderState
from govmall.trading.services_orders import order_place
from govmall.trading.services_policy import policy_set_limit
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_user
from tests.trading.factories import make_seller, make_unit
from tests.trading.test_contracts_support import make_deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approver_approves_an_order_above_the_limit_from_the_queue(page):
    page.set_default_timeout(30_000)
    unit = make_unit()
    seller = make_seller(stock=5, price="800.00")
    policy_set_limit(actor=unit.admin, limit=Decimal("500.00"))
    order = order_place(
        actor=unit.buyer,
        lines=[(seller.listing.number, 1)],
        funding_source_id=unit.source.pk,
        delivery_division=unit.org.division_id,
        delivery_address="昆都仑区钢铁大街 1 号",
    )
    assert order.state == OrderState.PENDING_APPROVAL
    login(page, unit.approver.username, PASSWORD)
    page.goto(page.base_url + "/trading/approvals/")
    row = page.locator(f"[data-testid=approval-row][data-number='{order.number}']")
    assert row.is_visible()
    screenshot(page, "trading_approvals_queue")
    row.locator("a").first.click()
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=order-state][data-state=placed]")
    order.refresh_from_db()
    assert order.state == OrderState.PLACED and order.approved_by_id == unit.approver.pk


def test_regulator_sees_signed_contracts_to_file(page):
    page.set_default_timeout(30_000)
    deal = make_deal(signed=True)
    regulator = make_user(Role.REGULATOR, division="150200")
    login(page, regulator.username, PASSWORD)
    page.goto(page.base_url + "/trading/contracts/filed/")
    row = page.locator(f"[data-testid=contract-row][data-number='{deal.contract.number}']")
    assert row.is_visible()
    screenshot(page, "trading_filed_contracts")


def test_public_compliance_page_shows_the_statistics(page):
    page.set_default_timeout(30_000)
    page.goto(page.base_url + "/stats/changes/")
    assert page.locator("[data-testid=stat-decided]").inner_text().strip() == "0"
    assert page.locator("[data-testid=stat-disputed]").is_visible()
    screenshot(page, "stats_changes")
