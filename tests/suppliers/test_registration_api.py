"""Registration API: public registration, the supplier's own profile (GET/PATCH /suppliers/me)."""

from __future__ import annotations

import pytest

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.commitment import current_commitment
from govmall.suppliers.models import Supplier
from tests.factories import make_supplier, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.suppliers.test_registration import registration

pytestmark = pytest.mark.django_db


def test_register_is_public_and_returns_id_status_and_warnings():
    code = make_credit_code("91", "150203", 880001)
    responses = check_matrix(
        lambda c: c.post(
            "/api/v1/suppliers/register",
            registration(credit_code=code, division_code="150202"),
            content_type="application/json",
        ),
        {"anonymous": None},
        {"anonymous": 201},
    )
    body = responses["anonymous"].json()
    supplier = Supplier.objects.get(credit_code=code)
    assert body["supplier_id"] == supplier.pk
    assert (body["status"], body["admin_username"]) == ("draft", "bt-office")
    assert len(body["warnings"]) == 1 and "150203" in body["warnings"][0]
    assert User.objects.get(username="bt-office").role_set == {Role.SUPPLIER_ADMIN}


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"org_name": "x" * 201}, 422, "validation_error", "org_name"),
        ({"business_scope": "x" * 2001}, 422, "validation_error", "business_scope"),
        ({"contact_phone": "1" * 31}, 422, "validation_error", "contact_phone"),
        ({"intended_categories": ["x" * 101]}, 422, "validation_error", "intended_categories.0"),
        ({"supplier_type": "company"}, 422, "validation_error", "supplier_type"),
        ({"division_code": "15020"}, 422, "validation_error", "division_code"),
        ({"division_code": "159999"}, 400, "unknown_division", "division_code"),
        ({"credit_code": "91350100M000100Y44"}, 400, "credit_code_check_digit", "credit_code"),
        (
            {"credit_code": make_credit_code("92", "150202", 880002)},
            400,
            "credit_code_type_mismatch",
            "credit_code",
        ),
        ({"password": "12345678"}, 400, "weak_password", "password"),
        ({"org_name": ""}, 422, "validation_error", "org_name"),
    ],
)
def test_bad_registration_is_refused_at_the_field(overrides, status, code, field):
    before = database_fingerprint()
    response = client_for(None).post(
        "/api/v1/suppliers/register", registration(**overrides), content_type="application/json"
    )
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    named = error["details"].get("field") or next(iter(error["details"]["fields"]))
    assert named == field
    assert database_fingerprint() == before


def test_duplicate_credit_code_is_a_409():
    existing, _admin = make_supplier()
    before = database_fingerprint()
    response = client_for(None).post(
        "/api/v1/suppliers/register",
        registration(credit_code=existing.credit_code),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "credit_code_taken"
    assert database_fingerprint() == before


def test_me_matrix_and_content():
    supplier, admin = make_supplier(status="draft", signed=False, documents=False)
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "regional operator admin": regional_operator_admin(),
        "supplier staff": make_user(Role.SUPPLIER_STAFF, org=supplier.organisation),
        "supplier admin": admin,
    }
    expected = {
        "anonymous": 401,
        "buyer": 403,
        "regional operator admin": 403,
        "supplier staff": 200,
        "supplier admin": 200,
    }
    responses = check_matrix(lambda c: c.get("/api/v1/suppliers/me"), actors, expected)
    body = responses["supplier admin"].json()
    assert body == responses["supplier staff"].json()
    assert (body["id"], body["status"], body["source"], body["in_region"]) == (
        supplier.pk,
        "draft",
        "self",
        True,
    )
    assert body["profile"]["credit_code"] == supplier.credit_code
    assert body["profile"]["org_name"] == supplier.organisation.name
    assert body["profile"]["division_code"] == "150202"
    assert [b["code"] for b in body["blockers"]] == [
        "supplier_not_active",
        "commitment_not_signed",
        "documents_missing",  # uploaded, but not yet accepted by verification
    ]
    assert body["commitment"] == {"current_version": 1, "signed_current": False, "signatures": []}


def test_me_shows_signatures():
    _supplier, admin = make_supplier(status="active")
    body = client_for(admin).get("/api/v1/suppliers/me").json()
    current = current_commitment()
    assert current is not None
    assert body["blockers"] == []
    assert body["commitment"]["signed_current"] is True
    assert [
        (s["version"], s["language"], s["signed_by"]) for s in body["commitment"]["signatures"]
    ] == [(1, "zh-hans", admin.username)]


def test_patch_me_matrix():
    supplier, admin = make_supplier(status="draft")
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "supplier staff": make_user(Role.SUPPLIER_STAFF, org=supplier.organisation),
        "other supplier admin": make_supplier()[1],
        "supplier admin": admin,
    }
    expected = {
        "anonymous": 401,
        "buyer": 403,
        "supplier staff": 403,
        "other supplier admin": 200,  # edits its own profile, not this one
        "supplier admin": 200,
    }
    responses = check_matrix(
        lambda c: c.patch(
            "/api/v1/suppliers/me", {"hotline_hours": "7x24"}, content_type="application/json"
        ),
        actors,
        expected,
    )
    assert responses["supplier admin"].json()["profile"]["hotline_hours"] == "7x24"
    supplier.refresh_from_db()
    assert supplier.hotline_hours == "7x24"
    other = Supplier.objects.get(organisation=actors["other supplier admin"].organisation)
    assert other.pk != supplier.pk and other.hotline_hours == "7x24"


def test_patch_me_key_field_of_active_supplier_needs_verification():
    _supplier, admin = make_supplier(status="active")
    client = client_for(admin)
    before = database_fingerprint()
    response = client.patch(
        "/api/v1/suppliers/me",
        {"legal_representative": "新法人", "contact_name": "新联系人"},
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "key_change_needs_verification"
    assert error["details"] == {"field": "legal_representative", "fields": ["legal_representative"]}
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"address": "x" * 201}, "address"),
        ({"contact_name": None}, "contact_name"),
        ({"intended_categories": ["a"] * 31}, "intended_categories"),
    ],
)
def test_patch_me_bad_input(payload, field):
    _supplier, admin = make_supplier(status="draft")
    client = client_for(admin)
    before = database_fingerprint()
    response = client.patch("/api/v1/suppliers/me", payload, content_type="application/json")
    assert response.status_code in (400, 422)
    details = response.json()["error"]["details"]
    assert (details.get("field") or next(iter(details["fields"]))) == field
    assert database_fingerprint() == before
