"""/api/v1/ funds endpoints: the permission matrix of each (refused calls change nothing) and
the error shape."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.accounts.roles import Role
from govmall.trading.models import FundingSource, FundMovement
from govmall.trading.services_policy import policy_set_limit
from tests.factories import make_user
from tests.permissions import check_matrix, client_for
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world():
    unit = make_unit(name="包头市教育局", funds_amount="1000.00")
    other = make_unit(name="包头市卫健委")
    seller = make_seller(price="100.00")
    order = make_order(unit, [(seller.listing, 2)])
    return {
        "unit": unit,
        "other": other,
        "order": order,
        "actors": {
            "anonymous": None,
            "supplier": seller.admin,
            "operator": make_user(Role.OPERATOR_ADMIN, division="150200"),
            "buyer": unit.buyer,
            "admin": unit.admin,
            "other_unit_admin": other.admin,
            "far_regulator": make_user(Role.REGULATOR, division="150100"),
            "regulator": make_user(Role.REGULATOR, division="150200"),
        },
    }


def _json(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_list_matrix_and_scope(world):
    responses = check_matrix(
        lambda c: c.get(f"{API}/funds"),
        world["actors"],
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 200,
            "admin": 200,
            "other_unit_admin": 200,
            "far_regulator": 200,
            "regulator": 200,
        },
    )
    unit = world["unit"]
    mine = responses["buyer"].json()
    assert mine["count"] == 1
    assert mine["results"][0] == {
        "id": unit.source.pk,
        "unit": unit.org.pk,
        "unit_name": "包头市教育局",
        "fiscal_year": 2026,
        "budget_line": unit.source.budget_line,
        "name": "办公设备购置",
        "amount": "1000.00",
        "reserved": "200.00",
        "available": "800.00",
        "active": True,
        "created_at": mine["results"][0]["created_at"],
        "updated_at": mine["results"][0]["updated_at"],
    }
    assert responses["far_regulator"].json()["count"] == 0
    assert responses["regulator"].json()["count"] == 2
    regulator = client_for(world["actors"]["regulator"])
    filtered = regulator.get(f"{API}/funds", {"unit": world["other"].org.pk}).json()
    assert [r["unit"] for r in filtered["results"]] == [world["other"].org.pk]
    bad = regulator.get(f"{API}/funds", {"page": 0})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"


def test_create_matrix(world):
    unit = world["unit"]
    body = {
        "unit": unit.org.pk,
        "fiscal_year": 2026,
        "budget_line": "2050101",
        "name": "教学设备",
        "amount": "300000.00",
    }
    responses = check_matrix(
        lambda c: _json(c, "post", f"{API}/funds", body),
        world["actors"],
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 403,
            "admin": 403,
            "other_unit_admin": 403,
            "far_regulator": 400,
            "regulator": 201,
        },
    )
    assert responses["far_regulator"].json()["error"]["code"] == "unknown_unit"
    created = responses["regulator"].json()
    assert (created["amount"], created["available"], created["unit"]) == (
        "300000.00",
        "300000.00",
        unit.org.pk,
    )
    again = _json(client_for(world["actors"]["regulator"]), "post", f"{API}/funds", body)
    assert again.status_code == 409
    assert again.json() == {
        "error": {
            "code": "duplicate_budget_line",
            "message": again.json()["error"]["message"],
            "details": {"field": "budget_line"},
        }
    }


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"amount": "12.345"}, "invalid_amount", "amount"),
        ({"amount": 1e20}, "invalid_amount", "amount"),
        ({"fiscal_year": "2026年"}, "invalid_fiscal_year", "fiscal_year"),
        ({"budget_line": "第一"}, "invalid_budget_line", "budget_line"),
        ({"name": ""}, "required", "name"),
        ({"unit": "abc"}, "unknown_unit", "unit"),
        ({"unit": None}, "unknown_unit", "unit"),
    ],
)
def test_create_errors_name_the_field(world, change, code, field):
    body = {
        "unit": world["unit"].org.pk,
        "fiscal_year": 2026,
        "budget_line": "B-1",
        "name": "n",
        "amount": "1.00",
        **change,
    }
    response = _json(client_for(world["actors"]["regulator"]), "post", f"{API}/funds", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == (code, field)
    assert not FundingSource.objects.filter(budget_line="B-1").exists()


def test_patch_matrix_and_below_reserved(world):
    source = world["unit"].source
    url = f"{API}/funds/{source.pk}"
    responses = check_matrix(
        lambda c: _json(c, "patch", url, {"amount": "5000.00", "note": "追加预算"}),
        world["actors"],
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 403,
            "admin": 403,
            "other_unit_admin": 403,
            "far_regulator": 404,
            "regulator": 200,
        },
    )
    assert responses["regulator"].json()["amount"] == "5000.00"
    regulator = client_for(world["actors"]["regulator"])
    below = _json(regulator, "patch", url, {"amount": "199.99"})
    assert below.status_code == 409
    assert below.json()["error"]["code"] == "amount_below_reserved"
    assert below.json()["error"]["details"] == {"field": "amount", "reserved": "200.00"}
    off = _json(regulator, "patch", url, {"active": False, "name": "停用"})
    assert (off.json()["active"], off.json()["name"]) == (False, "停用")
    null = _json(regulator, "patch", url, {"amount": None})
    assert null.status_code == 400 and null.json()["error"]["details"]["field"] == "amount"
    assert _json(regulator, "patch", f"{API}/funds/999999999", {"amount": "1"}).status_code == 404
    source.refresh_from_db()
    assert source.amount == Decimal("5000.00")


def test_ledger_matrix(world):
    source = world["unit"].source
    responses = check_matrix(
        lambda c: c.get(f"{API}/funds/{source.pk}/ledger"),
        world["actors"],
        {
            "anonymous": 401,
            "supplier": 404,
            "operator": 404,
            "buyer": 200,
            "admin": 200,
            "other_unit_admin": 404,
            "far_regulator": 404,
            "regulator": 200,
        },
    )
    body = responses["buyer"].json()
    assert body["source"]["reserved"] == "200.00"
    assert [(m["kind"], m["amount"], m["order"]) for m in body["results"]] == [
        ("reserve", "200.00", world["order"].number)
    ]
    one = client_for(world["unit"].buyer).get(f"{API}/funds/{source.pk}")
    assert one.status_code == 200 and one.json()["available"] == "800.00"


def test_units_overview_matrix(world):
    responses = check_matrix(
        lambda c: c.get(f"{API}/funds/units"),
        world["actors"],
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 403,
            "admin": 403,
            "other_unit_admin": 403,
            "far_regulator": 200,
            "regulator": 200,
        },
    )
    rows = {r["unit_name"]: r for r in responses["regulator"].json()["results"]}
    assert rows["包头市教育局"]["available"] == "800.00"
    assert rows["包头市教育局"]["reserved"] == "200.00"
    assert rows["包头市卫健委"]["amount"] == "1000000.00"
    assert responses["far_regulator"].json()["count"] == 0


def test_import_matrix(world):
    unit = world["unit"]
    csv_bytes = (
        "单位,年度,预算项目编码,名称,金额\n"
        f"{unit.org.name},2026,I-1,导入,100\n"
        f"{unit.org.name},2026,I-2,导入,-5\n"
    ).encode("utf-8-sig")

    def call(c):
        return c.post(
            f"{API}/funds/import", {"file": SimpleUploadedFile("f.csv", csv_bytes, "text/csv")}
        )

    moves = FundMovement.objects.count()
    responses = check_matrix(
        call,
        {k: v for k, v in world["actors"].items() if k != "far_regulator"},
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 403,
            "admin": 403,
            "other_unit_admin": 403,
            "regulator": 200,
        },
    )
    body = responses["regulator"].json()
    assert {k: body[k] for k in ("rows", "created", "updated", "unchanged", "errors")} == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": 1,
    }
    assert [(r["row"], r["outcome"], r["code"], r["field"]) for r in body["results"]] == [
        (2, "created", "", None),
        (3, "error", "invalid_amount", "amount"),
    ]
    assert FundMovement.objects.count() == moves + 1
    bad = client_for(world["actors"]["regulator"]).post(
        f"{API}/funds/import", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")}
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "missing_column"
    assert bad.json()["error"]["details"]["field"] == "file"


def test_policy_matrix(world):
    unit = world["unit"]
    policy_set_limit(actor=unit.admin, limit="20000")
    responses = check_matrix(
        lambda c: c.get(f"{API}/purchasing-policy"),
        world["actors"],
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 200,
            "admin": 200,
            "other_unit_admin": 200,
            "far_regulator": 403,
            "regulator": 403,
        },
    )
    assert responses["buyer"].json()["approval_limit"] == "20000.00"
    assert responses["buyer"].json()["updated_by"] == unit.admin.username
    assert responses["other_unit_admin"].json()["approval_limit"] is None

    actors = dict(world["actors"])
    actors["approver"] = unit.approver
    responses = check_matrix(
        lambda c: _json(c, "put", f"{API}/purchasing-policy", {"approval_limit": "30000.00"}),
        actors,
        {
            "anonymous": 401,
            "supplier": 403,
            "operator": 403,
            "buyer": 403,
            "approver": 403,
            "admin": 200,
            "other_unit_admin": 200,
            "far_regulator": 403,
            "regulator": 403,
        },
    )
    assert responses["admin"].json()["approval_limit"] == "30000.00"
    admin = client_for(unit.admin)
    bad = _json(admin, "put", f"{API}/purchasing-policy", {"approval_limit": "-1"})
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == {"field": "approval_limit"}
    cleared = _json(admin, "put", f"{API}/purchasing-policy", {"approval_limit": None})
    assert cleared.json()["approval_limit"] is None
