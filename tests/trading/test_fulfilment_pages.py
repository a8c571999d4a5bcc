"""The fulfilment pages: the order's fulfilment page and its forms (errors at the field), the
order-page panel, the supplier's fulfilment list and the buyer's acceptance list."""

from __future__ import annotations

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from govmall.accounts.roles import Role
from govmall.trading.models import OrderState
from govmall.trading.views_fulfilment import order_panel
from tests.factories import make_user
from tests.permissions import client_for, database_fingerprint
from tests.trading.test_fulfilment_support import accepted, at, delivered, make_deal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        yield traveller


def _url(deal) -> str:
    return reverse("trading:order_fulfilment", args=[deal.number])


def test_supplier_ships_and_delivers_through_the_page() -> None:
    deal = make_deal()
    client = client_for(deal.seller.admin)
    page = client.get(_url(deal)).content.decode()
    assert 'data-testid="form-ship"' in page
    assert 'data-testid="form-accept"' not in page
    response = client.post(_url(deal), {"action": "ship", "ship-note_number": "YT-9"})
    assert response.status_code == 302
    assert response["Location"] == _url(deal)
    # Delivering without the delivery note: the error is at the field, nothing changes.
    before = database_fingerprint()
    response = client.post(_url(deal), {"action": "deliver", "deliver-note_number": ""})
    assert response.status_code == 200
    assert 'data-testid="error-deliver-note_number"' in response.content.decode()
    assert database_fingerprint() == before
    response = client.post(
        _url(deal), {"action": "deliver", "deliver-note_number": "SD-7", "back": "order"}
    )
    assert response.status_code == 302
    assert deal.refresh().state == OrderState.DELIVERED


def test_buyer_accepts_and_pays_through_the_page_with_errors_at_the_field() -> None:
    deal = make_deal()
    delivered(deal)
    client = client_for(deal.unit.buyer)
    page = client.get(_url(deal)).content.decode()
    for form in ("accept", "invoice", "payment"):
        assert f'data-testid="form-{form}"' in page
    assert 'data-testid="form-ship"' not in page
    response = client.post(_url(deal), {"action": "accept", "accept-result": "failed"})
    assert 'data-testid="error-accept-reasons"' in response.content.decode()
    assert deal.refresh().state == OrderState.DELIVERED
    client.post(_url(deal), {"action": "accept", "accept-result": "passed"})
    assert deal.refresh().state == OrderState.ACCEPTED
    response = client.post(
        _url(deal),
        {
            "action": "payment",
            "payment-amount": "2500.00",
            "payment-paid_on": "2026-03-02",
            "payment-voucher": "PZ",
        },
    )
    body = response.content.decode()
    assert 'data-testid="error-payment-amount"' in body
    assert "2500.00 yuan is more than the 2000.00 yuan still to pay." in body
    response = client.post(
        _url(deal),
        {
            "action": "invoice",
            "invoice-invoice_number": "88",
            "invoice-amount": "2000.00",
            "invoice-issued_on": "2026-03-09",
        },
    )
    assert 'data-testid="error-invoice-issued_on"' in response.content.decode()
    client.post(
        _url(deal),
        {
            "action": "payment",
            "payment-amount": "2000.00",
            "payment-paid_on": "2026-03-02",
            "payment-voucher": "PZ",
        },
    )
    order = deal.refresh()
    assert order.state == OrderState.COMPLETED
    page = client.get(_url(deal)).content.decode()
    assert 'data-testid="completed-at"' in page
    assert 'data-testid="form-payment"' not in page


def test_pages_refuse_strangers_and_the_wrong_side() -> None:
    deal = make_deal()
    other = make_deal()
    assert client_for(other.unit.buyer).get(_url(deal)).status_code == 404
    assert client_for(None).get(_url(deal)).status_code == 302  # to the login page
    buyer = client_for(deal.unit.buyer)
    before = database_fingerprint()
    response = buyer.post(_url(deal), {"action": "ship"})
    assert response.status_code == 403
    response = buyer.post(_url(deal), {"action": "nonsense"})
    assert response.status_code == 404
    assert database_fingerprint() == before
    assert client_for(deal.unit.buyer).get(reverse("trading:fulfilment")).status_code == 403
    assert client_for(deal.seller.admin).get(reverse("trading:acceptance")).status_code == 403


def test_supplier_list_and_buyer_list_highlight_late_ones(frozen) -> None:
    shipping = make_deal()
    waiting = make_deal(unit=shipping.unit)
    paying = make_deal(unit=shipping.unit)
    delivered(waiting)
    delivered(paying)
    accepted(paying)
    page = client_for(shipping.seller.admin).get(reverse("trading:fulfilment")).content.decode()
    assert f'data-order="{shipping.number}"' in page
    frozen.move_to(at("2026-04-02 09:00"))
    page = client_for(shipping.unit.buyer).get(reverse("trading:acceptance")).content.decode()
    assert f'data-testid="accept-row" data-order="{waiting.number}"' in page
    # Late: the waiting order's acceptance and its payment (due 04-01 from delivery), and
    # the accepted order's payment.
    assert page.count('class="is-overdue"') == 3
    assert f'data-testid="pay-row" data-order="{paying.number}"' in page
    assert "¥2000.00" in page
    operator = make_user(Role.OPERATOR_ADMIN, division="150000")
    page = client_for(operator).get(reverse("trading:acceptance")).content.decode()
    assert f'data-order="{paying.number}"' in page
    assert f'data-order="{waiting.number}"' in page  # delivered, also past its due date


def test_order_panel_context() -> None:
    deal = make_deal()
    request = RequestFactory().get("/")
    request.user = deal.seller.admin
    assert order_panel(request, deal.order) is not None
    assert list(order_panel(request, deal.order)["forms"]) == ["ship"]
    request.user = deal.unit.buyer
    context = order_panel(request, deal.order)
    assert context["forms"] == {}
    delivered(deal)
    context = order_panel(request, deal.refresh())
    assert sorted(context["forms"]) == ["accept", "invoice", "payment"]
    assert str(context["record"]["outstanding"]) == "2000.00"
    confirmed = make_deal()
    confirmed.order.state = OrderState.CONFIRMED
    assert order_panel(request, confirmed.order) is None
