"""/api/v1/orders and /api/v1/cart: shapes, idempotency over HTTP, the permission matrix."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from govmall.catalog.models import Listing
from govmall.trading.models import CartLine, Order, OrderState, PurchasingPolicy
from tests.factories import make_user
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


def body(unit, seller, qty=2, **extra):
    data = {
        "lines": [{"listing": seller.listing.number, "quantity": qty}],
        "funding_source_id": unit.source.pk,
        "delivery_division": "150202",
        "delivery_address": "昆都仑区钢铁大街 1 号",
        "required_by": "2099-01-01",
    }
    data.update(extra)
    return data


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **headers)


def test_place_replay_and_reused_key_over_http():
    unit, seller = make_unit(), make_seller(price="1000.00")
    client = client_for(unit.buyer)
    first = post(client, "/api/v1/orders", body(unit, seller), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["state"] == "placed" and data["total"] == "2000.00"
    assert data["lines"][0]["listing"] == seller.listing.number
    assert data["lines"][0]["snapshot"]["title"] == seller.listing.title
    assert data["sme_declaration"]["declared"] is True
    assert data["required_by"] == "2099-01-01" and data["contract"] is None
    before = database_fingerprint()
    again = post(client, "/api/v1/orders", body(unit, seller), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200 and again.json()["number"] == data["number"]
    assert database_fingerprint() == before
    clash = post(client, "/api/v1/orders", body(unit, seller, 3), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "idempotency_key_reused"
    assert database_fingerprint() == before
    assert Order.objects.count() == 1


def test_placement_answer_is_the_order_as_get_shows_it():
    """The placement's answer skips ninja's response validation (`api_base.prevalidated`): it
    must be exactly what the validated GET of the same order gives, new or replayed."""
    from govmall.trading.api_orders import OrderOut

    unit, seller = make_unit(), make_seller(price="1000.00")
    client = client_for(unit.buyer)
    for status in (201, 200):
        placed = post(client, "/api/v1/orders", body(unit, seller), HTTP_IDEMPOTENCY_KEY="k-9")
        assert placed.status_code == status, placed.content
        assert placed["Content-Type"] == "application/json; charset=utf-8"
        shown = client.get(f"/api/v1/orders/{placed.json()['number']}")
        assert shown.status_code == 200
        assert placed.json() == shown.json()
        assert OrderOut.model_validate(placed.json()).number == placed.json()["number"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"lines": "x"}, 400, "no_lines"),
        ({"lines": [{"listing": 5, "quantity": 1}]}, 409, "listing_not_available"),
        ({"lines": [{"listing": "LST-X", "quantity": "abc"}]}, 400, "invalid_quantity"),
        ({"funding_source_id": None}, 400, "invalid_funding_source"),
        ({"delivery_division": 150202}, 400, "unknown_division"),
        ({"delivery_address": ["x"]}, 400, "invalid"),
        ({"required_by": "2026-02-30"}, 400, "invalid_date"),
        ({"note": "x" * 5000}, 400, "too_long"),
    ],
)
def test_bad_input_is_a_clear_error(change, status, code):
    unit, seller = make_unit(), make_seller()
    response = post(client_for(unit.buyer), "/api/v1/orders", body(unit, seller, **change))
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert Order.objects.count() == 0


def test_place_matrix():
    unit, seller = make_unit(), make_seller(stock=10)
    other = make_unit()
    actors = {
        "anonymous": None,
        "approver": unit.approver,
        "supplier": seller.admin,
        "other unit buyer": other.buyer,
        "buyer": unit.buyer,
    }
    check_matrix(
        lambda c: post(c, "/api/v1/orders", body(unit, seller)),
        actors,
        # Another unit's buyer names this unit's funding source: refused at the field.
        {"anonymous": 401, "approver": 403, "supplier": 403, "other unit buyer": 400, "buyer": 201},
    )
    assert Listing.objects.get(pk=seller.listing.pk).stock == 8


def _actors(unit, seller):
    return {
        "anonymous": None,
        "other unit": make_unit().approver,
        "other supplier": make_seller().admin,
        "buyer": unit.buyer,
        "approver": unit.approver,
        "supplier": seller.admin,
    }


def test_transition_matrices():
    unit, seller = make_unit(), make_seller()
    actors = _actors(unit, seller)
    PurchasingPolicy.objects.create(
        organisation=unit.org, approval_limit=Decimal("1.00"), updated_at=timezone.now()
    )

    def new_pending():
        response = post(client_for(unit.buyer), "/api/v1/orders", body(unit, seller, 1))
        return response.json()["number"]

    number = new_pending()
    check_matrix(
        lambda c: post(c, f"/api/v1/orders/{number}/approve"),
        actors,
        {
            "anonymous": 401,
            "other unit": 404,
            "other supplier": 404,
            "buyer": 403,
            "supplier": 403,
            "approver": 200,
        },
    )
    number = new_pending()
    check_matrix(
        lambda c: post(c, f"/api/v1/orders/{number}/reject", {"reason": "超预算"}),
        actors,
        {
            "anonymous": 401,
            "other unit": 404,
            "other supplier": 404,
            "buyer": 403,
            "supplier": 403,
            "approver": 200,
        },
    )
    number = new_pending()
    check_matrix(
        lambda c: post(c, f"/api/v1/orders/{number}/cancel", {"reason": "不要了"}),
        actors,
        {
            "anonymous": 401,
            "other unit": 404,
            "other supplier": 404,
            "approver": 403,
            "supplier": 403,
            "buyer": 200,
        },
    )


def test_supplier_matrices():
    unit, seller = make_unit(), make_seller()
    actors = _actors(unit, seller)
    order = make_order(unit, [(seller.listing, 1)])
    check_matrix(
        lambda c: post(c, f"/api/v1/orders/{order.number}/confirm"),
        actors,
        {
            "anonymous": 401,
            "other unit": 404,
            "other supplier": 404,
            "buyer": 403,
            "approver": 403,
            "supplier": 200,
        },
    )
    detail = client_for(unit.buyer).get(f"/api/v1/orders/{order.number}").json()
    assert detail["state"] == "confirmed" and detail["contract"].startswith("CON-")
    again = post(client_for(seller.admin), f"/api/v1/orders/{order.number}/confirm")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    second = make_order(unit, [(seller.listing, 1)])
    check_matrix(
        lambda c: post(c, f"/api/v1/orders/{second.number}/decline", {"reason": "缺货"}),
        actors,
        {
            "anonymous": 401,
            "other unit": 404,
            "other supplier": 404,
            "buyer": 403,
            "approver": 403,
            "supplier": 200,
        },
    )


def test_read_matrix_and_list_filters():
    unit, seller = make_unit(), make_seller()
    order = make_order(unit, [(seller.listing, 1)])
    make_order(unit, [(seller.listing, 1)], state=OrderState.CONFIRMED)
    actors = _actors(unit, seller)
    check_matrix(
        lambda c: c.get(f"/api/v1/orders/{order.number}"),
        actors,
        {
            "anonymous": 401,
            "other unit": 404,
            "other supplier": 404,
            "buyer": 200,
            "approver": 200,
            "supplier": 200,
        },
    )
    client = client_for(unit.buyer)
    page = client.get("/api/v1/orders?state=placed").json()
    assert page["count"] == 1 and page["results"][0]["number"] == order.number
    assert client.get("/api/v1/orders").json()["count"] == 2
    assert client_for(make_unit().buyer).get("/api/v1/orders").json()["count"] == 0
    assert client.get("/api/v1/orders?state=nope").json()["error"]["code"] == "invalid_state"
    assert client.get("/api/v1/orders/ORD-NOPE").status_code == 404


def test_cart_api_and_checkout():
    unit, seller = make_unit(), make_seller(price="100.00")
    other = make_seller(price="7.50")
    client = client_for(unit.buyer)
    put = client.put(
        f"/api/v1/cart/{seller.listing.number}",
        json.dumps({"quantity": 3}),
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["total"] == "300.00"
    client.put(
        f"/api/v1/cart/{other.listing.number}",
        json.dumps({"quantity": 2}),
        content_type="application/json",
    )
    cart = client.get("/api/v1/cart").json()
    assert [g["subtotal"] for g in cart["groups"]] == ["300.00", "15.00"]
    assert cart["groups"][0]["over_limit"] is False
    bad = client.put(
        f"/api/v1/cart/{seller.listing.number}",
        json.dumps({"quantity": 0}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_quantity"
    assert client.delete("/api/v1/cart/LST-NOPE").status_code == 404
    checkout = {k: v for k, v in body(unit, seller).items() if k != "lines"}
    checkout["checkout_token"] = "token-12345"
    response = post(client, "/api/v1/cart/checkout", checkout)
    assert response.status_code == 201, response.content
    orders = response.json()["orders"]
    assert [o["total"] for o in orders] == ["300.00", "15.00"]
    assert CartLine.objects.filter(user=unit.buyer).count() == 0
    replay = post(client, "/api/v1/cart/checkout", checkout)
    assert [o["number"] for o in replay.json()["orders"]] == [o["number"] for o in orders]
    assert Order.objects.count() == 2


def test_cart_matrix():
    unit, seller = make_unit(), make_seller()
    actors = {
        "anonymous": None,
        "approver": unit.approver,
        "supplier": seller.admin,
        "buyer": unit.buyer,
    }
    check_matrix(
        lambda c: c.put(
            f"/api/v1/cart/{seller.listing.number}",
            json.dumps({"quantity": 1}),
            content_type="application/json",
        ),
        actors,
        {"anonymous": 401, "approver": 403, "supplier": 403, "buyer": 200},
    )
    check_matrix(
        lambda c: c.delete(f"/api/v1/cart/{seller.listing.number}"),
        actors,
        {"anonymous": 401, "approver": 403, "supplier": 403, "buyer": 200},
    )
    colleague = make_user("buyer", org=unit.org)
    CartLine.objects.create(
        user=colleague, listing=seller.listing, quantity=1, added_at=timezone.now()
    )
    # Carts are personal: a colleague's line is not mine to remove.
    assert client_for(unit.buyer).delete(f"/api/v1/cart/{seller.listing.number}").status_code == 404
