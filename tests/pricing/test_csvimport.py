"""Reading reference-price CSV files: encodings, headers, structural faults, row numbers."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from govmall.core.errors import DomainError
from govmall.pricing.csvimport import count_rows, detect_encoding, iter_rows, read_rows
from tests.pricing.helpers import GOOD_LINE, csv_bytes

CHINESE_HEADER = "来源,品牌,型号,价格,采集时间,链接"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows_of(data: bytes) -> list[dict]:
    return list(iter_rows(io.BytesIO(data)))


def refusal(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as exc:
        rows_of(data)
    return exc.value


def test_utf8_rows_with_line_numbers():
    data = csv_bytes(GOOD_LINE, "", "tmall,Canon,LBP2900,999,2026-05-30 10:00,")
    assert rows_of(data) == [
        {
            "source": "jd",
            "brand": "HP",
            "model": "M404dn",
            "price": "1999.00",
            "captured_at": "2026-05-30 10:00",
            "url": "https://item.jd.com/100001.html",
            "_row": 2,
        },
        {
            "source": "tmall",
            "brand": "Canon",
            "model": "LBP2900",
            "price": "999",
            "captured_at": "2026-05-30 10:00",
            "url": "",
            "_row": 4,
        },
    ]


def test_bom_is_ignored():
    data = csv_bytes(GOOD_LINE, bom=True)
    assert detect_encoding(io.BytesIO(data)) == "utf-8-sig"
    assert rows_of(data)[0]["source"] == "jd"


def test_chinese_headers_in_gb18030():
    data = csv_bytes(
        "京东,惠普,M404dn,1999,2026-05-30 10:00,", header=CHINESE_HEADER, encoding="gb18030"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert detect_encoding(io.BytesIO(data)) == "gb18030"
    (row,) = rows_of(data)
    assert (row["source"], row["brand"], row["model"], row["price"]) == (
        "京东",
        "惠普",
        "M404dn",
        "1999",
    )


def test_columns_in_any_order_url_optional_unknown_ignored():
    data = csv_bytes(
        "1999,HP,x,M404dn,jd,2026-05-30 10:00", header="Price,Brand,note,model,SOURCE,captured_at"
    )
    assert rows_of(data) == [
        {
            "price": "1999",
            "brand": "HP",
            "model": "M404dn",
            "source": "jd",
            "captured_at": "2026-05-30 10:00",
            "_row": 2,
        }
    ]


def test_quoted_cells_and_multiline_values_keep_line_numbers():
    data = csv_bytes(
        'jd,HP,"M404dn",1999,2026-05-30 10:00,', 'jd,"H\nP",M1,1,2026-05-30 10:00,', GOOD_LINE
    )
    assert [r["_row"] for r in rows_of(data)] == [2, 3, 5]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("brand,model,price,captured_at,url", "source"),
        ("source,brand,price,captured_at", "model"),
        ("来源,品牌,型号,价格", "captured_at"),
    ],
)
def test_missing_column_is_named(header, column):
    exc = refusal(csv_bytes(GOOD_LINE, header=header))
    assert exc.code == "missing_column"
    assert exc.details["column"] == column
    assert exc.details["field"] == "file"
    assert f"no column {column}" in exc.message


def test_repeated_column_is_refused():
    exc = refusal(csv_bytes(GOOD_LINE, header="source,brand,model,price,captured_at,价格"))
    assert (exc.code, exc.details["column"]) == ("duplicate_column", "price")


@pytest.mark.parametrize("data", [b"", b"\n\n", b" , ,\n"])
def test_empty_file(data):
    assert refusal(data).code == "empty_file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 30,  # an .xlsx is a zip
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02\xff\xfe\n",
        b"source,brand\x00,model\n",
    ],
)
def test_a_file_that_is_not_text(data):
    exc = refusal(data)
    assert exc.code == "invalid_file"
    assert "Nothing was imported" in exc.message


def test_malformed_csv():
    exc = refusal(csv_bytes('jd,HP,"M404dn,1999,2026-05-30 10:00,'))
    assert exc.code == "invalid_file"


def test_extra_cells_make_a_row_fault_not_a_file_fault():
    rows = rows_of(
        csv_bytes(
            "jd,HP,M404dn,1,299.00,2026-05-30 10:00,https://a.cn/", "jd,HP,M1,1,2026-05-30 10:00,,"
        )
    )
    assert "_invalid" in rows[0] and "7 cells" in rows[0]["_invalid"]
    assert "_invalid" not in rows[1]  # empty trailing cells are fine


def test_short_rows_have_empty_values():
    (row,) = rows_of(csv_bytes("jd,HP"))
    assert row["model"] == "" and row["captured_at"] == ""


def test_count_rows_and_rewind():
    stream = io.BytesIO(csv_bytes(GOOD_LINE, "", GOOD_LINE))
    assert count_rows(stream, "utf-8-sig") == 2
    assert stream.tell() == 0
    assert len(list(iter_rows(stream))) == 2


def test_read_rows_stops_past_the_limit():
    assert len(read_rows(csv_bytes(GOOD_LINE, GOOD_LINE), max_rows=2)) == 2
    with pytest.raises(DomainError) as exc:
        read_rows(csv_bytes(GOOD_LINE, GOOD_LINE, GOOD_LINE), max_rows=2)
    assert exc.value.code == "import_too_large"
