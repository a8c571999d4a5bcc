"""/api/v1/orders/{number}/ship|deliver|accept|invoices|payments|fulfilment: the whole flow
over HTTP with exact values, and each endpoint's permission matrix (refused calls change
nothing)."""

from __future__ import annotations

import json

import pytest
import time_machine

from govmall.accounts.roles import Role
from tests.factories import make_user
from tests.permissions import check_matrix, client_for
from tests.trading.test_fulfilment_support import Deal, accepted, at, delivered, make_deal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        yield traveller


def _post(client, path: str, body: dict):
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


def _actors(deal: Deal, right: str) -> dict:
    """Everyone but the right actor first; the right one last (its call changes state)."""
    other = make_deal()
    everyone = {
        "anonymous": None,
        "approver": deal.unit.approver,
        "other unit's buyer": other.unit.buyer,
        "other supplier": other.seller.admin,
        "operator": make_user(Role.OPERATOR_ADMIN, division="150000"),
        "buyer": deal.unit.buyer,
        "supplier": deal.seller.admin,
    }
    wrong_side = "buyer" if right == "supplier" else "supplier"
    ordered = {k: v for k, v in everyone.items() if k not in (right, wrong_side)}
    ordered[wrong_side] = everyone[wrong_side]
    ordered[right] = everyone[right]
    return ordered


def _expected(right: str, status: int) -> dict:
    wrong_side = "buyer" if right == "supplier" else "supplier"
    return {
        "anonymous": 401,
        "approver": 403,
        "other unit's buyer": 404,
        "other supplier": 404,
        "operator": 403,
        wrong_side: 403,
        right: status,
    }


def test_ship_matrix() -> None:
    deal = make_deal()
    path = f"/orders/{deal.number}/ship"
    check_matrix(
        lambda c: _post(c, path, {"note_number": "YT1"}),
        _actors(deal, "supplier"),
        _expected("supplier", 200),
    )
    assert deal.refresh().state == "shipped"


def test_deliver_matrix() -> None:
    deal = make_deal()
    from govmall.trading.services_fulfilment import order_ship

    order_ship(actor=deal.seller.admin, number=deal.number)
    path = f"/orders/{deal.number}/deliver"
    check_matrix(
        lambda c: _post(c, path, {"note_number": "SD-1"}),
        _actors(deal, "supplier"),
        _expected("supplier", 200),
    )
    assert deal.refresh().state == "delivered"


def test_accept_matrix() -> None:
    deal = make_deal()
    delivered(deal)
    path = f"/orders/{deal.number}/accept"
    check_matrix(
        lambda c: _post(c, path, {"passed": True}), _actors(deal, "buyer"), _expected("buyer", 200)
    )
    assert deal.refresh().state == "accepted"


def test_invoice_matrix() -> None:
    deal = make_deal()
    delivered(deal)
    path = f"/orders/{deal.number}/invoices"
    body = {"invoice_number": "0001", "amount": "100.00", "issued_on": "2026-03-02"}
    check_matrix(lambda c: _post(c, path, body), _actors(deal, "buyer"), _expected("buyer", 201))
    assert deal.order.invoices.count() == 1


def test_payment_matrix() -> None:
    deal = make_deal()
    delivered(deal)
    path = f"/orders/{deal.number}/payments"
    body = {"amount": "100.00", "paid_on": "2026-03-02", "voucher": "PZ"}
    check_matrix(lambda c: _post(c, path, body), _actors(deal, "buyer"), _expected("buyer", 201))
    assert str(deal.refresh().paid_total) == "100.00"


def test_fulfilment_read_matrix() -> None:
    deal = make_deal()
    other = make_deal()
    actors = {
        "anonymous": None,
        "other unit's buyer": other.unit.buyer,
        "other supplier": other.seller.admin,
        "operator of another region": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "approver": deal.unit.approver,
        "operator": make_user(Role.OPERATOR_ADMIN, division="150000"),
        "supplier": deal.seller.admin,
    }
    expected = {
        "anonymous": 401,
        "other unit's buyer": 404,
        "other supplier": 404,
        "operator of another region": 200,
        "approver": 200,
        "operator": 200,
        "supplier": 200,
    }
    # 150200 (Baotou) covers the unit's 150202: an operator there supervises it too.
    check_matrix(lambda c: c.get(f"/api/v1/orders/{deal.number}/fulfilment"), actors, expected)


def test_the_flow_over_http() -> None:
    deal = make_deal()
    supplier, buyer = client_for(deal.seller.admin), client_for(deal.unit.buyer)
    base = f"/orders/{deal.number}"
    assert (
        _post(supplier, f"{base}/ship", {"note_number": "YT-1", "note": "顺丰"}).status_code == 200
    )
    response = _post(supplier, f"{base}/deliver", {"note_number": "SD-1"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "delivered"
    assert body["acceptance_deadline"] == "2026-03-09T15:59:59Z"
    assert body["payment_due"] == "2026-04-01T15:59:59Z"
    assert body["payment_late"] is False
    assert [(d["kind"], d["note_number"]) for d in body["deliveries"]] == [
        ("shipped", "YT-1"),
        ("delivered", "SD-1"),
    ]
    response = _post(buyer, f"{base}/accept", {"passed": False})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reasons_required"
    assert response.json()["error"]["details"] == {"field": "reasons"}
    response = _post(buyer, f"{base}/accept", {"passed": True})
    assert response.json()["state"] == "accepted"
    assert response.json()["accepted_at"] == "2026-03-02T02:00:00Z"
    response = _post(
        buyer,
        f"{base}/invoices",
        {"invoice_number": "44001234", "amount": "2000.00", "issued_on": "2026-03-02"},
    )
    assert response.status_code == 201
    assert response.json()["invoiced_total"] == "2000.00"
    response = _post(
        buyer, f"{base}/payments", {"amount": "2000.01", "paid_on": "2026-03-02", "voucher": "V"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_exceeds_contract"
    response = _post(
        buyer, f"{base}/payments", {"amount": 1500.5, "paid_on": "2026-03-02", "voucher": "V1"}
    )
    assert response.status_code == 201
    assert (response.json()["paid_total"], response.json()["outstanding"]) == ("1500.50", "499.50")
    response = _post(
        buyer, f"{base}/payments", {"amount": "499.50", "paid_on": "2026-03-02", "voucher": "V2"}
    )
    body = response.json()
    assert body["state"] == "completed"
    assert body["outstanding"] == "0.00"
    assert [p["voucher"] for p in body["payments"]] == ["V1", "V2"]
    assert deal.refresh().contract.state == "completed"


def test_bad_bodies_are_refused_not_500() -> None:
    deal = make_deal()
    delivered(deal)
    buyer = client_for(deal.unit.buyer)
    base = f"/api/v1/orders/{deal.number}"
    for path, body in (
        ("accept", {"passed": "maybe"}),
        ("accept", {}),
        ("invoices", {"invoice_number": ["x"], "amount": "1", "issued_on": "2026-03-02"}),
        ("invoices", {"invoice_number": "1", "amount": {"a": 1}, "issued_on": "2026-03-02"}),
        ("payments", {"amount": "1", "paid_on": 20260302, "voucher": "V"}),
        ("payments", {"amount": "1e999", "paid_on": "2026-03-02", "voucher": "V"}),
    ):
        response = buyer.post(
            f"{base}/{path}", data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code in (400, 422), (path, body, response.content)
        assert set(response.json()) == {"error"}
    assert (
        buyer.post(f"{base}/payments", data="{", content_type="application/json").status_code == 400
    )


def test_late_payment_shows_in_the_record(frozen) -> None:
    deal = make_deal()
    delivered(deal)
    accepted(deal)
    frozen.move_to(at("2026-04-02 00:00:01"))
    body = client_for(deal.unit.buyer).get(f"/api/v1/orders/{deal.number}/fulfilment").json()
    assert (body["payment_late"], body["outstanding"]) == (True, "2000.00")
