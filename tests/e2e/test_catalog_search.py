"""Browser journey: search the catalogue, narrow by the category facet, open a product, choose
two products and compare them (screenshots in var/screenshots/catalog-*.png)."""

from __future__ import annotations

import pytest

from govmall.catalog.models import Listing
from tests.catalog.test_search_table import build_dataset
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_filter_product_and_compare(page):
    build_dataset()
    page.goto(page.base_url + "/catalog/")
    assert page.locator("[data-testid=results] li").count() == 16
    page.fill("[data-testid=search-q]", "打印机")
    page.click("[data-testid=search-submit]")
    page.wait_for_url("**/catalog/?*q=*")
    page.wait_for_function("document.querySelectorAll('[data-testid=results] li').length === 7")
    assert "7" in page.inner_text("[data-testid=result-count]")
    screenshot(page, "catalog-search")

    # narrow by the category facet: 激光打印机
    page.click("[data-testid=facet-categories] a[data-code=Z020201]")
    page.wait_for_url("**category=Z020201**")
    assert page.locator("[data-testid=results] li").count() == 4
    assert page.locator("[data-testid=facet-attributes]").count() == 1
    # an attribute filter (htmx refreshes the results in place; plain GET without JS)
    page.select_option("select[name='attr.duplex']", "true")
    page.wait_for_function("document.querySelectorAll('[data-testid=results] li').length === 2")
    screenshot(page, "catalog-search-filtered")

    # choose two products for comparison
    first, second = (
        Listing.objects.get(title="惠普 LaserJet Pro M404dn 黑白激光打印机").number,
        Listing.objects.get(title="兄弟 HL-L2350DW 激光打印机").number,
    )
    page.check(f"[data-testid=compare-{first}]")
    page.wait_for_selector("[data-testid=compare-tray]")
    page.check(f"[data-testid=compare-{second}]")
    page.wait_for_selector("[data-testid=compare-link]")
    screenshot(page, "catalog-search-compare-tray")

    # open a product
    page.click(f"li[data-number='{first}'] .product-title")
    page.wait_for_url(f"**/catalog/products/{first}/")
    assert "2199.00" in page.inner_text("[data-testid=product-price]")
    assert page.locator("[data-testid=energy-badge]").count() == 1
    assert (
        "双面" in page.inner_text("[data-testid=product-attributes]")
        or page.locator("[data-testid=product-attributes] tr").count() == 2
    )
    screenshot(page, "catalog-product")
    page.go_back()
    page.wait_for_selector("[data-testid=compare-link]")
    page.click("[data-testid=compare-link]")
    page.wait_for_url("**/catalog/compare/?n=*")
    table = page.locator("[data-testid=compare-table]")
    assert first in page.content() and second in page.content()
    assert table.locator("thead th.compare-product").count() == 2
    assert table.locator("tr.differs").count() >= 3  # price, brand, model at least
    screenshot(page, "catalog-compare")


def test_purchaser_filters_by_delivery_to_their_division(page):
    build_dataset()
    buyer = make_user("buyer", division="110105")
    login(page, buyer.username, PASSWORD)
    page.goto(page.base_url + "/catalog/?q=空调")
    assert page.locator("[data-testid=results] li").count() == 3
    page.check("[data-testid=delivers-mine]")
    page.wait_for_function("document.querySelectorAll('[data-testid=results] li').length === 2")
    assert "mine=1" in page.url
    page.click("button.lang-button:has-text('English')")
    page.wait_for_selector("html[lang=en]")
    assert "Delivers to my division" in page.content()
    screenshot(page, "catalog-search-en")
