"""Browser journey: both sides read and sign a generated contract (the page posts the hash it
shows), the buyer publishes and files it, the public portal shows the public version without
contacts, and the print view renders the full text on an A4 sheet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmall.accounts.roles import OrgKind
from govmall.trading.models import ContractState, OrderState
from govmall.trading.services_contracts import contract_generate
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_org
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page) -> None:
    page.click("[data-testid=logout]")


def test_sign_publish_file_and_public_page(page):
    make_org(OrgKind.REGULATOR, division="150200", name="包头市财政局")
    unit = make_unit(name="包头市东河区教育局")
    seller = make_seller(price="1230.00", stock=50, name="内蒙古草原办公设备有限公司")
    order = make_order(unit, [(seller.listing, 10)], state=OrderState.CONFIRMED)
    contract = contract_generate(order=order, actor=seller.admin)
    detail = page.base_url + reverse("trading:contract_detail", args=[contract.number])

    login(page, unit.buyer.username, PASSWORD)
    page.goto(detail)
    assert page.text_content("[data-testid=total-in-words]").strip() == "壹万贰仟叁佰元整"
    shown = page.text_content("[data-testid=text-sha256]").strip()
    assert shown == contract.text_sha256
    assert "李四" in page.text_content("[data-testid=contract-text]")
    screenshot(page, "trading-contract-to-sign")
    page.click("[data-testid=sign-contract]")
    page.wait_for_selector("[data-testid=awaiting-other]")
    assert page.locator("[data-testid=signature]").count() == 1
    _logout(page)

    login(page, seller.admin.username, PASSWORD)
    page.goto(detail)
    page.click("[data-testid=sign-contract]")
    page.wait_for_selector("[data-testid=contract-state][data-state=signed]")
    assert page.locator("[data-testid=signature]").count() == 2
    assert page.locator("[data-testid=publish-contract]").count() == 0
    _logout(page)

    login(page, unit.buyer.username, PASSWORD)
    page.goto(detail)
    page.click("[data-testid=publish-contract]")
    page.wait_for_selector("[data-testid=public-link]")
    page.click("[data-testid=file-contract]")
    page.wait_for_selector("[data-testid=file-status] .tag-ok")
    screenshot(page, "trading-contract-signed-published-filed")
    contract.refresh_from_db()
    order.refresh_from_db()
    assert contract.state == ContractState.SIGNED
    assert contract.published_at is not None and contract.filed_at is not None
    assert order.state == OrderState.CONTRACTED

    page.goto(page.base_url + reverse("trading:contracts"))
    assert page.locator(f"[data-testid=contract-row][data-number='{contract.number}']").count()
    screenshot(page, "trading-contracts-list")

    page.goto(page.base_url + reverse("trading:contract_print", args=[contract.number]))
    assert page.text_content("[data-testid=print-sha256]").strip() == contract.text_sha256
    assert page.locator("[data-testid=print-signature]").count() == 2
    screenshot(page, "trading-contract-print")
    page.emulate_media(media="print")
    assert not page.is_visible("[data-testid=print-button]")
    page.emulate_media(media="screen")
    page.click("[data-testid=back-to-contract]")
    page.wait_for_selector("[data-testid=contract-number]")
    _logout(page)

    page.goto(page.base_url + reverse("trading_public:contracts"))
    page.click(f"[data-testid=public-contract-row][data-number='{contract.number}'] a")
    page.wait_for_selector("[data-testid=public-text]")
    public = page.text_content("main")
    assert "壹万贰仟叁佰元整" in public and seller.supplier.credit_code in public
    for secret in ("李四", "0472-1234567", "王五", "0472-7654321", "钢铁大街"):
        assert secret not in public
    screenshot(page, "trading-contract-public")
