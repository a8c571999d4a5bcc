"""Browser journey: a regulator adds a funding source to a unit and changes its amount; the
unit's admin sets the approval limit; a buyer sees the funds read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import Role
from govmall.trading.models import FundingSource, PurchasingPolicy
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regulator_enters_funds_admin_sets_limit_buyer_reads(page):
    unit = make_unit(name="包头市第一中学", funds_amount="80000.00")
    make_unit(name="包头市图书馆")
    seller = make_seller(price="1200.00")
    make_order(unit, [(seller.listing, 5)])  # reserves 6,000.00
    regulator = make_user(Role.REGULATOR, division="150200")
    page.set_default_timeout(30_000)  # the machine is shared with other test runs

    login(page, regulator.username, PASSWORD)
    page.goto(page.base_url + "/trading/funds/")
    page.wait_for_selector("[data-testid=units]")
    row = page.locator(f"[data-testid=unit-row][data-unit='{unit.org.pk}']")
    assert "¥74000.00" in row.inner_text()  # zh-hans numbers have no grouping
    screenshot(page, "trading-funds-overview")
    row.locator("a").click()
    page.wait_for_selector("[data-testid=source-form]")
    page.fill("input[name=fiscal_year]", "2026")
    page.fill("input[name=budget_line]", "2050101-02")
    page.fill("input[name=name]", "实验室设备购置")
    page.fill("input[name=amount]", "abc")
    page.click("[data-testid=add-source]")
    page.wait_for_selector("#error-amount")
    page.fill("input[name=amount]", "300000.00")
    page.click("[data-testid=add-source]")
    page.wait_for_selector("[data-line='2050101-02']")
    assert page.inner_text("[data-testid=total-available]") == "¥374000.00"
    screenshot(page, "trading-funds-unit")

    page.click("[data-line='2050101-02'] a")
    page.wait_for_selector("[data-testid=amount-form]")
    page.fill("#change input[name=amount]", "250000.50")
    page.fill("#change input[name=note]", "财预〔2026〕18号 调减")
    page.click("[data-testid=change-amount]")
    page.wait_for_selector("[data-kind=adjust] >> nth=1")
    assert page.inner_text("[data-testid=amount]") == "¥250000.50"
    assert "-49999.50" in page.inner_text("[data-testid=ledger]")
    screenshot(page, "trading-funds-source")
    source = FundingSource.objects.get(budget_line="2050101-02")
    assert source.amount == Decimal("250000.50")

    page.goto(page.base_url + "/trading/funds/import/")
    csv_text = (
        "单位,年度,预算项目编码,名称,金额\n"
        "包头市图书馆,2026,3010101,图书采购,120000\n"
        "包头市图书馆,2026,3010102,期刊采购,十万\n"
    )
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "预算.csv", "mimeType": "text/csv", "buffer": csv_text.encode("gb18030")}],
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=report]")
    assert page.inner_text("[data-testid=rows-created]") == "1"
    assert page.inner_text("[data-testid=rows-errors]") == "1"
    assert "invalid_amount" in page.inner_text("#row-3")
    screenshot(page, "trading-funds-import-report")
    page.click("[data-testid=logout]")

    login(page, unit.admin.username, PASSWORD)
    page.goto(page.base_url + "/trading/our-funds/")
    page.click("[data-testid=policy-link]")
    page.fill("input[name=approval_limit]", "-5")
    page.click("[data-testid=save-limit]")
    page.wait_for_selector("#error-approval_limit")
    screenshot(page, "trading-funds-policy-error")
    page.fill("input[name=approval_limit]", "50000")
    page.click("[data-testid=save-limit]")
    page.wait_for_selector(".message-success")
    assert page.inner_text("[data-testid=current-limit]") == "¥50000.00"
    screenshot(page, "trading-funds-policy")
    assert PurchasingPolicy.objects.get(organisation=unit.org).approval_limit == Decimal("50000")
    page.click("[data-testid=logout]")

    login(page, unit.buyer.username, PASSWORD)
    page.goto(page.base_url + "/trading/our-funds/")
    page.wait_for_selector("[data-testid=sources]")
    assert page.locator("[data-testid=source-row]").count() == 2
    assert page.inner_text("[data-testid=approval-limit]") == "¥50000.00"
    assert page.locator("main form").count() == 0
    screenshot(page, "trading-funds-our-funds")
    page.click(f"[data-line='{unit.source.budget_line}'] a")
    page.wait_for_selector("[data-testid=ledger]")
    assert page.locator("[data-testid=amount-form]").count() == 0
    assert page.locator("[data-kind=reserve]").count() == 1
    screenshot(page, "trading-funds-source-readonly")
