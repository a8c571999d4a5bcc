"""Catalogue pages: search with facets, product page, comparison (public; purchasers get
"delivers to my division")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmall.accounts.roles import Role
from govmall.catalog.models import Listing
from tests.catalog.test_search_table import build_dataset
from tests.factories import make_user
from tests.permissions import client_for

pytestmark = pytest.mark.django_db


def number_of(title: str) -> str:
    return Listing.objects.get(title=title).number


def test_search_page_is_public_with_results_and_facets(client, english):
    build_dataset()
    response = client.get(reverse("catalog:search"), {"q": "打印机"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "7 products" in html
    assert "惠普 LaserJet Pro M404dn 黑白激光打印机" in html
    assert 'data-code="Z020201"' in html  # category facet
    assert 'name="brand" value="惠普"' in html  # brand facet
    assert "Energy-saving ★" in html


def test_search_page_default_language_is_chinese(client):
    build_dataset()
    response = client.get(reverse("catalog:search"), {"q": "空调"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "空调机" in response.content.decode()


def test_category_filter_shows_attribute_filters(client, english):
    build_dataset()
    response = client.get(reverse("catalog:search"), {"category": "Z020201"})
    html = response.content.decode()
    assert 'data-testid="facet-attributes"' in html
    assert 'name="attr.duplex"' in html
    assert 'name="attr.color"' in html
    assert "4 products" in html


def test_bad_parameters_show_a_message_not_a_500(client, english):
    build_dataset()
    for params in (
        {"min_price": "x"},
        {"min_price": "9", "max_price": "1"},
        {"category": "NOPE"},
        {"sort": "bogus"},
        {"page": "0"},
    ):
        response = client.get(reverse("catalog:search"), params)
        assert response.status_code == 400, params
        assert 'data-testid="search-error"' in response.content.decode()


def test_page_beyond_the_end_is_empty(client, english):
    build_dataset()
    response = client.get(reverse("catalog:search"), {"page": "99"})
    assert response.status_code == 200
    assert "No product matches" in response.content.decode()


def test_delivers_to_my_division_for_purchasers(english):
    build_dataset()
    buyer = make_user(Role.BUYER, division="110105")
    client = client_for(buyer)
    html = client.get(reverse("catalog:search"), {"q": "空调"}).content.decode()
    assert 'data-testid="delivers-mine"' in html
    assert "3 products" in html
    html = client.get(reverse("catalog:search"), {"q": "空调", "mine": "1"}).content.decode()
    assert "2 products" in html  # 格力 delivers in Inner Mongolia only
    assert "格力" not in html.split('data-testid="results"')[1]


def test_anonymous_visitors_have_no_division_filter(client, english):
    build_dataset()
    html = client.get(reverse("catalog:search"), {"q": "空调", "mine": "1"}).content.decode()
    assert 'data-testid="delivers-mine"' not in html
    assert "3 products" in html


def test_compare_selection_travels_in_the_query_string(client, english):
    build_dataset()
    a = number_of("兄弟 HL-L2350DW 激光打印机")
    b = number_of("惠普 LaserJet Pro M404dn 黑白激光打印机")
    html = client.get(reverse("catalog:search"), {"q": "空调", "n": [a, b]}).content.decode()
    assert f'<input type="hidden" name="n" value="{a}">' in html  # not on this page: kept
    assert f"/catalog/compare/?n={a}&amp;n={b}" in html
    html = client.get(
        reverse("catalog:search"), {"q": "打印机", "n": [a, "X1", "X2", "X3", "X4"]}
    ).content.decode()
    assert "Compare at most 4 products" in html


def test_product_page(client, english):
    build_dataset()
    number = number_of("惠普 Color LaserJet Pro M254dw 彩色激光打印机")
    response = client.get(reverse("catalog:product", args=[number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "¥3299.00" in html
    assert "内蒙古自治区" in html  # delivery area
    assert 'data-testid="energy-badge"' in html
    assert 'data-testid="product-attributes"' in html


def test_product_page_of_unlisted_products_is_404(client):
    build_dataset()
    for title in ("惠普 DeskJet 4120 喷墨打印机", "惠普 LaserJet M110w 激光打印机"):
        assert client.get(reverse("catalog:product", args=[number_of(title)])).status_code == 404
    assert client.get(reverse("catalog:product", args=["NOPE"])).status_code == 404


def test_compare_page(client, english):
    build_dataset()
    a = number_of("兄弟 HL-L2350DW 激光打印机")
    b = number_of("惠普 Color LaserJet Pro M254dw 彩色激光打印机")
    response = client.get(reverse("catalog:compare"), {"n": [a, b]})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="compare-table"' in html
    assert 'class="differs" data-key="duplex"' in html
    response = client.get(reverse("catalog:compare"), {"n": [a]})
    assert response.status_code == 422
    assert "at least 2" in response.content.decode()
    response = client.get(reverse("catalog:compare"), {"n": [a, "LST-NOPE"]})
    assert response.status_code == 404
