"""After-sales pages: the order panel (rating form, tickets, open form), the tickets list with
overdue highlighting and the supervisors' filter, the ticket page's forms by role, errors at
the field, and the ratings on the supplier directory."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from govmall.accounts.roles import OrgKind, Role
from govmall.core.calendar import TZ
from govmall.trading.models import Evaluation, OrderState, Ticket, TicketState
from govmall.trading.services_evaluations import evaluation_submit
from govmall.trading.services_tickets import ticket_escalate, ticket_open
from govmall.trading.views_aftersales import order_panel
from tests.factories import make_org, make_user
from tests.permissions import client_for
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


@pytest.fixture
def deal():
    unit = make_unit()
    seller = make_seller(stock=50)
    order = make_order(unit, [(seller.listing, 2)], state=OrderState.ACCEPTED)
    return unit, seller, order


def _panel(user, order):
    request = RequestFactory().get("/trading/orders/x/")
    request.user = user
    return order_panel(request, order)


def test_panel_context_by_viewer_and_state(deal):
    unit, seller, order = deal
    buyer_panel = _panel(unit.buyer, order)
    assert buyer_panel is not None
    assert buyer_panel["eval_form"] is not None and buyer_panel["open_form"] is not None
    assert buyer_panel["ratings"]["count"] == 0
    supplier_panel = _panel(seller.admin, order)
    assert supplier_panel["eval_form"] is None and supplier_panel["open_form"] is None
    approver_panel = _panel(unit.approver, order)
    assert approver_panel["eval_form"] is None and approver_panel["open_form"] is None
    placed = make_order(unit, [(seller.listing, 1)], state=OrderState.PLACED)
    assert _panel(unit.buyer, placed) is None
    delivered = make_order(unit, [(seller.listing, 1)], state=OrderState.DELIVERED)
    delivered_panel = _panel(unit.buyer, delivered)
    assert delivered_panel["eval_form"] is None
    assert delivered_panel["rating_later"] is True
    assert delivered_panel["open_form"] is not None


def test_rate_on_the_order_page(deal):
    unit, _seller, order = deal
    client = client_for(unit.buyer)
    page = client.get(reverse("trading:order_aftersales", args=[order.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="evaluation-form"' in html
    assert 'data-testid="ticket-open-form"' in html
    bad = client.post(
        reverse("trading:evaluation_submit", args=[order.number]),
        {"quality": "5", "delivery": "9", "service": "4", "comment": "好"},
    )
    assert bad.status_code == 400
    assert 'id="error-delivery"' in bad.content.decode()
    assert not Evaluation.objects.exists()
    done = client.post(
        reverse("trading:evaluation_submit", args=[order.number]),
        {
            "quality": "5",
            "delivery": "4",
            "service": "4",
            "comment": "好",
            "next": "/trading/tickets/",
        },
    )
    assert (done.status_code, done["Location"]) == (302, "/trading/tickets/")
    evaluation = Evaluation.objects.get()
    assert (evaluation.quality, evaluation.delivery, evaluation.service) == (5, 4, 4)
    html = client.get(reverse("trading:order_aftersales", args=[order.number])).content.decode()
    assert 'data-testid="evaluation"' in html
    assert 'data-testid="evaluation-form"' not in html
    assert 'data-testid="rating-overall">4.33<' in html
    # A second rating (stale form): refused above the page, nothing changed.
    again = client.post(
        reverse("trading:evaluation_submit", args=[order.number]),
        {"quality": "1", "delivery": "1", "service": "1"},
    )
    assert again.status_code == 302
    assert Evaluation.objects.get().quality == 5
    offsite = client.post(
        reverse("trading:evaluation_submit", args=[order.number]),
        {"quality": "1", "delivery": "1", "service": "1", "next": "https://evil.example/"},
    )
    assert not offsite["Location"].startswith("https://evil")


def test_pages_refuse_outsiders(deal):
    _unit, seller, order = deal
    other = make_unit(name="其他单位")
    client = client_for(other.buyer)
    assert client.get(reverse("trading:order_aftersales", args=[order.number])).status_code == 404
    assert (
        client.post(
            reverse("trading:evaluation_submit", args=[order.number]),
            {"quality": "5", "delivery": "5", "service": "5"},
        ).status_code
        == 404
    )
    assert (
        client_for(seller.admin)
        .post(
            reverse("trading:evaluation_submit", args=[order.number]),
            {"quality": "5", "delivery": "5", "service": "5"},
        )
        .status_code
        == 403
    )
    assert not Evaluation.objects.exists()
    anonymous = client_for(None).get(reverse("trading:tickets"))
    assert anonymous.status_code == 302


def test_open_ticket_on_the_page(deal):
    unit, _seller, order = deal
    client = client_for(unit.buyer)
    url = reverse("trading:ticket_open", args=[order.number])
    bad = client.post(url, {"kind": "repair", "description": ""})
    assert bad.status_code == 400
    assert 'id="error-description"' in bad.content.decode()
    line = order.lines.get()
    done = client.post(url, {"kind": "repair", "line_id": str(line.pk), "description": "不出纸"})
    ticket = Ticket.objects.get()
    assert (done.status_code, done["Location"]) == (
        302,
        reverse("trading:ticket_detail", args=[ticket.number]),
    )
    assert ticket.line_id == line.pk


def test_ticket_page_forms_by_role(deal):
    unit, seller, order = deal
    with time_machine.travel(MONDAY, tick=False):
        ticket = ticket_open(
            actor=unit.buyer, number=order.number, kind="repair", description="不出纸"
        )
        url = reverse("trading:ticket_detail", args=[ticket.number])
        supplier_html = client_for(seller.admin).get(url).content.decode()
        assert 'data-testid="action-respond"' in supplier_html
        assert 'data-testid="action-resolve"' not in supplier_html
        buyer_html = client_for(unit.buyer).get(url).content.decode()
        assert 'data-testid="action-resolve"' in buyer_html
        assert 'data-testid="action-escalate"' not in buyer_html
        assert 'data-testid="escalate-later"' in buyer_html
        assert 'data-testid="action-respond"' not in buyer_html
        early = client_for(unit.buyer).post(
            reverse("trading:ticket_escalate", args=[ticket.number]), {"reason": "x"}
        )
        assert (early.status_code, early["Location"]) == (302, url)
        empty = client_for(seller.admin).post(
            reverse("trading:ticket_respond", args=[ticket.number]), {"response": ""}
        )
        assert empty.status_code == 400
        assert 'id="error-response-respond"' in empty.content.decode()
        assert (
            client_for(unit.buyer)
            .post(reverse("trading:ticket_respond", args=[ticket.number]), {"response": "x"})
            .status_code
            == 403
        )
        sent = client_for(seller.admin).post(
            reverse("trading:ticket_respond", args=[ticket.number]), {"response": "明天上门"}
        )
        assert sent.status_code == 302
        buyer_html = client_for(unit.buyer).get(url).content.decode()
        for action in ("resolve", "reopen", "escalate"):
            assert f'data-testid="action-{action}"' in buyer_html
        assert (
            client_for(unit.buyer)
            .post(reverse("trading:ticket_escalate", args=[ticket.number]), {"reason": "不满意"})
            .status_code
            == 302
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert (
        client_for(unit.buyer)
        .post(reverse("trading:ticket_detail", args=[ticket.number]) + "unknown/", {})
        .status_code
        == 404
    )


def test_tickets_list_overdue_and_supervisor_filter(deal):
    unit, seller, order = deal
    operator = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))
    with time_machine.travel(MONDAY, tick=False):
        late = ticket_open(actor=unit.buyer, number=order.number, kind="repair", description="a")
    with time_machine.travel(datetime(2026, 3, 5, 9, tzinfo=TZ), tick=False):
        fresh = ticket_open(actor=unit.buyer, number=order.number, kind="return", description="b")
        html = client_for(unit.buyer).get(reverse("trading:tickets")).content.decode()
        rows = re.findall(
            r'<tr( class="is-overdue")? data-testid="ticket-row">(.*?)</tr>', html, re.S
        )
        # Most urgent first; the overdue one highlighted.
        assert [(bool(mark), late.number in body, fresh.number in body) for mark, body in rows] == [
            (True, True, False),
            (False, False, True),
        ]
        supplier_html = client_for(seller.admin).get(reverse("trading:tickets") + "?tab=overdue")
        assert late.number in supplier_html.content.decode()
        assert fresh.number not in supplier_html.content.decode()
        ticket_escalate(actor=unit.buyer, number=late.number, reason="超期")
        supervised = client_for(operator).get(reverse("trading:tickets")).content.decode()
        assert late.number in supervised and fresh.number not in supervised
        everything = client_for(operator).get(reverse("trading:tickets") + "?tab=all")
        assert fresh.number in everything.content.decode()
        assert (
            client_for(operator)
            .get(reverse("trading:ticket_detail", args=[late.number]))
            .status_code
            == 200
        )


def test_directory_shows_ratings(deal):
    unit, _seller, order = deal
    evaluation_submit(actor=unit.buyer, number=order.number, quality=5, delivery=4, service=3)
    html = client_for(None).get(reverse("suppliers:directory")).content.decode()
    assert "<strong>4.00</strong> / 5" in html
    assert "quality 5.00 · delivery 4.00 · service 3.00 (1 rating)" in html


def test_panel_on_the_order_page(deal):
    unit, seller, order = deal
    evaluation_submit(actor=unit.buyer, number=order.number, quality=4, delivery=4, service=5)
    ticket = ticket_open(actor=unit.buyer, number=order.number, kind="repair", description="a")
    url = reverse("trading:order_detail", args=[order.number])
    buyer_html = client_for(unit.buyer).get(url).content.decode()
    assert 'data-testid="aftersales-panel"' in buyer_html
    assert 'data-testid="rating-overall">4.33<' in buyer_html
    assert ticket.number in buyer_html
    assert 'data-testid="ticket-open-form"' in buyer_html
    supplier_html = client_for(seller.admin).get(url).content.decode()
    assert 'data-testid="aftersales-panel"' in supplier_html
    assert 'data-testid="ticket-open-form"' not in supplier_html
