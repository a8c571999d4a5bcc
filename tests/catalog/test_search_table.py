"""The fixed query table of catalogue search: the same answers on SQLite and PostgreSQL.

    .venv/bin/pytest tests/catalog/test_search_table.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hsearch .venv/bin/pytest \
        tests/catalog/test_search_table.py

A small fixed catalogue (16 live listings, one delisted, one draft) over a category tree of
its own (codes Z…, names as in the 政府采购品目 tree), three suppliers in 包头 (150202),
呼和浩特 (150102) and 北京 (110105). Listing Ln is listed n hours after a fixed moment, so
"newest" is L16 first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from govmall.catalog.models import Listing
from govmall.catalog.search.index import sync_listings
from govmall.catalog.search.query import parse_query
from govmall.catalog.search.service import search
from tests.catalog.factories import make_category, make_listing_row
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# label: (title, brand, model, category, price, supplier, delivery, attributes)
LISTINGS: dict[str, tuple[str, str, str, str, str, str, list[str], dict[str, Any]]] = {
    "L1": (
        "惠普 LaserJet Pro M404dn 黑白激光打印机",
        "惠普",
        "LaserJet Pro M404dn",
        "laser",
        "2199.00",
        "S1",
        [],
        {"duplex": True, "color": "黑白"},
    ),
    "L2": (
        "惠普 Color LaserJet Pro M254dw 彩色激光打印机",
        "惠普",
        "M254dw",
        "laser",
        "3299.00",
        "S2",
        ["150000"],
        {"duplex": False, "color": "彩色"},
    ),
    "L3": (
        "佳能 imageCLASS MF232w 激光多功能一体机",
        "佳能",
        "MF232w",
        "laser",
        "1599.00",
        "S1",
        ["150200"],
        {"duplex": False, "color": "黑白"},
    ),
    "L4": (
        "兄弟 HL-L2350DW 激光打印机",
        "兄弟",
        "HL-L2350DW",
        "laser",
        "1299.00",
        "S3",
        ["110000"],
        {"duplex": True, "color": "黑白"},
    ),
    "L5": ("爱普生 L3258 墨仓式喷墨打印机", "爱普生", "L3258", "inkjet", "1099.00", "S2", [], {}),
    "L6": (
        "惠普 DeskJet 2720 喷墨打印机",
        "惠普",
        "DeskJet 2720",
        "inkjet",
        "499.00",
        "S1",
        [],
        {},
    ),
    "L7": (
        "佳能 PIXMA G3810 喷墨打印机",
        "佳能",
        "G3810",
        "inkjet",
        "999.00",
        "S3",
        ["110000"],
        {},
    ),
    "L8": (
        "格力 KFR-35GW 1.5匹 壁挂式空调",
        "格力",
        "KFR-35GW",
        "ac",
        "3199.00",
        "S1",
        ["150000"],
        {"power_hp": "1.5"},
    ),
    "L9": (
        "美的 KFR-72LW 3匹 立柜式空调",
        "美的",
        "KFR-72LW",
        "ac",
        "6999.00",
        "S2",
        [],
        {"power_hp": 3},
    ),
    "L10": (
        "海尔 KFR-26GW 大1匹 挂机空调",
        "海尔",
        "KFR-26GW",
        "ac",
        "2599.00",
        "S3",
        ["110000"],
        {"power_hp": "1"},
    ),
    "L11": (
        "联想 启天M437 台式电脑 i5 16G",
        "联想",
        "启天M437",
        "desktop",
        "5299.00",
        "S1",
        [],
        {"ram_gb": 16},
    ),
    "L12": (
        "华为 MateStation S 台式计算机",
        "华为",
        "MateStation S",
        "desktop",
        "4999.00",
        "S2",
        [],
        {"ram_gb": "16.0"},
    ),
    "L13": (
        "戴尔 OptiPlex 7010 商用台式机 8G",
        "戴尔",
        "OptiPlex 7010",
        "desktop",
        "4599.00",
        "S3",
        [],
        {"ram_gb": 8},
    ),
    "L14": (
        "联想 ThinkPad E14 笔记本电脑",
        "联想",
        "ThinkPad E14",
        "laptop",
        "5999.00",
        "S1",
        [],
        {},
    ),
    "L15": (
        "华为 MateBook D14 笔记本电脑",
        "华为",
        "MateBook D14",
        "laptop",
        "4699.00",
        "S2",
        ["150000"],
        {},
    ),
    "L16": ("得力 DL-1400 办公桌 1.4米", "得力", "DL-1400", "desk", "899.00", "S1", [], {}),
}
# Not live: must never be found.
HIDDEN = {
    "X1": (
        "惠普 DeskJet 4120 喷墨打印机",
        "惠普",
        "DeskJet 4120",
        "inkjet",
        "599.00",
        "S1",
        "delisted",
    ),
    "X2": (
        "惠普 LaserJet M110w 激光打印机",
        "惠普",
        "LaserJet M110w",
        "laser",
        "899.00",
        "S1",
        "draft",
    ),
}


def build_dataset() -> dict[str, Any]:
    """The fixed catalogue; returns {"labels": {listing id: label}, "categories": {...}}."""
    root = make_category("Z", name_zh="货物", name_en="Goods")
    general = make_category("Z02", parent=root, name_zh="通用设备", name_en="General equipment")
    computers = make_category(
        "Z0201", parent=general, name_zh="计算机设备", name_en="Computer equipment"
    )
    printers = make_category(
        "Z0202", parent=general, name_zh="打印设备", name_en="Printing equipment"
    )
    furniture = make_category("Z06", parent=root, name_zh="家具用具", name_en="Furniture")
    cats = {
        "desktop": make_category(
            "Z020101",
            parent=computers,
            name_zh="台式计算机",
            name_en="Desktop computer",
            energy_status="mandatory",
            attributes=[{"key": "ram_gb", "kind": "number", "unit": "GB", "is_filter": True}],
        ),
        "laptop": make_category(
            "Z020102", parent=computers, name_zh="便携式计算机", name_en="Laptop computer"
        ),
        "laser": make_category(
            "Z020201",
            parent=printers,
            name_zh="激光打印机",
            name_en="Laser printer",
            energy_status="mandatory",
            attributes=[
                {"key": "duplex", "kind": "boolean", "is_filter": True},
                {"key": "color", "kind": "choice", "choices": ["黑白", "彩色"], "is_filter": True},
            ],
        ),
        "inkjet": make_category(
            "Z020202", parent=printers, name_zh="喷墨打印机", name_en="Inkjet printer"
        ),
        "ac": make_category(
            "Z0203",
            parent=general,
            name_zh="空调机",
            name_en="Air conditioner",
            attributes=[{"key": "power_hp", "kind": "number", "unit": "匹", "is_filter": True}],
        ),
        "desk": make_category("Z0601", parent=furniture, name_zh="办公桌", name_en="Office desk"),
    }
    suppliers = {
        "S1": make_supplier(division="150202", name="包头市测试办公设备有限公司")[0],
        "S2": make_supplier(division="150102", name="呼和浩特测试科技有限公司")[0],
        "S3": make_supplier(division="110105", name="北京测试贸易有限公司")[0],
    }
    labels: dict[int, str] = {}
    for n, (label, row) in enumerate(LISTINGS.items(), start=1):
        title, brand, model, cat, price, sup, delivery, attrs = row
        listing = make_listing_row(
            suppliers[sup],
            cats[cat],
            title=title,
            brand=brand,
            model_no=model,
            price=price,
            attributes=attrs,
            delivery_divisions=delivery,
        )
        Listing.objects.filter(pk=listing.pk).update(listed_at=T0 + timedelta(hours=n))
        labels[listing.pk] = label
    for label, (title, brand, model, cat, price, sup, state) in HIDDEN.items():
        listing = make_listing_row(
            suppliers[sup],
            cats[cat],
            state=state,
            title=title,
            brand=brand,
            model_no=model,
            price=price,
        )
        labels[listing.pk] = label
    sync_listings(labels)
    return {"labels": labels, "categories": cats, "suppliers": suppliers}


def run(params: dict[str, Any], **override: Any) -> Any:
    query = parse_query(params)
    if override:
        from dataclasses import replace

        query = replace(query, **override)
    return search(query)


def found(result: Any) -> list[str]:
    by_title = {row[0]: label for label, row in {**LISTINGS, **HIDDEN}.items()}
    return [by_title[r["title"]] for r in result.results]


def newest(*labels: str) -> list[str]:
    return sorted(labels, key=lambda label: -int(label[1:]))


PRINTERS = ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]
# (params, expected labels in order). page_size 50 unless given.
TABLE: list[tuple[dict[str, Any], list[str]]] = [
    # broad word: laser and inkjet printers; relevance puts titles with 打印机 first (L3's title
    # says 一体机: it is found by its category), then newest
    ({"q": "打印机"}, ["L7", "L6", "L5", "L4", "L2", "L1", "L3"]),
    ({"q": "打印机", "sort": "newest"}, newest(*PRINTERS)),
    ({"q": "空调"}, ["L10", "L9", "L8"]),
    ({"q": "电脑", "sort": "newest"}, newest("L11", "L12", "L13", "L14", "L15")),
    ({"q": "计算机", "sort": "newest"}, newest("L11", "L12", "L13", "L14", "L15")),
    ({"q": "笔记本"}, ["L15", "L14"]),
    ({"q": "惠普 激光打印机"}, ["L2", "L1"]),
    ({"q": "惠普激光打印机"}, ["L2", "L1"]),
    ({"q": "喷墨"}, ["L7", "L6", "L5"]),
    ({"q": "printer", "sort": "newest"}, newest(*PRINTERS)),
    ({"q": "Laser Printer"}, ["L4", "L3", "L2", "L1"]),
    # exact models, any case and width, with or without hyphens and spaces
    ({"q": "ｍ４０４ＤＮ"}, ["L1"]),
    ({"q": "LaserJet-Pro M404dn"}, ["L1"]),
    ({"q": "laserjetprom404dn"}, ["L1"]),
    ({"q": "ＭＦ２３２Ｗ"}, ["L3"]),
    ({"q": "hl-l2350dw"}, ["L4"]),
    ({"q": "HLL2350DW"}, ["L4"]),
    ({"q": "kfr-35gw"}, ["L8"]),
    ({"q": "启天M437"}, ["L11"]),
    # brand as a word and as a filter
    ({"q": "惠普"}, ["L6", "L2", "L1"]),
    ({"brand": "惠普"}, ["L6", "L2", "L1"]),
    ({"brand": ["惠普", "佳能"]}, ["L7", "L6", "L3", "L2", "L1"]),
    ({"brand": "不存在的品牌"}, []),
    # category with its descendants
    ({"category": "Z0202"}, newest(*PRINTERS)),
    ({"category": "Z020201"}, ["L4", "L3", "L2", "L1"]),
    ({"category": "Z02", "q": "空调"}, ["L10", "L9", "L8"]),
    ({"category": "Z06"}, ["L16"]),
    ({"category": "Z0201", "q": "打印机"}, []),
    # price range (inclusive)
    ({"min_price": "1000", "max_price": "2000"}, ["L5", "L4", "L3"]),
    ({"min_price": "1099", "max_price": "1099.00"}, ["L5"]),
    ({"max_price": "500"}, ["L6"]),
    (
        {"q": "打印机", "min_price": "1000", "max_price": "3000", "sort": "price"},
        ["L5", "L4", "L3", "L1"],
    ),
    ({"q": "空调", "sort": "price_desc"}, ["L9", "L8", "L10"]),
    ({"category": "Z0201", "sort": "price"}, ["L13", "L15", "L12", "L11", "L14"]),
    # supplier division (and everything under it)
    ({"division": "150200"}, newest("L1", "L3", "L6", "L8", "L11", "L14", "L16")),
    ({"division": "150202", "q": "空调"}, ["L8"]),
    ({"division": "150000", "category": "Z020201"}, ["L3", "L2", "L1"]),
    ({"division": "110000"}, newest("L4", "L7", "L10", "L13")),
    # delivers to: nationwide, or the division or one of its ancestors
    (
        {"delivers_to": "150202"},
        newest("L1", "L2", "L3", "L5", "L6", "L8", "L9", "L11", "L12", "L13", "L14", "L15", "L16"),
    ),
    ({"delivers_to": "150102", "category": "Z020201"}, ["L2", "L1"]),
    ({"delivers_to": "110105", "q": "空调"}, ["L10", "L9"]),
    # attributes (numbers normalised, booleans as true/是)
    ({"attr.duplex": "true"}, ["L4", "L1"]),
    ({"attr.duplex": "是", "category": "Z020201"}, ["L4", "L1"]),
    ({"attr.duplex": "false"}, ["L3", "L2"]),
    ({"attr.ram_gb": "16"}, ["L12", "L11"]),
    ({"attr.ram_gb": "16.00"}, ["L12", "L11"]),
    ({"attr.power_hp": "1.5"}, ["L8"]),
    ({"attr.color": "彩色", "category": "Z020201"}, ["L2"]),
    ({"attr.color": "黑白", "attr.duplex": "true"}, ["L4", "L1"]),
    # not live: never found
    ({"q": "4120"}, []),
    ({"q": "M110w"}, []),
    ({"q": "不存在的东西"}, []),
    # sorts without text
    ({}, newest(*LISTINGS)),
    ({"sort": "relevance"}, newest(*LISTINGS)),
    ({"sort": "price", "max_price": "1100"}, ["L6", "L16", "L7", "L5"]),
    # pagination
    ({"q": "打印机", "sort": "newest", "page_size": "3", "page": "1"}, ["L7", "L6", "L5"]),
    ({"q": "打印机", "sort": "newest", "page_size": "3", "page": "2"}, ["L4", "L3", "L2"]),
    ({"q": "打印机", "sort": "newest", "page_size": "3", "page": "3"}, ["L1"]),
    ({"q": "打印机", "sort": "newest", "page_size": "3", "page": "4"}, []),
    ({"q": "打印机", "page_size": "2", "page": "4"}, ["L3"]),
]


def test_fixed_query_table():
    build_dataset()
    failures = []
    for params, expected in TABLE:
        params = {"page_size": "50", **params}
        result = run(params)
        got = found(result)
        if got != expected:
            failures.append(f"{params}: expected {expected}, got {got}")
        elif "page" not in params and result.count != len(expected):
            failures.append(f"{params}: count {result.count}, expected {len(expected)}")
        elif result.count_is_estimate:
            failures.append(f"{params}: count marked as an estimate")
    assert not failures, "\n".join(failures)


def test_counts_are_exact_under_the_cap_with_pagination():
    build_dataset()
    result = run({"q": "打印机", "page_size": "3", "page": "2"})
    assert (result.count, result.count_is_estimate, len(result.results)) == (7, False, 3)
    assert result.pages == 3


def test_facets_count_exactly():
    build_dataset()
    result = run({"q": "打印机"})
    facets = result.facets
    assert facets["sampled"] is False
    assert [(f["code"], f["count"], f["depth"]) for f in facets["categories"]] == [
        ("Z", 7, 0),
        ("Z02", 7, 1),
        ("Z0202", 7, 2),
        ("Z020201", 4, 3),
        ("Z020202", 3, 3),
    ]
    assert [(f["name_zh"], f["name_en"]) for f in facets["categories"][-2:]] == [
        ("激光打印机", "Laser printer"),
        ("喷墨打印机", "Inkjet printer"),
    ]
    assert [(f["name"], f["count"]) for f in facets["brands"]] == [
        ("惠普", 3),
        ("佳能", 2),
        ("兄弟", 1),
        ("爱普生", 1),
    ]
    assert facets["price_ranges"] == [
        {"min": "100", "max": "500", "count": 1},
        {"min": "500", "max": "1000", "count": 1},
        {"min": "1000", "max": "2000", "count": 3},
        {"min": "2000", "max": "5000", "count": 2},
    ]


def test_facets_follow_filters():
    build_dataset()
    result = run({"brand": "华为"})
    assert [(f["code"], f["count"]) for f in result.facets["categories"]] == [
        ("Z", 2),
        ("Z02", 2),
        ("Z0201", 2),
        ("Z020101", 1),
        ("Z020102", 1),
    ]
    assert [(f["name"], f["count"]) for f in result.facets["brands"]] == [("华为", 2)]


def test_over_the_cap_the_count_is_an_estimate_and_facets_a_sample():
    build_dataset()
    result = run({"q": "打印机", "sort": "newest", "page_size": "2"}, cap=3)
    assert result.count_is_estimate is True
    assert result.count >= 4
    assert found(result) == ["L7", "L6"]
    # facets: the newest three candidates (L7, L6, L5: inkjet printers)
    assert result.facets["sampled"] is True
    assert [(f["code"], f["count"]) for f in result.facets["categories"]][-1] == ("Z020202", 3)
    assert sum(f["count"] for f in result.facets["brands"]) == 3
    # the page that starts inside the cap stops at it; pages beyond it are empty
    assert found(run({"q": "打印机", "sort": "newest", "page_size": "2", "page": "2"}, cap=3)) == [
        "L5"
    ]
    assert found(run({"q": "打印机", "sort": "newest", "page_size": "2", "page": "3"}, cap=3)) == []
    # price order runs over every match, not only the capped candidates
    assert found(run({"q": "打印机", "sort": "price", "page_size": "2"}, cap=3)) == ["L6", "L7"]
    assert found(run({"q": "打印机", "sort": "price_desc", "page_size": "2"}, cap=3)) == [
        "L2",
        "L1",
    ]
    # relevance ranks within the capped candidates
    assert found(run({"q": "打印机", "page_size": "5"}, cap=3)) == ["L7", "L6", "L5"]
    exact = run({"q": "打印机"}, cap=7)
    assert (exact.count, exact.count_is_estimate) == (7, False)


def test_cap_from_settings(settings):
    build_dataset()
    settings.GOVMALL_SEARCH_CAP = 2
    result = run({"category": "Z020201"})
    assert result.count_is_estimate is True
    assert result.count >= 3
    assert len(result.results) == 2


def test_results_carry_what_the_page_shows():
    build_dataset()
    (row,) = run({"q": "ｍ４０４ＤＮ"}).results
    assert row["number"].startswith("LST-")
    assert {k: row[k] for k in ("title", "brand", "model_no", "price", "unit")} == {
        "title": "惠普 LaserJet Pro M404dn 黑白激光打印机",
        "brand": "惠普",
        "model_no": "LaserJet Pro M404dn",
        "price": "2199.00",
        "unit": "台",
    }
    assert row["category_code"] == "Z020201"
    assert row["category_name"] in ("激光打印机", "Laser printer")
    assert row["supplier_name"] == "包头市测试办公设备有限公司"
    assert row["energy_status"] == "mandatory"
    assert row["thumbnail_url"] is None
    assert row["listed_at"].startswith("2026-03-02T09:00:00")
    assert Decimal(row["price"]) == Decimal("2199")
