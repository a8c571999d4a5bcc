"""The public search, product and compare API: shapes, error codes (never a 500), listed
products only."""

from __future__ import annotations

import pytest

from govmall.catalog.models import Listing, SearchRow
from govmall.catalog.search.index import sync_listings
from tests.catalog.test_search_table import build_dataset

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/search"


def numbers_by_title() -> dict[str, str]:
    return dict(Listing.objects.values_list("title", "number"))


def test_search_is_public_and_has_the_documented_shape(client):
    build_dataset()
    response = client.get(URL, {"q": "空调", "sort": "price"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "count_is_estimate", "results", "facets"}
    assert (body["count"], body["count_is_estimate"]) == (3, False)
    assert [r["brand"] for r in body["results"]] == ["海尔", "格力", "美的"]
    assert [r["price"] for r in body["results"]] == ["2599.00", "3199.00", "6999.00"]
    assert set(body["facets"]) == {"categories", "brands", "price_ranges", "sampled"}
    assert body["facets"]["categories"][-1]["code"] == "Z0203"


def test_attribute_filters_and_repeated_brands_through_the_query_string(client):
    build_dataset()
    body = client.get(f"{URL}?attr.duplex=true&brand=惠普&brand=兄弟").json()
    assert sorted(r["model_no"] for r in body["results"]) == ["HL-L2350DW", "LaserJet Pro M404dn"]


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"min_price": "abc"}, 422, "invalid_price", "min_price"),
        ({"max_price": "-1"}, 422, "invalid_price", "max_price"),
        ({"max_price": "NaN"}, 422, "invalid_price", "max_price"),
        ({"max_price": "1e400"}, 422, "invalid_price", "max_price"),
        ({"min_price": "200", "max_price": "100"}, 422, "invalid_price_range", "min_price"),
        ({"category": "NOPE"}, 422, "unknown_category", "category"),
        ({"sort": "cheapest"}, 422, "invalid_sort", "sort"),
        ({"page": "0"}, 422, "invalid_page", "page"),
        ({"page": "-3"}, 422, "invalid_page", "page"),
        ({"page": "x"}, 422, "invalid_page", "page"),
        ({"page_size": "51"}, 422, "invalid_page_size", "page_size"),
        ({"division": "12"}, 422, "unknown_division", "division"),
        ({"division": "999999"}, 422, "unknown_division", "division"),
        ({"delivers_to": "000000"}, 422, "unknown_division", "delivers_to"),
        ({"q": "打" * 101}, 422, "invalid_query", "q"),
        ({"attr.bad key!": "1"}, 422, "invalid_attribute_filter", "attr.bad key!"),
    ],
)
def test_bad_parameters_get_stable_codes(client, params, status, code, field):
    build_dataset()
    response = client.get(URL, params)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == (code, field)


def test_odd_input_never_fails(client):
    build_dataset()
    for q in ["!!!", "   ", "-", "%", "_", "'; DROP TABLE x; --", "😀", "ＡＢＣ", "a" * 100]:
        response = client.get(URL, {"q": q})
        assert response.status_code == 200, (q, response.content)
    assert client.get(URL, {"page": "999999"}).json()["results"] == []
    nul = client.get(URL, {"q": "a\x00b"})
    assert (nul.status_code, nul.json()["error"]["code"]) == (400, "invalid_characters")


def test_product_detail_is_public_for_listed_products_only(client):
    data = build_dataset()
    numbers = numbers_by_title()
    number = numbers["惠普 LaserJet Pro M404dn 黑白激光打印机"]
    response = client.get(f"/api/v1/catalog/products/{number}")
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["brand"], body["price"], body["nationwide"]) == (
        number,
        "惠普",
        "2199.00",
        True,
    )
    assert [c["code"] for c in body["category"]["path"]] == ["Z", "Z02", "Z0202", "Z020201"]
    assert [(a["key"], a["value"]) for a in body["attributes"]] == [
        ("duplex", True),
        ("color", "黑白"),
    ]
    assert body["supplier"]["division_code"] == "150202"
    for title in ("惠普 DeskJet 4120 喷墨打印机", "惠普 LaserJet M110w 激光打印机"):
        hidden = client.get(f"/api/v1/catalog/products/{numbers[title]}")
        assert hidden.status_code == 404
        assert hidden.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/catalog/products/LST-0000-000000").status_code == 404
    assert data["labels"]


def test_product_detail_names_delivery_divisions(client):
    build_dataset()
    number = numbers_by_title()["惠普 Color LaserJet Pro M254dw 彩色激光打印机"]
    body = client.get(f"/api/v1/catalog/products/{number}").json()
    assert body["nationwide"] is False
    assert body["delivery_divisions"] == [{"code": "150000", "name": "内蒙古自治区"}]


def test_compare_aligns_attributes_and_marks_differences(client):
    build_dataset()
    numbers = numbers_by_title()
    a = numbers["惠普 LaserJet Pro M404dn 黑白激光打印机"]
    b = numbers["兄弟 HL-L2350DW 激光打印机"]
    c = numbers["惠普 Color LaserJet Pro M254dw 彩色激光打印机"]
    response = client.get("/api/v1/catalog/compare", {"numbers": f"{a},{b},{c}"})
    assert response.status_code == 200
    body = response.json()
    assert [p["number"] for p in body["products"]] == [a, b, c]
    rows = {r["key"]: r for r in body["attributes"]}
    assert rows["duplex"]["values"] == [True, True, False]
    assert rows["duplex"]["differs"] is True
    assert rows["color"]["values"] == ["黑白", "黑白", "彩色"]
    basics = {r["key"]: r for r in body["basics"]}
    assert basics["price"]["display"] == ["2199.00", "1299.00", "3299.00"]
    assert basics["price"]["differs"] is True


def test_compare_across_categories_shows_each_products_attributes(client):
    build_dataset()
    numbers = numbers_by_title()
    a = numbers["惠普 LaserJet Pro M404dn 黑白激光打印机"]
    b = numbers["联想 启天M437 台式电脑 i5 16G"]
    body = client.get(f"/api/v1/catalog/compare?numbers={a}&numbers={b}").json()
    rows = {r["key"]: r["values"] for r in body["attributes"]}
    assert rows == {"duplex": [True, None], "color": ["黑白", None], "ram_gb": [None, 16]}


@pytest.mark.parametrize(
    ("count", "status", "code"),
    [(1, 422, "compare_too_few"), (5, 422, "compare_too_many")],
)
def test_compare_counts(client, count, status, code):
    build_dataset()
    numbers = list(Listing.objects.filter(state="listed").values_list("number", flat=True))
    response = client.get("/api/v1/catalog/compare", {"numbers": ",".join(numbers[:count])})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_compare_unknown_or_unlisted_products(client):
    build_dataset()
    numbers = numbers_by_title()
    listed = numbers["兄弟 HL-L2350DW 激光打印机"]
    draft = numbers["惠普 LaserJet M110w 激光打印机"]
    response = client.get("/api/v1/catalog/compare", {"numbers": f"{listed},{draft},LST-X"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], error["details"]["numbers"]) == ("unknown_product", [draft, "LST-X"])


def test_search_rows_never_leak_unlisted_listings():
    build_dataset()
    assert SearchRow.objects.filter(listing__state="listed").count() == 16
    assert SearchRow.objects.count() == 16
    sync_listings([])  # nothing to do is fine
