"""In Chromium: the buyer rates an accepted order and opens an after-sales ticket; the supplier
responds; the buyer is not satisfied and escalates it, the operator sees it in its list; a
second ticket is resolved; the rating shows in the public supplier directory."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.trading.models import Evaluation, OrderState, Ticket, TicketState
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_org, make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page) -> None:
    page.click("[data-testid=logout]")


def test_rate_ticket_respond_escalate_resolve(page):
    # The first request imports every URL module; on a loaded 2-core machine that can take
    # longer than the fixture's 10 s.
    page.set_default_timeout(60_000)
    unit = make_unit(name="包头市第一中学")
    seller = make_seller(stock=20, name="包头市鹿城办公设备有限公司")
    order = make_order(unit, [(seller.listing, 2)], state=OrderState.ACCEPTED)
    operator = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))

    # The buyer rates the order and opens a ticket from the order's after-sales panel.
    login(page, unit.buyer.username, PASSWORD)
    page.goto(page.base_url + f"/trading/orders/{order.number}/aftersales/")
    panel = page.locator("[data-testid=aftersales-panel]")
    assert panel.is_visible()
    page.click("[data-testid=evaluation-submit]")  # nothing chosen: errors at the fields
    assert page.locator("#error-quality").is_visible()
    page.click("label[for=id_quality_4]")
    page.click("label[for=id_delivery_3]")
    page.click("label[for=id_service_4]")
    page.fill("textarea[name=comment]", "送货及时，安装规范。")
    screenshot(page, "aftersales-rate")
    page.click("[data-testid=evaluation-submit]")
    assert page.locator("[data-testid=evaluation]").is_visible()
    assert page.locator("[data-testid=rating-overall]").inner_text() == "4.67"
    evaluation = Evaluation.objects.get()
    assert (evaluation.quality, evaluation.delivery, evaluation.service) == (5, 4, 5)
    # The same panel on the order page.
    page.goto(page.base_url + f"/trading/orders/{order.number}/")
    assert page.locator("[data-testid=aftersales-panel] [data-testid=evaluation]").is_visible()
    screenshot(page, "aftersales-order-page")
    page.goto(page.base_url + f"/trading/orders/{order.number}/aftersales/")

    page.click("[data-testid=ticket-open] summary")
    page.select_option("select[name=kind]", "repair")
    page.select_option("select[name=line_id]", str(order.lines.get().pk))
    page.fill("textarea[name=description]", "其中一台打印机卡纸，无法打印。")
    screenshot(page, "aftersales-open-ticket")
    page.click("[data-testid=ticket-open-submit]")
    ticket = Ticket.objects.get()
    page.wait_for_url(f"**/trading/tickets/{ticket.number}/")
    assert page.locator("[data-testid=escalate-later]").is_visible()
    screenshot(page, "aftersales-ticket-opened")
    _logout(page)

    # The supplier sees it in its list and responds.
    login(page, seller.admin.username, PASSWORD)
    page.goto(page.base_url + "/trading/tickets/")
    assert page.locator("[data-testid=ticket-row]").count() == 1
    screenshot(page, "aftersales-supplier-list")
    page.click(f"text={ticket.number}")
    page.fill("textarea[name=response]", "已安排工程师明日上门维修。")
    page.click("[data-testid=submit-respond]")
    assert (
        "已安排工程师明日上门维修。" in page.locator("[data-testid=ticket-response]").inner_text()
    )
    _logout(page)

    # The buyer is not satisfied and escalates; then opens and resolves a second ticket.
    login(page, unit.buyer.username, PASSWORD)
    page.goto(page.base_url + f"/trading/tickets/{ticket.number}/")
    screenshot(page, "aftersales-ticket-responded")
    page.click("[data-testid=action-escalate] summary")
    page.click("[data-testid=submit-escalate]")  # no reason: error at the field
    assert page.locator("#error-reason-escalate").is_visible()
    page.fill("#id_escalate_reason", "上门后仍未修好，供应商不再答复。")
    page.click("[data-testid=submit-escalate]")
    assert page.locator("[data-testid=ticket-escalation]").is_visible()
    screenshot(page, "aftersales-ticket-escalated")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED

    page.goto(page.base_url + f"/trading/orders/{order.number}/aftersales/")
    page.click("[data-testid=ticket-open] summary")
    page.select_option("select[name=kind]", "replace")
    page.fill("textarea[name=description]", "外壳破损，请更换。")
    page.click("[data-testid=ticket-open-submit]")
    second = Ticket.objects.exclude(pk=ticket.pk).get()
    page.wait_for_url(f"**/trading/tickets/{second.number}/")
    page.fill("#id_resolve_resolution", "供应商已送来新机。")
    page.click("[data-testid=submit-resolve]")
    assert page.locator("[data-testid=ticket-resolution]").inner_text() == "供应商已送来新机。"
    second.refresh_from_db()
    assert second.state == TicketState.RESOLVED
    _logout(page)

    # Supervision sees the escalated ticket in its jurisdiction.
    login(page, operator.username, PASSWORD)
    page.goto(page.base_url + "/trading/tickets/")
    rows = page.locator("[data-testid=ticket-row]")
    assert rows.count() == 1
    assert ticket.number in rows.first.inner_text()
    screenshot(page, "aftersales-operator-escalated")
    _logout(page)

    # The ratings are public on the supplier's directory entry.
    page.goto(page.base_url + "/suppliers/directory/")
    row = page.locator("tr", has_text="包头市鹿城办公设备有限公司")
    rating = row.locator("[data-testid=directory-rating]")
    assert "4.67" in rating.inner_text()
    screenshot(page, "aftersales-directory-rating")
