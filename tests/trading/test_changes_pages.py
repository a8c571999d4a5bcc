"""Pages of returns and terminations: the request form (errors at the field), the lists, the
detail page's actions for each side, the operator's queue with overdue highlighting, and the
order-page panel."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from govmall.catalog.models import Listing
from govmall.core.calendar import TZ
from govmall.trading.models import ChangeRequest, ChangeState
from govmall.trading.services_changes import change_agree, change_object, change_request
from govmall.trading.views_changes import order_panel
from tests.permissions import client_for
from tests.trading.test_changes_world import line_ids, make_world, order_of, stock_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def world():
    return make_world()


def ask(world, order, **kw):
    return change_request(
        actor=world.unit.buyer, number=order.number, kind="return", reason="need_changed", **kw
    )


def test_request_form_partial_return(world):
    order = order_of(world)
    first, second = line_ids(order)
    client = client_for(world.unit.buyer)
    url = reverse("trading:change_new", args=[order.number])
    page = client.get(url)
    assert page.status_code == 200 and f'name="qty_{second}"' in page.text
    response = client.post(
        url,
        {"scope": "partial", "reason": "need_changed", f"qty_{first}": "0", f"qty_{second}": "2"},
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "trading:change_detail", args=[change.number]
    )
    assert list(change.lines.values_list("line_id", "quantity")) == [(second, 2)]


def test_request_form_errors_at_the_field(world):
    order = order_of(world)
    client = client_for(world.unit.buyer)
    url = reverse("trading:change_new", args=[order.number])
    page = client.post(url, {"scope": "whole", "reason": "other", "reason_text": ""})
    assert page.status_code == 200 and 'data-testid="error-reason_text"' in page.text
    page = client.post(url, {"scope": "partial", "reason": "need_changed"})
    assert 'data-testid="error-lines"' in page.text
    assert "Choose at least one line to return." in page.text
    first = line_ids(order)[0]
    page = client.post(url, {"scope": "partial", "reason": "need_changed", f"qty_{first}": "9"})
    assert page.status_code == 200 and "less than or equal to 3" in page.text
    assert ChangeRequest.objects.count() == 0


def test_request_form_refused_to_others(world):
    order = order_of(world)
    url = reverse("trading:change_new", args=[order.number])
    assert client_for(world.seller.admin).get(url).status_code == 403
    assert client_for(world.other_unit.buyer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_supplier_list_and_agree_from_it(world):
    change = ask(world, order_of(world))
    client = client_for(world.seller.admin)
    page = client.get(reverse("trading:changes"))
    assert change.number in page.text and f'data-testid="agree-{change.number}"' in page.text
    response = client.post(
        reverse("trading:change_detail", args=[change.number]),
        {"action": "agree", "next": reverse("trading:changes")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("trading:changes")
    assert ChangeRequest.objects.get().state == ChangeState.AWAITING_VERIFICATION


def test_object_on_the_detail_page_needs_text(world):
    change = ask(world, order_of(world))
    client = client_for(world.seller.admin)
    url = reverse("trading:change_detail", args=[change.number])
    page = client.post(url, {"action": "object", "objection": ""})
    assert page.status_code == 200 and 'data-testid="error-objection"' in page.text
    client.post(url, {"action": "object", "objection": "货已发出"})
    assert ChangeRequest.objects.get().state == ChangeState.DISPUTED


def test_detail_actions_per_viewer(world):
    change = ask(world, order_of(world))
    url = reverse("trading:change_detail", args=[change.number])
    buyer_page = client_for(world.unit.buyer).get(url).text
    assert 'data-testid="withdraw"' in buyer_page and 'data-testid="agree"' not in buyer_page
    change_agree(actor=world.seller.admin, number=change.number)
    owner_page = client_for(world.reviewer).get(url).text
    assert 'data-testid="approve"' in owner_page and 'data-testid="reject"' in owner_page
    regional_page = client_for(world.regional).get(url).text
    assert 'data-testid="approve"' not in regional_page
    assert 'data-testid="read-only"' in regional_page
    assert client_for(world.other_operator).get(url).status_code == 404
    # a supervisor above posting anyway is refused and nothing changes
    response = client_for(world.regional).post(url, {"action": "approve", "reasons": ""})
    assert response.status_code == 403
    assert ChangeRequest.objects.get().state == ChangeState.AWAITING_VERIFICATION


def test_reject_on_the_detail_page_needs_reasons_then_approve(world):
    change = change_agree(actor=world.seller.admin, number=ask(world, order_of(world)).number)
    client = client_for(world.reviewer)
    url = reverse("trading:change_detail", args=[change.number])
    page = client.post(url, {"action": "reject", "reasons": ""})
    assert 'data-testid="error-reasons"' in page.text
    response = client.post(url, {"action": "approve", "reasons": "核验通过"})
    assert response.status_code == 302
    assert stock_of(world.seller.listing) == 10
    page = client.get(url).text
    assert f'data-testid="stock-{line_ids(change.order)[0]}">10<' in page


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_queue_sorted_by_deadline_with_overdue_highlighted(world):
    Listing.objects.filter(pk=world.seller.listing.pk).update(stock=100)
    with time_machine.travel(at("2026-05-13T10:00:00"), tick=False):
        early = change_agree(actor=world.seller.admin, number=ask(world, order_of(world)).number)
    with time_machine.travel(at("2026-05-15T10:00:00"), tick=False):
        late = change_agree(actor=world.seller.admin, number=ask(world, order_of(world)).number)
        disputed = ask(world, order_of(world))
        change_object(actor=world.seller.admin, number=disputed.number, objection="不同意")
        waiting = ask(world, order_of(world))
    with time_machine.travel(at("2026-05-15T12:00:00"), tick=False):
        page = client_for(world.reviewer).get(reverse("trading:change_queue")).text
        regional = client_for(world.regional).get(reverse("trading:change_queue")).text
        refused = client_for(world.unit.buyer).get(reverse("trading:change_queue"))
    owned = page.split('data-testid="queue"')[1].split("</table>")[0]
    assert owned.index(early.number) < owned.index(late.number)
    assert owned.count('class="is-overdue"') == 1  # early: due 2026-05-14 23:59:59
    assert 'data-testid="overdue-count"' in page
    assert waiting.number not in owned
    assert disputed.number in page.split('data-testid="disputed"')[1]
    others = regional.split('data-testid="others"')[1]
    assert early.number in others and waiting.number in others
    assert refused.status_code == 403


def test_order_panel(world):
    order = order_of(world)
    request = RequestFactory().get("/")
    request.user = world.unit.buyer
    context = order_panel(request, order)
    assert context is not None and context["change_form"] is not None
    request.user = world.seller.admin
    assert order_panel(request, order) is None
    change = ask(world, order)
    context = order_panel(request, order)
    assert context["changes"] == [change] and context["change_form"] is None
    request.user = world.unit.buyer
    context = order_panel(request, order)
    assert context["open_change"] == change and context["change_form"] is None
    from django.template.loader import render_to_string

    html = render_to_string("trading/changes/_order_panel.html", {"order": order, **context})
    assert change.number in html
