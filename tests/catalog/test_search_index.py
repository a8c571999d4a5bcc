"""Keeping the search table in step: rows for listed listings only, terms follow content,
set-based (the query count does not grow with the batch), rebuild and its command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmall.catalog.models import Brand, Listing, SearchRow
from govmall.catalog.search.index import rebuild_all, sync_listings
from govmall.catalog.search.query import parse_query
from govmall.catalog.search.service import search
from govmall.catalog.search.tokens import (
    index_terms,
    norm_value,
    query_words,
    search_words,
    term_hash,
)
from tests.catalog.factories import make_category, make_listing_row
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def titles(params: dict) -> list[str]:
    return [r["title"] for r in search(parse_query(params)).results]


@pytest.fixture
def printer_category():
    root = make_category("Y", name_zh="货物", name_en="Goods")
    return make_category(
        "Y01",
        parent=root,
        name_zh="激光打印机",
        name_en="Laser printer",
        attributes=[{"key": "duplex", "kind": "boolean", "is_filter": True}],
    )


def test_delisted_listing_leaves_the_index(printer_category):
    supplier, _admin = make_supplier()
    listing = make_listing_row(supplier, printer_category, title="惠普 M404dn 激光打印机")
    sync_listings([listing.pk])
    assert titles({"q": "打印机"}) == ["惠普 M404dn 激光打印机"]
    Listing.objects.filter(pk=listing.pk).update(state="delisted")
    sync_listings([listing.pk])
    assert not SearchRow.objects.filter(listing=listing).exists()
    assert titles({"q": "打印机"}) == []
    Listing.objects.filter(pk=listing.pk).update(state="suspended")
    sync_listings([listing.pk])
    assert titles({"q": "打印机"}) == []
    Listing.objects.filter(pk=listing.pk).update(state="listed")
    sync_listings([listing.pk])
    assert titles({"q": "打印机"}) == ["惠普 M404dn 激光打印机"]


def test_applied_revision_updates_the_terms(printer_category):
    supplier, _admin = make_supplier()
    listing = make_listing_row(
        supplier,
        printer_category,
        title="惠普 M404dn 激光打印机",
        model_no="M404dn",
        price="2000.00",
        attributes={"duplex": False},
    )
    sync_listings([listing.pk])
    # what applying a revision does to the live content
    Listing.objects.filter(pk=listing.pk).update(
        title="惠普 M404dw 无线激光打印机",
        model_no="M404dw",
        price="1800.00",
        attributes={"duplex": True},
    )
    sync_listings([listing.pk])
    assert titles({"q": "M404dn"}) == []
    assert titles({"q": "无线"}) == ["惠普 M404dw 无线激光打印机"]
    assert titles({"q": "m404dw", "max_price": "1800"}) == ["惠普 M404dw 无线激光打印机"]
    assert titles({"attr.duplex": "true"}) == ["惠普 M404dw 无线激光打印机"]
    assert titles({"attr.duplex": "false"}) == []
    row = SearchRow.objects.get(listing=listing)
    assert str(row.price) == "1800.00"


def test_sync_is_set_based(printer_category):
    supplier, _admin = make_supplier()
    small = [make_listing_row(supplier, printer_category).pk for _ in range(2)]
    large = [make_listing_row(supplier, printer_category, brand="佳能").pk for _ in range(20)]
    sync_listings(small)  # brands exist from here on
    with CaptureQueriesContext(connection) as few:
        sync_listings(small)
    with CaptureQueriesContext(connection) as many:
        sync_listings(large + small)
    assert len(many) <= len(few) + 2  # + creating the new brand
    assert SearchRow.objects.count() == 22
    assert Brand.objects.filter(norm__in=["惠普", "佳能"]).count() == 2


def test_rebuild_all_and_the_command(printer_category):
    supplier, _admin = make_supplier()
    listed = [make_listing_row(supplier, printer_category).pk for _ in range(3)]
    draft = make_listing_row(supplier, printer_category, state="draft")
    SearchRow.objects.create(
        listing=draft,
        terms=[1],
        title_terms=[],
        category_id=printer_category.pk,
        brand_id=0,
        supplier_division=150202,
        price="1.00",
        listed_at=draft.created_at,
    )
    seen = []
    assert rebuild_all(lambda done, total: seen.append((done, total)), chunk=2) == 3
    assert seen == [(0, 3), (2, 3), (3, 3)]
    assert sorted(SearchRow.objects.values_list("listing_id", flat=True)) == sorted(listed)
    SearchRow.objects.all().delete()
    out = StringIO()
    call_command("catalog_reindex", stdout=out)
    assert SearchRow.objects.count() == 3
    assert "3" in out.getvalue()


def test_tokens_fold_width_and_case():
    assert query_words("ＭＦ２３２Ｗ 打印机") == ["mf232w", "打印机"]
    assert query_words("惠普,激光打印机!") == ["惠普", "激光打印机"]
    assert "打印机" in search_words("惠普激光打印机")
    assert "电脑" in search_words("台式计算机")  # synonyms
    assert norm_value("16.0") == norm_value(16) == "16"
    assert norm_value("1.50") == "1.5"
    assert norm_value(True) == norm_value("是") == "true"
    assert norm_value("ＡＢＣ") == "abc"
    terms, title_terms = index_terms(
        title="惠普 激光打印机", brand="惠普", model_no="M404dn", delivery_codes=[]
    )
    assert term_hash("dlv", "*") in terms
    assert term_hash("model", "m404dn") in terms
    assert set(title_terms) <= set(terms)
    assert -(2**63) <= term_hash("w", "打印机") < 2**63
