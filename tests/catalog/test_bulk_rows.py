"""Reading listing files: CSV (UTF-8, BOM, GB18030) and XLSX; headers in both languages;
attribute columns; faults of the file as a whole."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from govmall.catalog.bulk_rows import (
    MAX_ROWS,
    csv_bytes,
    example_row,
    parse_listing_file,
    template_headers,
)
from govmall.core.errors import DomainError
from tests.catalog.bulk_helpers import printer_category

pytestmark = pytest.mark.django_db

ZH = ["商品编码", "品目编码", "商品名称", "品牌", "型号", "计量单位", "价格"]
EN = ["sku", "category", "title", "brand", "model", "unit", "price"]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_csv(rows: list[list[str]], encoding: str = "utf-8", bom: bool = False) -> bytes:
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def test_chinese_headers_with_bom_and_attribute_columns():
    category = printer_category()
    rows = [
        [*ZH, "库存", "配送区域", "图片", "无额外费用", "打印速度", "attr:max_paper", "自动双面"],
        [
            "P1",
            category.code,
            "惠普 M404dn 激光打印机",
            "惠普",
            "M404dn",
            "台",
            "2399.00",
            "12",
            "150000;150200",
            "3;4",
            "是",
            "38",
            "A4",
            "否",
        ],
    ]
    parsed = parse_listing_file(text_csv(rows, bom=True), "清单.csv")
    [row] = parsed.rows
    assert row.line == 2
    assert row.item == {
        "sku": "P1",
        "category": category.code,
        "title": "惠普 M404dn 激光打印机",
        "brand": "惠普",
        "model_no": "M404dn",
        "unit": "台",
        "price": "2399.00",
        "stock": 12,
        "delivery_divisions": ["150000", "150200"],
        "image_ids": [3, 4],
        "no_extra_fees": True,
        "attributes": {"speed_ppm": 38, "max_paper": "A4", "duplex": False},
    }


def test_english_headers_in_any_order_gb18030():
    rows = [
        ["price", "Model", "SKU", "brand", "title", "unit", "Category", "extra_fees", "origin"],
        [
            "12.5",
            "A4-70",
            "PAPER-1",
            "得力",
            "得力 A4-70 复印纸",
            "箱",
            "A090101",
            "运费:20;安装费：5",
            "进口",
        ],
    ]
    parsed = parse_listing_file(text_csv(rows, encoding="gb18030"), "paper.csv")
    item = parsed.rows[0].item
    assert item["model_no"] == "A4-70" and item["sku"] == "PAPER-1"
    assert item["title"] == "得力 A4-70 复印纸"
    assert item["extra_fees"] == [
        {"name": "运费", "amount": "20"},
        {"name": "安装费", "amount": "5"},
    ]
    assert item["origin"] == "imported"


def test_xlsx_values_become_text_and_dates_iso():
    category = printer_category()
    rows = [
        [*EN, "stock", "energy_cert_expiry", "warranty_months"],
        [
            "X1",
            category.code,
            "惠普 M1 打印机",
            "惠普",
            "M1",
            "台",
            2399,
            5.0,
            datetime(2028, 6, 30),
            12,
        ],
        [None] * 10,  # blank rows are skipped
        [
            "X2",
            category.code,
            "惠普 M2 打印机",
            "惠普",
            "M2",
            "台",
            12.5,
            None,
            date(2027, 1, 2),
            None,
        ],
    ]
    parsed = parse_listing_file(xlsx_bytes(rows), "list.xlsx")
    assert [r.line for r in parsed.rows] == [2, 4]
    first, second = (r.item for r in parsed.rows)
    assert first["price"] == "2399" and first["stock"] == 5
    assert first["energy_cert_expiry"] == "2028-06-30" and first["warranty_months"] == 12
    assert second["price"] == "12.5" and "stock" not in second
    assert second["energy_cert_expiry"] == "2027-01-02"


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"", "a.csv", "empty_file"),
        (b"sku\x00,category\r\n", "a.csv", "invalid_file"),
        (b"PK\x03\x04not really a zip", "a.xlsx", "invalid_file"),
        ("商品编码,品目编码,商品名称\r\nA,B,C\r\n".encode(), "a.csv", "missing_columns"),
        (
            "sku,商品编码,category,title,brand,model,unit,price\r\n".encode(),
            "a.csv",
            "duplicate_column",
        ),
        (b"\r\n\r\n", "a.csv", "empty_file"),
    ],
)
def test_faults_of_the_whole_file(data, name, code, english):
    with pytest.raises(DomainError) as err:
        parse_listing_file(data, name)
    assert err.value.code == code
    assert err.value.field == "file"


def test_bad_encoding_is_named(english):
    # Invalid in UTF-8 and in GB18030 (0xFF is never a lead byte).
    data = b"sku,category\r\n" + b"\xff\xff\xff\r\n"
    with pytest.raises(DomainError) as err:
        parse_listing_file(data, "a.csv")
    assert err.value.code == "invalid_encoding"


def test_missing_columns_are_listed(english):
    with pytest.raises(DomainError) as err:
        parse_listing_file(b"sku,title\r\nA,B\r\n", "a.csv")
    assert err.value.details["columns"] == ["category", "brand", "model_no", "unit", "price"]
    assert "品目编码/category" in err.value.message


def test_too_many_rows(english):
    body = "sku,category,title,brand,model,unit,price\r\n" + "a,b,c,d,e,f,1\r\n" * (MAX_ROWS + 1)
    with pytest.raises(DomainError) as err:
        parse_listing_file(body.encode(), "a.csv")
    assert err.value.code == "too_many_rows"


def test_unknown_attribute_column_is_left_to_the_row():
    category = printer_category()
    rows = [[*EN, "颜色"], ["A", category.code, "t", "b", "m", "台", "1", "红"]]
    parsed = parse_listing_file(text_csv(rows), "a.csv")
    assert parsed.rows[0].item["attributes"] == {"颜色": "红"}


def test_template_round_trips_through_the_parser():
    category = printer_category()
    headers = template_headers(category)
    assert headers[:3] == ["商品编码", "品目编码", "商品名称"]
    assert headers[-3:] == ["打印速度", "最大幅面", "自动双面"]
    example = example_row(category)
    example[-3:] = ["38", "A4", "是"]
    parsed = parse_listing_file(csv_bytes([headers, example]), "t.csv")
    item = parsed.rows[0].item
    assert item["category"] == category.code
    assert item["attributes"] == {"speed_ppm": 38, "max_paper": "A4", "duplex": True}
    english = template_headers(category, language="en")
    assert english[-1] == "attr:duplex"


def test_csv_cells_that_look_like_formulas_are_quoted():
    data = csv_bytes([["=HYPERLINK(1)", "-12.5", "@x"]]).decode("utf-8-sig")
    assert data.strip() == "'=HYPERLINK(1),-12.5,'@x"
