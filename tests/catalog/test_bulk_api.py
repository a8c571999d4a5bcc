"""POST /api/v1/catalog/bulk/listings: permission matrix, tokens, limits, malformed input."""

from __future__ import annotations

import json

import pytest

from govmall.accounts.roles import Role
from govmall.accounts.services import api_token_create
from govmall.catalog.models import Listing
from govmall.catalog.services_bulk import BULK_LIMIT
from tests.catalog.bulk_helpers import bulk_world, private_media  # noqa: F401
from tests.factories import make_user
from tests.permissions import check_matrix, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]
URL = "/api/v1/catalog/bulk/listings"


def post(client, body):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def test_permission_matrix():
    w = bulk_world()
    staff = make_user(Role.SUPPLIER_STAFF, org=w.supplier.organisation)
    items = [w.item("API-1")]
    responses = check_matrix(
        lambda c: post(c, {"items": items}),
        {
            "anonymous": None,
            "purchaser": make_user(Role.BUYER),
            "operator": make_user(Role.OPERATOR_REVIEWER),
            "supplier staff": staff,
        },
        {"anonymous": 401, "purchaser": 403, "operator": 403, "supplier staff": 200},
    )
    body = responses["supplier staff"].json()
    [result] = body["results"]
    assert result["outcome"] == "created" and result["state"] == "listed"
    assert result["review"]["outcome"] == "passed" and result["review"]["failures"] == []
    assert result["review"]["ruleset_version"] == 1
    assert body["summary"]["created"] == 1 and body["summary"]["error"] == 0


def test_bearer_token_and_mixed_rows(english):
    w = bulk_world()
    _token, secret = api_token_create(actor=w.user, name="ERP sync")
    client = client_for(None, token=secret)
    items = [w.item("T-1"), w.item("T-2", price="abc"), w.item("T-3", attributes={"nope": 1})]
    response = post(client, {"items": items})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "error", "error"]
    assert results[1]["errors"] == [
        {
            "code": "invalid_price",
            "field": "price",
            "message": "Enter a price greater than 0 with at most 2 decimal places "
            "(at most 9,999,999,999.99).",
        }
    ]
    assert results[2]["errors"][0]["code"] == "unknown_attribute"
    assert results[2]["errors"][0]["field"] == "attributes.nope"
    again = post(client, {"items": items}).json()
    assert again["summary"]["unchanged"] == 1 and again["summary"]["error"] == 2


def test_over_the_limit_is_413_and_writes_nothing():
    w = bulk_world()
    item = w.item("X")
    items = [{**item, "sku": f"X-{i}"} for i in range(BULK_LIMIT + 1)]
    response = post(client_for(w.user), {"items": items})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "bulk_too_large"
    assert error["details"]["limit"] == BULK_LIMIT and error["details"]["count"] == BULK_LIMIT + 1
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    "body, status, code",
    [
        ("{not json", 400, None),
        ({"items": "abc"}, 422, "validation_error"),
        ({"rows": []}, 422, "validation_error"),
        ([1, 2], 422, "validation_error"),
    ],
)
def test_malformed_bodies_get_the_one_error_shape(body, status, code):
    w = bulk_world()
    response = post(client_for(w.user), body)
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    if code:
        assert error["code"] == code
    assert not Listing.objects.exists()


def test_empty_list_is_fine():
    w = bulk_world()
    response = post(client_for(w.user), {"items": []})
    assert response.status_code == 200
    assert response.json()["results"] == []
