"""The verification API: the permission matrix of every endpoint (refused calls change nothing),
the error shape, decided twice → 409."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import Role
from govmall.suppliers.models import Application
from tests.factories import make_supplier, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.suppliers.verification_helpers import (
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DECISIONS = {
    "approve": {"note": "齐全"},
    "return": {"reasons": {"legal_representative": "与营业执照不符"}},
    "reject": {"reason": "不符合条件"},
}


def decision_actors(application: Application, supplier_admin) -> dict:
    centre, city = setup_operators()
    _other, other_admin = make_supplier(status="draft")
    return {
        "anonymous": None,
        "the supplier": supplier_admin,
        "another supplier": other_admin,
        "buyer": make_user(Role.BUYER),
        "regional centre reviewer (above)": reviewer(centre),
        "reviewer of another city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
        "regulator": make_user(Role.REGULATOR, division="150200"),
        "reviewer of the owning operator": reviewer(city),  # last: it changes the state
    }


@pytest.mark.parametrize("action", list(DECISIONS))
def test_decision_permission_matrix(action):
    setup_operators()
    _supplier, admin, application = submitted()
    actors = decision_actors(application, admin)
    expected = {
        "anonymous": 401,
        "the supplier": 403,
        "another supplier": 404,
        "buyer": 404,
        "regional centre reviewer (above)": 403,
        "reviewer of another city": 404,
        "regulator": 403,
        "reviewer of the owning operator": 200,
    }
    url = f"/api/v1/suppliers/applications/{application.number}/{action}"
    responses = check_matrix(
        lambda c: c.post(url, DECISIONS[action], content_type="application/json"),
        actors,
        expected,
    )
    body = responses["reviewer of the owning operator"].json()
    assert (
        body["status"]
        == {"approve": "approved", "return": "returned", "reject": "rejected"}[action]
    )
    assert responses["regional centre reviewer (above)"].json()["error"]["code"] == "forbidden"
    assert responses["buyer"].json()["error"]["code"] == "not_found"
    # decided: every decision is now a 409 that changes nothing
    client = client_for(actors["reviewer of the owning operator"])
    for other, payload in DECISIONS.items():
        before = database_fingerprint()
        response = client.post(
            f"/api/v1/suppliers/applications/{application.number}/{other}",
            payload,
            content_type="application/json",
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_transition"
        assert database_fingerprint() == before


def test_submit_matrix_and_refusal_codes():
    setup_operators()
    supplier, admin = make_supplier(status="draft")
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "operator reviewer": make_user(Role.OPERATOR_REVIEWER),
        "supplier staff": staff,
        "supplier admin": admin,
    }
    expected = {
        "anonymous": 401,
        "buyer": 403,
        "operator reviewer": 403,
        "supplier staff": 403,
        "supplier admin": 201,
    }
    responses = check_matrix(lambda c: c.post("/api/v1/suppliers/me/submit"), actors, expected)
    body = responses["supplier admin"].json()
    assert body["status"] == "pending" and body["kind"] == "onboarding"
    assert body["calendar_known"] is True and body["overdue"] is False
    client = client_for(admin)
    before = database_fingerprint()
    again = client.post("/api/v1/suppliers/me/submit")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_pending"
    assert database_fingerprint() == before


def test_submit_refusals_in_the_error_shape():
    setup_operators()
    _unsigned, unsigned_admin = make_supplier(status="draft", signed=False)
    response = client_for(unsigned_admin).post("/api/v1/suppliers/me/submit")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "commitment_not_signed"
    _bare, bare_admin = make_supplier(status="draft", documents=False)
    response = client_for(bare_admin).post("/api/v1/suppliers/me/submit")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "documents_missing"
    assert error["details"] == {
        "field": "documents",
        "types": ["business_license", "authorization_letter"],
    }


def test_change_endpoint():
    setup_operators()
    _supplier, admin = make_supplier(status="active")
    response = client_for(admin).post(
        "/api/v1/suppliers/me/change",
        {"legal_representative": "王五"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "change"
    assert body["data"]["changes"] == {"legal_representative": {"old": "张三", "new": "王五"}}


def test_return_with_bad_reasons_names_the_field():
    _centre, city = setup_operators()
    _s, _a, application = submitted()
    response = client_for(reviewer(city)).post(
        f"/api/v1/suppliers/applications/{application.number}/return",
        {"reasons": {"business_scope": ""}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    assert response.json()["error"]["details"] == {"field": "business_scope"}


def test_detail_and_queue_endpoints():
    centre, city = setup_operators()
    _supplier, admin, application = submitted()
    url = f"/api/v1/suppliers/applications/{application.number}"
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "another city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
        "the supplier": admin,
        "regional centre": reviewer(centre),
        "owner": reviewer(city),
    }
    expected = {
        "anonymous": 401,
        "buyer": 404,
        "another city": 404,
        "the supplier": 200,
        "regional centre": 200,
        "owner": 200,
    }
    responses = check_matrix(lambda c: c.get(url), actors, expected)
    assert responses["the supplier"].json()["owner_name"] == city.name
    queue_expected = {
        "anonymous": 401,
        "buyer": 403,
        "another city": 200,
        "the supplier": 403,
        "regional centre": 200,
        "owner": 200,
    }
    responses = check_matrix(
        lambda c: c.get("/api/v1/suppliers/applications"), actors, queue_expected
    )
    owner_queue = responses["owner"].json()
    assert [i["number"] for i in owner_queue["items"]] == [application.number]
    assert (owner_queue["pending"], owner_queue["overdue"], owner_queue["total"]) == (1, 0, 1)
    assert responses["regional centre"].json()["items"] == []
