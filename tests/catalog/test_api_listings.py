"""Listing API: the flow over HTTP, input errors in the one shape, the permission matrix (refused
calls change nothing)."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import Listing, ListingImage
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import (  # noqa: F401
    draft_listing,
    image_bytes,
    listed_listing,
    listing_raw,
    make_image,
    private_media,
    upload_file,
)
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]
BASE = "/api/v1/catalog"


@pytest.fixture
def world():
    supplier, admin = make_supplier()
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    _other, other_admin = make_supplier()
    category = make_category(
        attributes=[
            {"key": "speed", "kind": "number", "required": True},
            {"key": "size", "kind": "choice", "choices": ["A4", "A3"]},
        ]
    )
    actors = {
        "anonymous": None,
        "purchaser": make_user(Role.BUYER),
        "other_supplier": other_admin,
        "operator": make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR)),
        "staff": staff,
    }
    return supplier, admin, staff, category, actors


def _body(category, supplier, user, **over):
    image = make_image(supplier, user)
    return {**listing_raw(category, image_ids=[image.pk], **over), "sku": "S-1", "stock": 3}


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_create_submit_and_read(world):
    supplier, _admin, staff, category, _actors = world
    client = client_for(staff)
    response = _post(client, f"{BASE}/listings", _body(category, supplier, staff))
    assert response.status_code == 201, response.content
    body = response.json()
    number = body["number"]
    assert body["state"] == "draft" and body["sku"] == "S-1" and body["stock"] == 3
    assert body["price"] == "1999.00" and body["attributes"] == {"speed": 8}
    assert body["images"][0]["thumb_url"].endswith("/thumb/")
    response = _post(client, f"{BASE}/listings/{number}/submit", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "listed"
    assert body["review"]["outcome"] == "passed"
    assert body["review"]["ruleset_version"] >= 1
    assert {r["code"] for r in body["review"]["results"]} >= {"required_fields", "duplicate"}
    detail = client.get(f"{BASE}/listings/{number}").json()
    assert detail["state"] == "listed" and detail["latest_review"]["outcome"] == "passed"
    page = client.get(f"{BASE}/listings?state=listed").json()
    assert page["count"] == 1 and page["results"][0]["number"] == number
    assert client.get(f"{BASE}/listings?state=draft").json()["count"] == 0
    bad = client.get(f"{BASE}/listings?state=nope")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_state"


@pytest.mark.parametrize(
    ("override", "code", "field"),
    [
        ({"category": "NOPE"}, "unknown_category", "category"),
        ({"attributes": {"speed": "fast"}}, "invalid_attribute", "attributes.speed"),
        ({"attributes": {"colour": "red"}}, "unknown_attribute", "attributes.colour"),
        ({"price": "-5"}, "invalid_price", "price"),
        ({"price": "abc"}, "invalid_price", "price"),
        ({"image_ids": [987654]}, "unknown_image", "image_ids"),
        ({"stock": -1}, "invalid_stock", "stock"),
        ({"warranty_months": "many"}, "invalid_warranty", "warranty_months"),
        ({"delivery_divisions": ["000000"]}, "unknown_division", "delivery_divisions"),
    ],
)
def test_create_input_errors(world, override, code, field):
    supplier, _admin, staff, category, _actors = world
    body = {**_body(category, supplier, staff), **override}
    count = Listing.objects.count()
    response = _post(client_for(staff), f"{BASE}/listings", body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == (code, field)
    assert Listing.objects.count() == count


def test_malformed_bodies_never_500(world):
    _supplier, _admin, staff, _category, _actors = world
    client = client_for(staff)
    for raw in ("{not json", "[1, 2]", '"text"', "null"):
        response = client.post(f"{BASE}/listings", raw, content_type="application/json")
        assert response.status_code in (400, 422), (raw, response.content)
        assert set(response.json()) == {"error"}


def test_patch_listed_makes_revision(world):
    supplier, _admin, staff, category, _actors = world
    listing = listed_listing(supplier, staff, category)
    client = client_for(staff)
    response = client.patch(
        f"{BASE}/listings/{listing.number}",
        {"price": "1500.00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"]["state"] == "applied"
    assert body["revision"]["review"]["outcome"] == "passed"
    assert body["listing"]["state"] == "listed" and body["listing"]["price"] == "1500.00"
    response = client.patch(
        f"{BASE}/listings/{listing.number}", {"title": "最好的"}, content_type="application/json"
    )
    body = response.json()
    assert body["revision"]["state"] == "rejected"
    assert body["listing"]["title"] == listing.title
    failures = {f["code"] for f in body["revision"]["review"]["failures"]}
    assert "forbidden_words" in failures


def test_patch_draft_in_place_and_conflicts(world):
    supplier, _admin, staff, category, _actors = world
    listing = draft_listing(supplier, staff, category)
    client = client_for(staff)
    response = client.patch(
        f"{BASE}/listings/{listing.number}",
        {"unit": "套", "sku": "NEW"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["listing"]["unit"] == "套"
    assert response.json()["listing"]["sku"] == "NEW"
    assert response.json()["revision"] is None
    Listing.objects.filter(pk=listing.pk).update(state="pending")
    response = client.patch(
        f"{BASE}/listings/{listing.number}", {"unit": "台"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"]["state"] == "pending"


def test_delist_and_stock(world):
    supplier, _admin, staff, category, _actors = world
    listing = listed_listing(supplier, staff, category)
    client = client_for(staff)
    response = _post(client, f"{BASE}/listings/{listing.number}/stock", {"stock": "40"})
    assert response.status_code == 200 and response.json()["stock"] == 40
    response = _post(client, f"{BASE}/listings/{listing.number}/stock", {"stock": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_stock"
    response = _post(client, f"{BASE}/listings/{listing.number}/delist", {})
    assert response.status_code == 200 and response.json()["state"] == "delisted"
    response = _post(client, f"{BASE}/listings/{listing.number}/delist", {})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_check_is_a_dry_run(world):
    supplier, _admin, staff, category, _actors = world
    client = client_for(staff)
    body = _body(category, supplier, staff, unit="坨")
    count = Listing.objects.count()
    response = _post(client, f"{BASE}/listings/check", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["errors"] == [] and data["review"]["outcome"] == "rejected"
    failing = [r["code"] for r in data["review"]["results"] if r["status"] == "fail"]
    assert failing == ["unit_allowed"]
    response = _post(client, f"{BASE}/listings/check", {**body, "price": "x", "category": "NO"})
    assert [e["code"] for e in response.json()["errors"]] == ["unknown_category", "invalid_price"]
    assert Listing.objects.count() == count


def test_image_upload(world):
    _supplier, _admin, staff, _category, _actors = world
    client = client_for(staff)
    response = client.post(
        f"{BASE}/images", {"file": upload_file(image_bytes(640, 480, fmt="PNG"), "a.png")}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["width"], body["height"]) == (640, 480)
    assert body["url"] == f"/catalog/images/{body['id']}/"
    assert client.get(body["thumb_url"]).status_code == 200
    response = client.post(f"{BASE}/images", {"file": upload_file(b"GIF89a fake", "a.jpg")})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_image"
    response = client.post(f"{BASE}/images", {})
    assert response.status_code in (400, 422)


def test_matrix_create(world):
    supplier, _admin, staff, category, actors = world
    body = _body(category, supplier, staff)
    check_matrix(
        lambda c: _post(c, f"{BASE}/listings", {**body, "sku": ""}),
        actors,
        {
            "anonymous": 401,
            "purchaser": 403,
            "other_supplier": 400,  # the images are not theirs
            "operator": 403,
            "staff": 201,
        },
    )


def test_matrix_listing_verbs(world):
    supplier, _admin, staff, category, actors = world
    listing = draft_listing(supplier, staff, category)
    n = listing.number
    expected = {"anonymous": 401, "purchaser": 404, "other_supplier": 404, "operator": 404}
    check_matrix(lambda c: c.get(f"{BASE}/listings/{n}"), actors, {**expected, "staff": 200})
    check_matrix(
        lambda c: c.patch(f"{BASE}/listings/{n}", {"unit": "套"}, content_type="application/json"),
        actors,
        {**expected, "staff": 200},
    )
    check_matrix(
        lambda c: _post(c, f"{BASE}/listings/{n}/stock", {"stock": 9}),
        actors,
        {**expected, "staff": 200},
    )
    check_matrix(
        lambda c: _post(c, f"{BASE}/listings/{n}/submit", {}), actors, {**expected, "staff": 200}
    )
    check_matrix(
        lambda c: _post(c, f"{BASE}/listings/{n}/delist", {}), actors, {**expected, "staff": 200}
    )


def test_matrix_list_and_images(world):
    _supplier, _admin, _staff, _category, actors = world
    check_matrix(
        lambda c: c.get(f"{BASE}/listings"),
        actors,
        {
            "anonymous": 401,
            "purchaser": 403,
            "other_supplier": 200,
            "operator": 403,
            "staff": 200,
        },
    )
    count = ListingImage.objects.count()
    check_matrix(
        lambda c: c.post(f"{BASE}/images", {"file": upload_file(image_bytes(), "a.jpg")}),
        actors,
        {
            "anonymous": 401,
            "purchaser": 403,
            "other_supplier": 201,
            "operator": 403,
            "staff": 201,
        },
    )
    assert ListingImage.objects.count() == count + 2


def test_gate_refusal_over_api(world):
    supplier, _admin, staff, category, _actors = world
    body = _body(category, supplier, staff)
    supplier.status = "suspended"
    supplier.save()
    response = _post(client_for(staff), f"{BASE}/listings", body)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "supplier_cannot_trade"
    assert "supplier_not_active" in error["details"]["blockers"]
