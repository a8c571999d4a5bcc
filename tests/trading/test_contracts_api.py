"""Contract API: the permission matrix of every endpoint (refused calls change nothing), the
body of a contract, and the public endpoints (published only, public text only)."""

from __future__ import annotations

from typing import Any

import pytest

from govmall.accounts.roles import Role
from govmall.trading.models import ContractState, OrderState
from tests.factories import make_user
from tests.permissions import check_matrix, client_for
from tests.trading.factories import make_seller, make_unit
from tests.trading.test_contracts_support import make_deal

pytestmark = pytest.mark.django_db


def _json(response: Any) -> Any:
    return response.json()


def _actors(deal) -> dict:
    return {
        "anonymous": None,
        "other_unit_buyer": make_unit().buyer,
        "other_supplier": make_seller().admin,
        "far_regulator": make_user(Role.REGULATOR, division="150100"),
        "regulator": make_user(Role.REGULATOR),
        "approver": deal.unit.approver,
        "supplier_admin": deal.seller.admin,
        "buyer": deal.unit.buyer,
    }


def test_read_matrix() -> None:
    deal = make_deal()
    url = f"/api/v1/contracts/{deal.contract.number}"
    responses = check_matrix(
        lambda c: c.get(url),
        _actors(deal),
        {
            "anonymous": 401,
            "other_unit_buyer": 404,
            "other_supplier": 404,
            "far_regulator": 404,
            "regulator": 200,
            "approver": 200,
            "supplier_admin": 200,
            "buyer": 200,
        },
    )
    body = _json(responses["buyer"])
    assert body["number"] == deal.contract.number
    assert body["order"] == deal.order.number
    assert body["state"] == "awaiting_signatures"
    assert body["text"] == deal.contract.text
    assert body["text_sha256"] == deal.contract.text_sha256
    assert body["total"] == "12300.00"
    assert body["total_in_words"] == "壹万贰仟叁佰元整"
    assert body["signatures"] == []
    assert (body["publish_deadline"], body["publish_overdue"]) == (None, False)
    listing = client_for(deal.unit.buyer).get("/api/v1/contracts").json()
    assert listing["count"] == 1 and listing["results"][0]["number"] == deal.contract.number
    assert client_for(make_unit().buyer).get("/api/v1/contracts").json()["count"] == 0


def test_sign_matrix_and_order_contracted() -> None:
    deal = make_deal()
    url = f"/api/v1/contracts/{deal.contract.number}/sign"
    body = {"text_sha256": deal.contract.text_sha256}
    actors = _actors(deal)
    del actors["supplier_admin"]
    responses = check_matrix(
        lambda c: c.post(url, body, content_type="application/json"),
        actors,
        {
            "anonymous": 401,
            "other_unit_buyer": 404,
            "other_supplier": 404,
            "far_regulator": 404,
            "regulator": 403,
            "approver": 403,
            "buyer": 200,
        },
    )
    assert _json(responses["regulator"])["error"]["code"] == "not_a_party"
    assert [s["side"] for s in _json(responses["buyer"])["signatures"]] == ["purchaser"]
    supplier = client_for(deal.seller.admin)
    wrong = supplier.post(url, {"text_sha256": "a" * 64}, content_type="application/json")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (409, "text_changed")
    bad = supplier.post(url, {"sha": "x"}, content_type="application/json")
    assert bad.status_code == 422
    ok = supplier.post(url, body, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["state"] == ContractState.SIGNED
    again = client_for(deal.unit.buyer).post(url, body, content_type="application/json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_signed")
    deal.refresh()
    assert deal.order.state == OrderState.CONTRACTED


@pytest.mark.parametrize("verb", ["publish", "file"])
def test_publish_file_matrix(verb: str) -> None:
    deal = make_deal(signed=True)
    url = f"/api/v1/contracts/{deal.contract.number}/{verb}"
    responses = check_matrix(
        lambda c: c.post(url),
        _actors(deal),
        {
            "anonymous": 401,
            "other_unit_buyer": 404,
            "other_supplier": 404,
            "far_regulator": 404,
            "regulator": 403,
            "approver": 403,
            "supplier_admin": 403,
            "buyer": 200,
        },
    )
    field = "published_at" if verb == "publish" else "filed_at"
    assert _json(responses["buyer"])[field] is not None
    again = client_for(deal.unit.admin).post(url)
    code = "already_published" if verb == "publish" else "already_filed"
    assert (again.status_code, again.json()["error"]["code"]) == (409, code)


def test_publish_before_signing_is_refused() -> None:
    deal = make_deal()
    response = client_for(deal.unit.buyer).post(f"/api/v1/contracts/{deal.contract.number}/publish")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_transition")


def test_public_endpoints_show_published_public_text_only() -> None:
    deal = make_deal(signed=True)
    url = f"/api/v1/public/contracts/{deal.contract.number}"
    anonymous = client_for(None)
    assert anonymous.get(url).status_code == 404
    assert anonymous.get("/api/v1/public/contracts").json()["count"] == 0
    client_for(deal.unit.buyer).post(f"/api/v1/contracts/{deal.contract.number}/publish")
    response = anonymous.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["public_text"] == deal.refresh().contract.public_text
    assert "text" not in body and "text_sha256" not in body
    raw = response.content.decode()
    for secret in ("李四", "0472-1234567", "王五", "0472-7654321", "钢铁大街", "收款账户"):
        assert secret not in raw
    assert "id" not in body and "order" not in body
    page = anonymous.get("/api/v1/public/contracts").json()
    assert [r["number"] for r in page["results"]] == [deal.contract.number]
    assert anonymous.get("/api/v1/public/contracts/CON-2026-999999").status_code == 404
