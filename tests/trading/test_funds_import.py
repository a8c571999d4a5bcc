"""CSV import of funding sources: encodings, headers, per-row report, one transaction, and the
`govmall trading_funds_import` command."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.trading.funds_import import iter_rows, read_rows
from govmall.trading.models import FundingSource, FundMovement
from govmall.trading.services_funds import funding_source_import
from tests.factories import make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulator():
    return make_user(Role.REGULATOR, division="150200")


def _import(actor, text: str, encoding: str = "utf-8"):
    rows = read_rows(text.encode(encoding), max_rows=100)
    return funding_source_import(actor=actor, rows=rows, file_name="预算.csv")


def test_chinese_headers_gb18030_create_update_unchanged_and_errors(regulator, english):
    a = make_unit(name="包头市教育局", funds_amount="1000.00")
    b = make_unit(name="包头市卫健委")
    far = make_unit(division="150102", name="呼和浩特市财政局")
    text = "\n".join(
        [
            "名称,金额,预算项目编码,年度,单位",  # any order
            f"办公设备购置,2000.00,{a.source.budget_line},2026,包头市教育局",  # 2: update
            f'信息化运维,"1,200,000.00",2010299,2026,{b.org.pk}',  # 3: create by id
            "差旅,100,2010300,2026,不存在的单位",  # 4: unknown unit
            f"差旅,100,2010300,2026,{far.org.name}",  # 5: other jurisdiction
            f"差旅,-1,2010300,2026,{b.org.name}",  # 6: bad amount
            f"信息化运维,5,2010299,2026,{b.org.name}",  # 7: duplicate of line 3
            f"{b.source.name},{b.source.amount},{b.source.budget_line},2026,{b.org.name}",  # 8
            "",
            f"培训,10.5,2010301,1999,{b.org.name}",  # 10: bad year
        ]
    )
    report = _import(regulator, text + "\n", "gb18030")
    outcomes = [(r.row, r.outcome, r.code, r.field) for r in report.rows]
    assert outcomes == [
        (2, "updated", "", None),
        (3, "created", "", None),
        (4, "error", "unknown_unit", "unit"),
        (5, "error", "unknown_unit", "unit"),
        (6, "error", "invalid_amount", "amount"),
        (7, "error", "duplicate_row", "budget_line"),
        (8, "unchanged", "", None),
        (10, "error", "invalid_fiscal_year", "fiscal_year"),
    ]
    assert report.summary == {"rows": 8, "created": 1, "updated": 1, "unchanged": 1, "errors": 5}
    a.source.refresh_from_db()
    assert (a.source.amount, a.source.name) == (Decimal("2000.00"), "办公设备购置")
    created = FundingSource.objects.get(organisation=b.org, budget_line="2010299")
    assert created.amount == Decimal("1200000.00")
    assert report.rows[1].source_id == created.pk
    assert report.rows[5].message == "Line 3 already names this unit, year and budget line."
    assert report.rows[2].message == "No purchasing unit 不存在的单位 in your jurisdiction."
    event = Event.objects.filter(
        object_type="trading.fundingsource", object_id=str(a.source.pk)
    ).last()
    assert event is not None and event.action == "fundingsource.amount_changed"
    assert event.after["via"] == "import"
    assert not FundingSource.objects.filter(organisation=far.org, budget_line="2010300").exists()


def test_english_headers_with_bom_and_unit_id_and_name(regulator):
    unit = make_unit(name="包头市公安局")
    other = make_unit(name="包头市民政局")
    text = (
        "unit_id,unit_name,fiscal_year,budget_line,name,amount\n"
        f"{unit.org.pk},包头市公安局,2027,A-1,装备,10\n"
        f"{unit.org.pk},包头市民政局,2027,A-2,装备,10\n"
        f"x1,,2027,A-3,装备,10\n"
        f",,2027,A-4,装备,10\n"
    )
    report = _import(regulator, text, "utf-8-sig")
    assert [(r.outcome, r.code) for r in report.rows] == [
        ("created", ""),
        ("error", "unit_mismatch"),
        ("error", "invalid_unit"),
        ("error", "required"),
    ]
    assert FundingSource.objects.filter(organisation=unit.org, fiscal_year=2027).count() == 1
    assert not FundingSource.objects.filter(organisation=other.org, fiscal_year=2027).exists()


def test_update_below_reserved_is_a_row_error_and_leaves_the_row_untouched(regulator):
    unit = make_unit(name="包头市住建局", funds_amount="1000.00")
    seller = make_seller(price="400.00")
    make_order(unit, [(seller.listing, 1)])
    events = Event.objects.filter(object_type="trading.fundingsource").count()
    line = unit.source.budget_line
    text = f"单位,年度,预算项目编码,名称,金额\n包头市住建局,2026,{line},改名,399.99\n"
    report = _import(regulator, text)
    assert [(r.outcome, r.code, r.field) for r in report.rows] == [
        ("error", "amount_below_reserved", "amount")
    ]
    unit.source.refresh_from_db()
    assert (unit.source.name, unit.source.amount) == ("办公设备购置", Decimal("1000.00"))
    assert Event.objects.filter(object_type="trading.fundingsource").count() == events


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\x00\x01\x02binary", "invalid_file"),
        ("年度,预算项目编码,名称,金额\n2026,1,n,1\n".encode(), "missing_column"),
        ("单位,年度,预算项目编码,名称\nx,2026,1,n\n".encode(), "missing_column"),
        ("单位,unit,年度,预算项目编码,名称,金额\n".encode(), "duplicate_column"),
        ('单位,年度,预算项目编码,名称,金额\n"x,2026\n'.encode(), "invalid_file"),
    ],
)
def test_structural_faults_refuse_the_file(data, code):
    with pytest.raises(DomainError) as err:
        read_rows(data, max_rows=10)
    assert (err.value.code, err.value.field) == (code, "file")


def test_too_many_rows_is_refused():
    data = ("unit,fiscal_year,budget_line,name,amount\n" + "1,2026,A,n,1\n" * 3).encode()
    with pytest.raises(DomainError) as err:
        read_rows(data, max_rows=2)
    assert err.value.code == "import_too_large"


def test_a_row_with_extra_cells_is_a_row_error(regulator):
    unit = make_unit(name="包头市文旅局")
    report = _import(
        regulator, f"unit,fiscal_year,budget_line,name,amount\n{unit.org.pk},2026,B,n,1,000\n"
    )
    assert [(r.outcome, r.code) for r in report.rows] == [("error", "invalid_row")]


def test_purchasers_cannot_import():
    unit = make_unit(name="包头市审计局")
    rows = list(
        iter_rows(
            io.BytesIO(f"单位,年度,预算项目编码,名称,金额\n{unit.org.pk},2026,Z,n,5\n".encode())
        )
    )
    with pytest.raises(DomainError) as err:
        funding_source_import(actor=unit.admin, rows=rows)
    assert err.value.status == 403
    assert not FundingSource.objects.filter(budget_line="Z").exists()


def test_command_imports_with_progress_and_reports_failures(regulator, tmp_path):
    unit = make_unit(name="包头市水务局")
    path = tmp_path / "funds.csv"
    path.write_bytes(
        (
            "单位,年度,预算项目编码,名称,金额\n"
            "包头市水务局,2026,W-1,管网维护,3000000\n"
            "包头市水务局,2026,W-2,管网维护,abc\n"
        ).encode("gb18030")
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as err:
        call_command("trading_funds_import", str(path), "--actor", regulator.username, stdout=out)
    assert err.value.returncode == 1
    text = out.getvalue()
    assert "funds.csv: 2 rows (gb18030)" in text
    assert "2 / 2 rows (100%)" in text
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 1 errors" in text
    assert "line 3: invalid_amount [amount]" in text
    source = FundingSource.objects.get(organisation=unit.org, budget_line="W-1")
    assert source.amount == Decimal("3000000.00")
    assert FundMovement.objects.filter(source=source).count() == 1


def test_command_usage_errors(regulator, tmp_path):
    with pytest.raises(CommandError) as err:
        call_command("trading_funds_import", str(tmp_path / "none.csv"), "--actor", "x")
    assert err.value.returncode == 2
    path = tmp_path / "f.csv"
    path.write_text("unit,fiscal_year,budget_line,name,amount\n")
    with pytest.raises(CommandError) as err:
        call_command("trading_funds_import", str(path), "--actor", "nobody-here")
    assert err.value.returncode == 2
    out = io.StringIO()
    call_command("trading_funds_import", str(path), "--actor", regulator.username, stdout=out)
    assert "0 rows: 0 created" in out.getvalue()
