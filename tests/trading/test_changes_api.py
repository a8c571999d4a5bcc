"""The API of returns and terminations: shapes, errors, and the permission matrix of every
endpoint (purchaser, supplier, owning operator, operator above, other operator, regulator,
other unit, anonymous) — refused calls change nothing."""

from __future__ import annotations

import pytest

from govmall.trading.models import ChangeRequest, ChangeState
from govmall.trading.services_changes import change_agree, change_request
from tests.permissions import check_matrix, client_for
from tests.trading.test_changes_world import line_ids, make_world, order_of, stock_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def world():
    return make_world()


def actors(world, last: str):
    everyone = {
        "anonymous": None,
        "other_unit": world.other_unit.buyer,
        "other_supplier": world.other_seller.admin,
        "other_operator": world.other_operator,
        "approver": world.unit.approver,
        "buyer": world.unit.buyer,
        "supplier": world.seller.admin,
        "owning_operator": world.reviewer,
        "regional_operator": world.regional,
        "regulator": world.regulator,
    }
    ordered = {k: v for k, v in everyone.items() if k != last}
    ordered[last] = everyone[last]
    return ordered


def post(path, body=None):
    def call(client):
        return client.post(path, data=body or {}, content_type="application/json")

    return call


def ask(world, order, **kw):
    return change_request(
        actor=world.unit.buyer, number=order.number, kind="return", reason="need_changed", **kw
    )


def test_request_matrix_and_shape(world):
    order = order_of(world)
    second = line_ids(order)[1]
    body = {
        "kind": "return",
        "reason": "other",
        "reason_text": "预算调减",
        "lines": [{"line_id": second, "quantity": 2}],
    }
    responses = check_matrix(
        post(f"/api/v1/orders/{order.number}/changes", body),
        actors(world, "buyer"),
        {
            "anonymous": 401,
            "other_unit": 404,
            "other_supplier": 404,
            "other_operator": 404,
            "approver": 403,
            "supplier": 403,
            "owning_operator": 403,
            "regional_operator": 403,
            "regulator": 403,
            "buyer": 201,
        },
    )
    data = responses["buyer"].json()
    assert data["state"] == "awaiting_supplier" and data["whole"] is False
    assert data["order"] == order.number and data["reason_text"] == "预算调减"
    assert data["lines"][0]["line_id"] == second and data["lines"][0]["quantity"] == 2
    assert data["lines"][0]["unit_price"] == "250.00"
    assert data["operator"]["id"] == world.operator.pk
    assert data["verify_deadline"] is None and data["overdue"] is False


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {
                "kind": "return",
                "reason": "need_changed",
                "lines": [{"line_id": 999999, "quantity": 1}],
            },
            400,
            "unknown_line",
        ),
        ({"kind": "swap", "reason": "need_changed"}, 400, "invalid_kind"),
        ({"kind": "return", "reason": "other"}, 400, "required"),
        ({"kind": "return", "reason": 5}, 400, "invalid_reason"),
        ({"kind": "return", "reason": "other", "reason_text": ["x"]}, 400, "invalid"),
        ({"kind": "return", "reason": "need_changed", "lines": "all"}, 422, None),
    ],
)
def test_request_bad_bodies(world, body, status, code):
    order = order_of(world)
    response = client_for(world.unit.buyer).post(
        f"/api/v1/orders/{order.number}/changes", data=body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    if code:
        assert response.json()["error"]["code"] == code
    assert ChangeRequest.objects.count() == 0


def test_bad_quantity_over_the_api(world):
    order = order_of(world)
    first = line_ids(order)[0]
    response = client_for(world.unit.buyer).post(
        f"/api/v1/orders/{order.number}/changes",
        data={
            "kind": "return",
            "reason": "need_changed",
            "lines": [{"line_id": first, "quantity": 4}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "lines", "line": first, "max": 3}


def test_second_open_request_is_a_conflict(world):
    order = order_of(world)
    ask(world, order)
    response = client_for(world.unit.buyer).post(
        f"/api/v1/orders/{order.number}/changes",
        data={"kind": "terminate", "reason": "method_changed"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "change_already_open"


def test_read_matrix(world):
    change = ask(world, order_of(world))
    responses = check_matrix(
        lambda c: c.get(f"/api/v1/changes/{change.number}"),
        actors(world, "buyer"),
        {
            "anonymous": 401,
            "other_unit": 404,
            "other_supplier": 404,
            "other_operator": 404,
            "approver": 200,
            "supplier": 200,
            "owning_operator": 200,
            "regional_operator": 200,
            "regulator": 200,
            "buyer": 200,
        },
    )
    assert responses["supplier"].json()["number"] == change.number


def test_list_shows_only_visible_requests(world):
    change = ask(world, order_of(world))
    ask(world, order_of(world))
    expected = {
        "other_unit": 0,
        "other_supplier": 0,
        "other_operator": 0,
        "buyer": 2,
        "supplier": 2,
        "owning_operator": 2,
        "regional_operator": 2,
        "regulator": 2,
    }
    for label, count in expected.items():
        user = actors(world, "buyer")[label]
        data = client_for(user).get("/api/v1/changes").json()
        assert data["count"] == count, label
    data = (
        client_for(world.unit.buyer).get("/api/v1/changes", {"state": "awaiting_supplier"}).json()
    )
    assert data["count"] == 2 and data["results"][1]["number"] == change.number
    response = client_for(world.unit.buyer).get("/api/v1/changes", {"state": "nonsense"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_state"
    assert client_for(None).get("/api/v1/changes").status_code == 401


def test_withdraw_matrix(world):
    change = ask(world, order_of(world))
    check_matrix(
        post(f"/api/v1/changes/{change.number}/withdraw"),
        actors(world, "buyer"),
        {
            "anonymous": 401,
            "other_unit": 404,
            "other_supplier": 404,
            "other_operator": 404,
            "approver": 403,
            "supplier": 403,
            "owning_operator": 403,
            "regional_operator": 403,
            "regulator": 403,
            "buyer": 200,
        },
    )
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.WITHDRAWN


@pytest.mark.parametrize(("verb", "body"), [("agree", {}), ("object", {"objection": "已发货"})])
def test_supplier_answer_matrix(world, verb, body):
    change = ask(world, order_of(world))
    check_matrix(
        post(f"/api/v1/changes/{change.number}/{verb}", body),
        actors(world, "supplier"),
        {
            "anonymous": 401,
            "other_unit": 404,
            "other_supplier": 404,
            "other_operator": 404,
            "approver": 403,
            "buyer": 403,
            "owning_operator": 403,
            "regional_operator": 403,
            "regulator": 403,
            "supplier": 200,
        },
    )
    expected = ChangeState.AWAITING_VERIFICATION if verb == "agree" else ChangeState.DISPUTED
    assert ChangeRequest.objects.get(pk=change.pk).state == expected


def test_object_needs_text(world):
    change = ask(world, order_of(world))
    response = client_for(world.seller.admin).post(
        f"/api/v1/changes/{change.number}/object", data={}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["field"] == "objection"


@pytest.mark.parametrize(("verb", "body"), [("approve", {}), ("reject", {"reasons": "不同意"})])
def test_verification_matrix(world, verb, body):
    order = order_of(world)
    change = change_agree(actor=world.seller.admin, number=ask(world, order).number)
    responses = check_matrix(
        post(f"/api/v1/changes/{change.number}/{verb}", body),
        actors(world, "owning_operator"),
        {
            "anonymous": 401,
            "other_unit": 404,
            "other_supplier": 404,
            "other_operator": 404,
            "approver": 403,
            "buyer": 403,
            "supplier": 403,
            "regional_operator": 403,
            "regulator": 403,
            "owning_operator": 200,
        },
    )
    data = responses["owning_operator"].json()
    assert data["state"] == ("approved" if verb == "approve" else "rejected")
    assert stock_of(world.seller.listing) == (10 if verb == "approve" else 7)


def test_reject_without_reasons_and_approve_twice(world):
    change = change_agree(actor=world.seller.admin, number=ask(world, order_of(world)).number)
    client = client_for(world.reviewer)
    response = client.post(
        f"/api/v1/changes/{change.number}/reject", data={}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "reasons"
    assert (
        client.post(
            f"/api/v1/changes/{change.number}/approve", data={}, content_type="application/json"
        ).status_code
        == 200
    )
    again = client.post(
        f"/api/v1/changes/{change.number}/approve", data={}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
