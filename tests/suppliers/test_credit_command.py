"""`govmall import_credit_list FILE [--as USERNAME]`: progress, report summary, exit codes."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from govmall.accounts.roles import Role
from govmall.suppliers import services_credit
from govmall.suppliers.models import CreditFlag, CreditListImport
from tests.factories import make_supplier, make_user
from tests.permissions import database_fingerprint
from tests.suppliers.credit_helpers import code, csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_day():
    with (
        time_machine.travel(datetime(2026, 6, 1, 2, 0, tzinfo=UTC), tick=True),
        translation.override("en"),
    ):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_credit_list", *args, stdout=out)
    return out.getvalue()


def test_import_prints_progress_and_the_report_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(services_credit, "BATCH", 2)
    supplier, _ = make_supplier()
    path = tmp_path / "失信名单.csv"
    path.write_bytes(
        csv_bytes(row(supplier.credit_code), row(code()), row(code()), row("123"), bom=True)
    )
    out = run(str(path))
    assert out.splitlines() == [
        "失信名单.csv: 4 rows, 3 imported (3 new, 0 updated, 0 unchanged), 1 with faults; "
        "1 new flags",
        "  line 5: skipped: A unified social credit code has 18 characters: digits and "
        "capital letters other than I, O, Z, S and V.",
    ]
    assert capsys.readouterr().err == "\r2 rows read\r4 rows read\n"
    imp = CreditListImport.objects.get()
    assert imp.imported_by is None and CreditFlag.objects.count() == 1


def test_import_as_a_user(tmp_path):
    admin = make_user(Role.OPERATOR_ADMIN, division="150200", username="bt-admin")
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(row(code())))
    run(str(path), "--as", "bt-admin")
    assert CreditListImport.objects.get().imported_by == admin


def test_a_structurally_bad_file_exits_1_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(row(code()), "x,y"))
    before = database_fingerprint()
    with pytest.raises(CommandError) as caught:
        run(str(path))
    assert caught.value.returncode == 1
    assert str(caught.value).startswith("csv_column_count: Line 3 has 2 columns")
    assert database_fingerprint() == before


def test_usage_errors_exit_2(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(row(code())))
    make_user(Role.OPERATOR_REVIEWER, division="150200", username="reviewer-x")
    for args in ([str(tmp_path / "missing.csv")], [str(path), "--as", "nobody"]):
        with pytest.raises(CommandError) as caught:
            run(*args)
        assert caught.value.returncode == 2
    with pytest.raises(CommandError) as caught:  # a user who may not import
        run(str(path), "--as", "reviewer-x")
    assert caught.value.returncode == 1 and str(caught.value).startswith("forbidden:")
    assert CreditListImport.objects.count() == 0
