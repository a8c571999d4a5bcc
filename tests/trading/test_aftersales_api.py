"""After-sales API: the permission matrix of every endpoint (refused calls change nothing), the
JSON shapes with exact values and the error codes."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from govmall.accounts.roles import OrgKind, Role
from govmall.core.calendar import TZ
from govmall.trading.models import Evaluation, OrderState, Ticket
from govmall.trading.services_evaluations import evaluation_submit
from govmall.trading.services_tickets import ticket_escalate, ticket_open, ticket_respond
from tests.factories import make_org, make_user
from tests.permissions import check_matrix, client_for
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

API = "/api/v1"
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


@pytest.fixture
def world():
    unit = make_unit()
    seller = make_seller(stock=50)
    order = make_order(unit, [(seller.listing, 2)], state=OrderState.ACCEPTED)
    other_unit = make_unit(name="其他单位")
    other_seller = make_seller(name="其他供应商")
    operator = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))
    far_operator = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150100"))
    regulator = make_user(Role.REGULATOR, org=make_org(OrgKind.REGULATOR, division="150200"))
    actors = {
        "anonymous": None,
        "approver": unit.approver,
        "supplier": seller.admin,
        "operator": operator,
        "regulator": regulator,
        "far_operator": far_operator,
        "other_buyer": other_unit.buyer,
        "other_supplier": other_seller.admin,
        "buyer": unit.buyer,
    }
    return {"unit": unit, "seller": seller, "order": order, "actors": actors}


def _post(path, body):
    return lambda client: client.post(API + path, body, content_type="application/json")


def _get(path):
    return lambda client: client.get(API + path)


def _ticket(world, **kw):
    return ticket_open(
        actor=world["unit"].buyer,
        number=world["order"].number,
        kind=kw.get("kind", "repair"),
        description="无法开机",
    )


def test_evaluation_matrix(world):
    number = world["order"].number
    body = {"quality": 5, "delivery": 4, "service": 4, "comment": "很好"}
    responses = check_matrix(
        _post(f"/orders/{number}/evaluation", body),
        world["actors"],
        {
            "anonymous": 401,
            "approver": 403,
            "supplier": 403,
            "operator": 403,
            "regulator": 403,
            "far_operator": 404,
            "other_buyer": 404,
            "other_supplier": 404,
            "buyer": 201,
        },
    )
    data = responses["buyer"].json()
    assert {k: data[k] for k in ("order", "quality", "delivery", "service", "comment")} == {
        "order": number,
        "quality": 5,
        "delivery": 4,
        "service": 4,
        "comment": "很好",
    }
    assert data["supplier_credit_code"] == world["seller"].supplier.credit_code
    assert Evaluation.objects.count() == 1


def test_evaluation_read_matrix(world):
    number = world["order"].number
    responses = check_matrix(
        _get(f"/orders/{number}/evaluation"),
        world["actors"],
        {
            "anonymous": 401,
            "approver": 200,
            "supplier": 200,
            "operator": 200,
            "regulator": 200,
            "far_operator": 404,
            "other_buyer": 404,
            "other_supplier": 404,
            "buyer": 200,
        },
    )
    assert responses["buyer"].json() == {"order": number, "evaluated": False, "evaluation": None}
    evaluation_submit(actor=world["unit"].buyer, number=number, quality=3, delivery=2, service=1)
    data = client_for(world["seller"].admin).get(f"{API}/orders/{number}/evaluation").json()
    assert data["evaluated"] is True
    assert (data["evaluation"]["quality"], data["evaluation"]["service"]) == (3, 1)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"quality": 0, "delivery": 4, "service": 4}, 400, "invalid_score", "quality"),
        ({"quality": 5, "delivery": "x", "service": 4}, 400, "invalid_score", "delivery"),
        ({"quality": 5, "delivery": 4}, 400, "invalid_score", "service"),
        (
            {"quality": 5, "delivery": 4, "service": 4, "comment": "x" * 1001},
            400,
            "too_long",
            "comment",
        ),
        ({"quality": 5, "delivery": 4, "service": 4, "comment": 12}, 400, "invalid", "comment"),
    ],
)
def test_evaluation_errors(world, body, status, code, field):
    number = world["order"].number
    response = client_for(world["unit"].buyer).post(
        f"{API}/orders/{number}/evaluation", body, content_type="application/json"
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == (code, field)
    assert not Evaluation.objects.exists()


def test_evaluation_state_errors(world):
    unit, seller = world["unit"], world["seller"]
    delivered = make_order(unit, [(seller.listing, 1)], state=OrderState.DELIVERED)
    client = client_for(unit.buyer)
    body = {"quality": 5, "delivery": 5, "service": 5}
    response = client.post(
        f"{API}/orders/{delivered.number}/evaluation", body, content_type="application/json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_accepted_yet")
    number = world["order"].number
    assert (
        client.post(
            f"{API}/orders/{number}/evaluation", body, content_type="application/json"
        ).status_code
        == 201
    )
    again = client.post(f"{API}/orders/{number}/evaluation", body, content_type="application/json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_evaluated")


def test_public_ratings(world):
    unit, seller = world["unit"], world["seller"]
    code = seller.supplier.credit_code
    client = client_for(None)
    assert client.get(f"{API}/suppliers/{code}/ratings").json() == {
        "credit_code": code,
        "name": seller.supplier.organisation.name,
        "count": 0,
        "quality": None,
        "delivery": None,
        "service": None,
        "overall": None,
    }
    second = make_order(unit, [(seller.listing, 1)], state=OrderState.COMPLETED)
    evaluation_submit(
        actor=unit.buyer, number=world["order"].number, quality=5, delivery=4, service=4
    )
    evaluation_submit(actor=unit.buyer, number=second.number, quality=4, delivery=4, service=5)
    data = client.get(f"{API}/suppliers/{code.lower()}/ratings").json()
    assert {k: data[k] for k in ("count", "quality", "delivery", "service", "overall")} == {
        "count": 2,
        "quality": "4.50",
        "delivery": "4.00",
        "service": "4.50",
        "overall": "4.33",
    }
    missing = client.get(f"{API}/suppliers/91150000XXXXXXXXXX/ratings")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    suspended = make_seller(status="suspended")
    assert (
        client.get(f"{API}/suppliers/{suspended.supplier.credit_code}/ratings").status_code == 404
    )


def test_open_ticket_matrix(world):
    number = world["order"].number
    line = world["order"].lines.get()
    body = {"kind": "replace", "description": "屏幕碎裂", "line_id": line.pk}
    with time_machine.travel(MONDAY, tick=False):
        responses = check_matrix(
            _post(f"/orders/{number}/tickets", body),
            world["actors"],
            {
                "anonymous": 401,
                "approver": 403,
                "supplier": 403,
                "operator": 403,
                "regulator": 403,
                "far_operator": 404,
                "other_buyer": 404,
                "other_supplier": 404,
                "buyer": 201,
            },
        )
    data = responses["buyer"].json()
    ticket = Ticket.objects.get()
    assert data == {
        "number": ticket.number,
        "order": number,
        "purchaser": world["unit"].org.name,
        "supplier": world["seller"].supplier.organisation.name,
        "supplier_credit_code": world["seller"].supplier.credit_code,
        "line_id": line.pk,
        "line_title": line.snapshot["title"],
        "kind": "replace",
        "state": "open",
        "description": "屏幕碎裂",
        "opened_at": "2026-03-02T02:00:00Z",
        "response_deadline": "2026-03-04T15:59:59Z",
        "overdue": False,
        "response": "",
        "responded_at": None,
        "resolution": "",
        "resolved_at": None,
        "escalated_at": None,
        "escalation_reason": "",
    }


def test_open_ticket_errors(world):
    client = client_for(world["unit"].buyer)
    number = world["order"].number
    bad = client.post(
        f"{API}/orders/{number}/tickets",
        {"kind": "fix", "description": "x"},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_kind")
    assert bad.json()["error"]["details"]["field"] == "kind"
    shipped = make_order(world["unit"], [(world["seller"].listing, 1)], state=OrderState.SHIPPED)
    early = client.post(
        f"{API}/orders/{shipped.number}/tickets",
        {"kind": "repair", "description": "x"},
        content_type="application/json",
    )
    assert (early.status_code, early.json()["error"]["code"]) == (409, "not_delivered_yet")
    assert not Ticket.objects.exists()


def test_read_ticket_matrix(world):
    ticket = _ticket(world)
    check_matrix(
        _get(f"/tickets/{ticket.number}"),
        world["actors"],
        {
            "anonymous": 401,
            "approver": 200,
            "supplier": 200,
            "operator": 200,
            "regulator": 200,
            "far_operator": 404,
            "other_buyer": 404,
            "other_supplier": 404,
            "buyer": 200,
        },
    )
    assert client_for(world["unit"].buyer).get(f"{API}/tickets/AS-2026-999999").status_code == 404


def test_list_tickets_per_actor(world):
    first = _ticket(world)
    second = _ticket(world, kind="return")
    ticket_respond(actor=world["seller"].admin, number=second.number, response="同意退货")
    ticket_escalate(actor=world["unit"].buyer, number=second.number, reason="未退款")
    actors = world["actors"]

    def numbers(actor, tab=""):
        response = client_for(actor).get(f"{API}/tickets" + (f"?tab={tab}" if tab else ""))
        assert response.status_code == 200
        return [row["number"] for row in response.json()["results"]]

    assert numbers(actors["buyer"]) == [first.number]
    assert numbers(actors["buyer"], "all") == [second.number, first.number]
    assert numbers(actors["supplier"], "escalated") == [second.number]
    assert numbers(actors["operator"]) == [second.number]  # supervisors: escalated by default
    assert numbers(actors["operator"], "all") == [second.number, first.number]
    assert numbers(actors["regulator"]) == [second.number]
    assert numbers(actors["far_operator"], "all") == []
    assert numbers(actors["other_buyer"], "all") == []
    assert numbers(actors["other_supplier"], "all") == []
    assert client_for(None).get(f"{API}/tickets").status_code == 401
    page = client_for(actors["buyer"]).get(f"{API}/tickets?tab=all&page_size=1&page=2").json()
    assert (page["count"], page["pages"], page["page"]) == (2, 2, 2)
    assert [r["number"] for r in page["results"]] == [first.number]


def test_respond_matrix(world):
    ticket = _ticket(world)
    responses = check_matrix(
        _post(f"/tickets/{ticket.number}/respond", {"response": "明天上门"}),
        {**world["actors"], "buyer": world["unit"].buyer, "supplier": world["seller"].admin},
        {
            "anonymous": 401,
            "approver": 403,
            "buyer": 403,
            "operator": 403,
            "regulator": 403,
            "far_operator": 404,
            "other_buyer": 404,
            "other_supplier": 404,
            "supplier": 200,
        },
    )
    assert responses["supplier"].json()["state"] == "responded"
    assert responses["supplier"].json()["response"] == "明天上门"


@pytest.mark.parametrize(
    ("action", "body", "state"),
    [
        ("resolve", {"resolution": "已换新"}, "resolved"),
        ("reopen", {"reason": "还是坏的"}, "open"),
        ("escalate", {"reason": "答复敷衍"}, "escalated"),
    ],
)
def test_purchaser_action_matrix(world, action, body, state):
    ticket = _ticket(world)
    ticket_respond(actor=world["seller"].admin, number=ticket.number, response="已处理")
    responses = check_matrix(
        _post(f"/tickets/{ticket.number}/{action}", body),
        world["actors"],
        {
            "anonymous": 401,
            "approver": 403,
            "supplier": 403,
            "operator": 403,
            "regulator": 403,
            "far_operator": 404,
            "other_buyer": 404,
            "other_supplier": 404,
            "buyer": 200,
        },
    )
    assert responses["buyer"].json()["state"] == state


def test_transition_errors(world):
    client = client_for(world["unit"].buyer)
    with time_machine.travel(MONDAY, tick=False):
        ticket = _ticket(world)
        early = client.post(
            f"{API}/tickets/{ticket.number}/escalate",
            {"reason": "x"},
            content_type="application/json",
        )
        assert (early.status_code, early.json()["error"]["code"]) == (409, "too_early_to_escalate")
        reopen = client.post(
            f"{API}/tickets/{ticket.number}/reopen",
            {"reason": "x"},
            content_type="application/json",
        )
        assert (reopen.status_code, reopen.json()["error"]["code"]) == (409, "invalid_transition")
    with time_machine.travel(datetime(2026, 3, 5, 9, tzinfo=TZ), tick=False):
        late = client.get(f"{API}/tickets/{ticket.number}").json()
        assert late["overdue"] is True
        missing = client.post(
            f"{API}/tickets/{ticket.number}/escalate", {}, content_type="application/json"
        )
        assert (missing.status_code, missing.json()["error"]["code"]) == (400, "required")
        done = client.post(
            f"{API}/tickets/{ticket.number}/escalate",
            {"reason": "超期"},
            content_type="application/json",
        )
        assert done.status_code == 200
        assert done.json()["escalated_at"] == "2026-03-05T01:00:00Z"
        assert done.json()["overdue"] is False
