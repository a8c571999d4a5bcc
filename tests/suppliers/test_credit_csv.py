"""The credit-list CSV parser: structural faults refuse the file, row faults are reported."""

from __future__ import annotations

import io
from datetime import date

import pytest

from govmall.core.errors import DomainError
from govmall.suppliers.creditcsv import ParsedRow, RowFault, iter_rows
from tests.suppliers.credit_helpers import HEADER, code, csv_bytes, row

pytestmark = pytest.mark.usefixtures("english")


def parse(data: bytes) -> list[ParsedRow | RowFault]:
    return list(iter_rows(io.BytesIO(data)))


def faults(data: bytes) -> list[tuple[int, str]]:
    return [(f.row, f.code) for f in parse(data) if isinstance(f, RowFault)]


def test_a_good_row_is_parsed_with_normalised_values():
    c = code()
    [parsed] = parse(csv_bytes(row(c.lower(), listed="2026-01-05", expiry="2027-01-04")))
    assert parsed == ParsedRow(
        row=2,
        list_type="dishonest_judgment",
        credit_code=c,
        name="包头市某某商贸有限公司",
        reason="未履行生效判决",
        source="最高人民法院",
        listed_date=date(2026, 1, 5),
        expiry_date=date(2027, 1, 4),
    )


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("crlf", [False, True])
def test_bom_and_line_endings_are_accepted(bom, crlf):
    c = code()
    parsed = parse(csv_bytes(row(c), bom=bom, crlf=crlf))
    assert [(p.row, p.credit_code) for p in parsed] == [(2, c)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("失信被执行人", "dishonest_judgment"),
        ("重大税收违法失信主体", "tax_violation"),
        ("政府采购严重违法失信行为记录名单", "procurement_violation"),
        ("tax_violation", "tax_violation"),
        ("procurement_violation", "procurement_violation"),
    ],
)
def test_list_types_by_code_or_chinese_name(name, expected):
    [parsed] = parse(csv_bytes(row(code(), list_type=name)))
    assert isinstance(parsed, ParsedRow) and parsed.list_type == expected


def test_header_columns_may_come_in_any_order_and_case():
    c = code()
    header = "Credit_Code, name ,LIST_TYPE,listed_date,expiry_date,reason,source"
    data = csv_bytes(f"{c},某公司,失信被执行人,2026-02-01,,欠税,税务局", header=header)
    [parsed] = parse(data)
    assert isinstance(parsed, ParsedRow)
    assert (parsed.credit_code, parsed.name, parsed.reason, parsed.source) == (
        c,
        "某公司",
        "欠税",
        "税务局",
    )
    assert parsed.expiry_date is None


def test_every_row_fault_is_reported_with_its_line_number():
    good = code()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    dup = code()
    conflict = code()
    data = csv_bytes(
        row(good),  # line 2
        row(code(), list_type="黑名单"),  # 3
        row("91150202ABC"),  # 4: format
        row(bad_check),  # 5: check digit
        row("B1" + good[2:]),  # 6: authority/type characters
        row(code(), listed="2026-02-30"),  # 7
        row(code(), listed="2026/01/05"),  # 8
        row(code(), expiry="20270101"),  # 9
        row(code(), listed="2026-03-01", expiry="2026-02-28"),  # 10
        row(code(), name="名" * 201),  # 11
        row(code(), reason="因" * 501),  # 12
        row(code(), source="源" * 201),  # 13
        row(code(), name=""),  # 14
        row(dup),  # 15
        row(dup),  # 16: exact duplicate of 15
        row(conflict, reason="原因甲"),  # 17
        row(conflict, reason="原因乙"),  # 18: same entry, other details
        row(code(), listed="   "),  # 19: listed date missing
    )
    assert faults(data) == [
        (3, "unknown_list_type"),
        (4, "credit_code_format"),
        (5, "credit_code_check_digit"),
        (6, "credit_code_authority"),
        (7, "bad_date"),
        (8, "bad_date"),
        (9, "bad_date"),
        (10, "expiry_before_listed"),
        (11, "value_too_long"),
        (12, "value_too_long"),
        (13, "value_too_long"),
        (14, "value_missing"),
        (16, "duplicate_row"),
        (18, "conflicting_row"),
        (19, "value_missing"),
    ]
    messages = {f.row: f.message for f in parse(data) if isinstance(f, RowFault)}
    assert messages[16] == "This row repeats row 15."
    assert messages[10] == "The expiry date 2026-02-28 is before the listed date 2026-03-01."
    assert messages[11] == "The column name has 201 characters; at most 200 are allowed."
    good_rows = [p.row for p in parse(data) if isinstance(p, ParsedRow)]
    assert good_rows == [2, 15, 17]


def test_the_same_code_on_another_list_or_date_is_not_a_duplicate():
    c = code()
    data = csv_bytes(
        row(c),
        row(c, list_type="tax_violation"),
        row(c, listed="2026-01-06"),
    )
    assert [type(p).__name__ for p in parse(data)] == ["ParsedRow"] * 3


def test_expiry_on_the_listed_day_is_allowed_and_blank_lines_are_skipped():
    c = code()
    data = csv_bytes("", row(c, listed="2026-01-05", expiry="2026-01-05"), "")
    [parsed] = parse(data)
    assert isinstance(parsed, ParsedRow) and parsed.row == 3


def test_quoted_fields_with_commas_and_newlines_keep_the_starting_line():
    c, d = code(), code()
    data = csv_bytes(
        f'dishonest_judgment,{c},"某公司,分公司","第一行\n第二行",法院,2026-01-05,',
        row(d, list_type="bogus"),
    )
    parsed = parse(data)
    assert isinstance(parsed[0], ParsedRow) and parsed[0].name == "某公司,分公司"
    assert parsed[0].reason == "第一行\n第二行"
    assert isinstance(parsed[1], RowFault) and parsed[1].row == 4


@pytest.mark.parametrize(
    ("data", "error_code", "line"),
    [
        (b"", "csv_header_missing", 1),
        (b"\n\n", "csv_header_missing", 1),
        (b"list_type,credit_code,name\n", "csv_header_invalid", 1),
        ((HEADER + ",remark\n").encode(), "csv_header_invalid", 1),
        ((HEADER + ",name\n").encode(), "csv_header_invalid", 1),
        # GBK-encoded Chinese: not UTF-8
        ((HEADER + "\n失信被执行人,x,某公司,,,2026-01-05,\n").encode("gbk"), "csv_encoding", 2),
        ((HEADER + "\n").encode("utf-16"), "csv_encoding", 1),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "csv_encoding", 1),
        ((HEADER + "\nfoo,bar\n").encode(), "csv_column_count", 2),
        ((HEADER + '\ndishonest_judgment,"x,a,b,c,d,2026-01-05,\n').encode(), "csv_malformed", 2),
        ((HEADER + "\na,b\x00,c,d,e,f,g\n").encode(), "csv_malformed", 2),
    ],
    ids=[
        "empty",
        "blank",
        "missing columns",
        "unknown column",
        "repeated column",
        "gbk",
        "utf-16",
        "png",
        "column count",
        "unterminated quote",
        "nul",
    ],
)
def test_structural_faults_refuse_the_whole_file(data, error_code, line):
    with pytest.raises(DomainError) as caught:
        parse(data)
    assert caught.value.code == error_code
    assert caught.value.field == "file"
    assert caught.value.details["line"] == line


def test_the_header_error_names_what_is_missing_and_unknown():
    data = b"list_type,credit_code,name,reason,source,listed_date,remark\n"
    with pytest.raises(DomainError) as caught:
        parse(data)
    assert caught.value.details["missing"] == ["expiry_date"]
    assert caught.value.details["unknown"] == ["remark"]
    assert "missing columns: expiry_date" in caught.value.message
    assert "unknown columns: remark" in caught.value.message


def test_a_wrong_column_count_late_in_the_file_is_found_after_good_rows():
    rows = [row(code()) for _ in range(5)] + ["x,y"]
    with pytest.raises(DomainError) as caught:
        parse(csv_bytes(*rows))
    assert (caught.value.code, caught.value.details["line"]) == ("csv_column_count", 7)
