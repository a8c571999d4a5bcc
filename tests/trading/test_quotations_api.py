"""The quotation API: the flow over HTTP and the permission matrix of every endpoint (refused
calls change nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from govmall.trading.models import Order, Quotation
from tests.factories import make_org, make_user
from tests.permissions import check_matrix, client_for
from tests.trading.factories import make_seller, make_unit
from tests.trading.test_quotations_support import (
    AFTER_CLOSE,
    T0,
    close,
    make_market,
    publish,
    quote_at,
    request_fields,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
BASE = "/api/v1/quotations"
H1 = T0 + timedelta(hours=1)


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def world():
    market = make_market(4)
    outsider = make_seller()  # another category: not invited
    other_unit = make_unit()
    actors = {
        "anonymous": None,
        "approver": market.unit.approver,
        "other_buyer": other_unit.buyer,
        "operator": make_user("operator_reviewer", org=make_org("operator", division="150200")),
        "regulator": make_user("regulator", org=make_org("regulator", division="150200")),
        "far_operator": make_user("operator_admin", org=make_org("operator", division="150100")),
        "invited": market.sellers[3].admin,
        "uninvited": outsider.admin,
    }
    return market, actors


def _with(actors, **last):
    return {**actors, **last}


def test_flow_over_http(world) -> None:
    market, _actors = world
    buyer = client_for(market.unit.buyer)
    with time_machine.travel(T0, tick=False):
        response = _post(buyer, BASE, request_fields(market))
        assert response.status_code == 201, response.content
        number = response.json()["number"]
        assert response.json()["quotes"] is None
    for i, seller in enumerate(market.sellers[:3]):
        with time_machine.travel(H1 + timedelta(minutes=i), tick=False):
            r = _post(
                client_for(seller.admin),
                f"{BASE}/{number}/quote",
                {"unit_price": f"{4000 + i}.50", "listing_number": seller.listing.number},
            )
            assert r.status_code == 201, r.content
            assert r.json()["total"] == f"{40005 + i * 10}.00"
    with time_machine.travel(H1 + timedelta(hours=1), tick=False):
        r = _post(
            client_for(market.sellers[2].admin),
            f"{BASE}/{number}/quote",
            {"unit_price": "3999.00", "listing_number": market.sellers[2].listing.number},
        )
        assert (r.status_code, r.json()["revision"]) == (200, 2)
    quotation = close(Quotation.objects.get(number=number))
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        detail = buyer.get(f"{BASE}/{number}").json()
        assert detail["state"] == "evaluating"
        assert [q["unit_price"] for q in detail["quotes"]] == ["3999.00", "4000.50", "4001.50"]
        r = _post(buyer, f"{BASE}/{number}/award")
        assert r.status_code == 200
        r = _post(client_for(market.sellers[2].admin), f"{BASE}/{number}/confirm-award")
        assert r.status_code == 201, r.content
        assert r.json()["total"] == "39990.00"
    order = Order.objects.get(quotation=quotation)
    assert buyer.get(f"{BASE}/{number}").json()["order"] == order.number


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"quantity": {"a": 1}},
        {"ceiling_total": [1]},
        {"closes_at": 5},
        {"required_attributes": "x"},
        {"title": "\u0000"},
    ],
)
def test_malformed_bodies_are_400_never_500(world, body) -> None:
    market, _ = world
    payload = body if isinstance(body, list) else request_fields(market, **body)
    with time_machine.travel(T0, tick=False):
        response = _post(client_for(market.unit.buyer), BASE, payload)
    assert response.status_code in (400, 422), response.content
    assert Quotation.objects.count() == 0


def test_matrix_publish_and_read(world) -> None:
    market, actors = world
    with time_machine.travel(T0, tick=False):
        check_matrix(
            lambda c: _post(c, BASE, request_fields(market)),
            _with(actors, buyer=market.unit.buyer),
            {
                "anonymous": 401,
                "approver": 403,
                "other_buyer": 400,  # not its unit's funds
                "operator": 403,
                "regulator": 403,
                "far_operator": 403,
                "invited": 403,
                "uninvited": 403,
                "buyer": 201,
            },
        )
        number = Quotation.objects.get().number
        read = {
            "anonymous": 401,
            "approver": 200,
            "other_buyer": 404,
            "operator": 200,
            "regulator": 200,
            "far_operator": 404,
            "invited": 200,
            "uninvited": 404,
            "buyer": 200,
        }
        check_matrix(
            lambda c: c.get(f"{BASE}/{number}"), _with(actors, buyer=market.unit.buyer), read
        )
        lists = check_matrix(
            lambda c: c.get(BASE),
            _with(actors, buyer=market.unit.buyer),
            {**read, "other_buyer": 200, "far_operator": 200, "uninvited": 200},
        )
        counts = {k: r.json()["count"] for k, r in lists.items() if k != "anonymous"}
        assert counts == {
            "approver": 1,
            "other_buyer": 0,
            "operator": 1,
            "regulator": 1,
            "far_operator": 0,
            "invited": 1,
            "uninvited": 0,
            "buyer": 1,
        }


def test_matrix_cancel(world) -> None:
    market, actors = world
    quotation = publish(market)
    with time_machine.travel(H1, tick=False):
        check_matrix(
            lambda c: _post(c, f"{BASE}/{quotation.number}/cancel", {"reason": "需求变化"}),
            _with(actors, buyer=market.unit.buyer),
            {
                "anonymous": 401,
                "approver": 403,
                "other_buyer": 404,
                "operator": 403,
                "regulator": 403,
                "far_operator": 404,
                "invited": 403,
                "uninvited": 404,
                "buyer": 200,
            },
        )


def test_matrix_quote_and_my_quote(world) -> None:
    market, actors = world
    quotation = publish(market)
    seller = market.sellers[0]
    body = {"unit_price": "4000.00", "listing_number": seller.listing.number}
    url = f"{BASE}/{quotation.number}/quote"
    with time_machine.travel(H1, tick=False):
        check_matrix(
            lambda c: _post(c, url, body),
            _with(actors, buyer=market.unit.buyer, quoting=seller.admin),
            {
                "anonymous": 401,
                "approver": 403,
                "other_buyer": 403,
                "operator": 403,
                "regulator": 403,
                "far_operator": 403,
                "invited": 400,  # not its listing
                "uninvited": 404,
                "buyer": 403,
                "quoting": 201,
            },
        )
        check_matrix(
            lambda c: c.get(f"{BASE}/{quotation.number}/my-quote"),
            _with(actors, buyer=market.unit.buyer, quoting=seller.admin),
            {
                "anonymous": 401,
                "approver": 403,
                "other_buyer": 404,
                "operator": 403,
                "regulator": 403,
                "far_operator": 404,
                "invited": 404,  # invited, no quote of its own
                "uninvited": 404,
                "buyer": 403,
                "quoting": 200,
            },
        )
    with time_machine.travel(AFTER_CLOSE - timedelta(minutes=1), tick=False):
        late_close = Quotation.objects.get(pk=quotation.pk).closes_at
    with time_machine.travel(late_close, tick=False):
        response = _post(client_for(seller.admin), url, body)
        assert (response.status_code, response.json()["error"]["code"]) == (
            409,
            "quotation_closed",
        )


def _opened(market):
    quotation = publish(market)
    for i, seller in enumerate(market.sellers[:3]):
        quote_at(H1 + timedelta(minutes=i), seller, quotation, f"{4000 + i * 100}.00")
    return close(quotation)


BUYER_ONLY = {
    "anonymous": 401,
    "approver": 403,
    "other_buyer": 404,
    "operator": 403,
    "regulator": 403,
    "far_operator": 404,
    "invited": 403,
    "uninvited": 404,
}


def test_matrix_award_disqualify_confirm_decline(world) -> None:
    market, actors = world
    quotation = _opened(market)
    quotes = list(quotation.quotes.order_by("rank"))
    n = quotation.number
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        check_matrix(
            lambda c: _post(
                c, f"{BASE}/{n}/disqualify", {"quote_id": quotes[0].pk, "reasons": "不符合"}
            ),
            _with(actors, buyer=market.unit.buyer),
            {**BUYER_ONLY, "buyer": 200},
        )
        check_matrix(
            lambda c: _post(c, f"{BASE}/{n}/award"),
            _with(actors, buyer=market.unit.buyer),
            {**BUYER_ONLY, "buyer": 200},
        )
        second = market.sellers[1].admin
        supplier_only = {
            "anonymous": 401,
            "approver": 403,
            "other_buyer": 404,
            "operator": 403,
            "regulator": 403,
            "far_operator": 404,
            "invited": 409,  # invited, but not awarded
            "uninvited": 404,
            "buyer": 403,
            "loser": 409,
        }
        check_matrix(
            lambda c: _post(c, f"{BASE}/{n}/decline-award", {"reason": "无货"}),
            _with(actors, buyer=market.unit.buyer, loser=market.sellers[2].admin, winner=second),
            {**supplier_only, "winner": 200},
        )
        third = market.sellers[2].admin
        check_matrix(
            lambda c: _post(c, f"{BASE}/{n}/confirm-award"),
            _with(actors, buyer=market.unit.buyer, loser=second, winner=third),
            {**supplier_only, "winner": 201},
        )


def test_matrix_relaunch(world) -> None:
    market, actors = world
    failed = close(publish(market))
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        check_matrix(
            lambda c: _post(
                c, f"{BASE}/{failed.number}/relaunch", {"closes_at": "2026-11-26T10:00:00"}
            ),
            _with(actors, buyer=market.unit.buyer),
            {**BUYER_ONLY, "buyer": 201},
        )
