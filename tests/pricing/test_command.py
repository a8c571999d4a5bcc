"""`govmall pricing_import`: progress, summary, failing rows and the exit status."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from govmall.audit.models import Event
from govmall.pricing.models import ReferenceImport, ReferencePrice
from tests.pricing.helpers import GOOD_LINE, NOW, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("pricing_import", *args, stdout=out)
    return out.getvalue()


def lines_for(n: int, start: int = 0) -> list[str]:
    return [f"jd,HP,M{i},1999,2026-05-30 10:00," for i in range(start, start + n)]


def test_imports_a_file_with_progress_and_summary(tmp_path):
    path = tmp_path / "jd.csv"
    path.write_bytes(csv_bytes(*lines_for(5)))
    out = run(str(path), "--batch-size", "2")
    lines = out.splitlines()
    assert lines[0] == "jd.csv: 5 rows (utf-8-sig)"
    progress = [line.split(" rows (")[0].strip() for line in lines[1:4]]
    assert progress == ["2 / 5", "4 / 5", "5 / 5"]
    assert "rows/s" in lines[1]
    imp = ReferenceImport.objects.get()
    assert lines[4].startswith(
        f"import {imp.pk}: 5 rows, 5 imported, 0 duplicates skipped, 0 failed ("
    )
    assert len(lines) == 5
    assert ReferencePrice.objects.count() == 5
    assert imp.imported_by is None and imp.channel == "csv" and imp.file_name == "jd.csv"
    assert Event.objects.filter(action="reference.imported").count() == 1


def test_a_failing_row_is_listed_and_exits_1(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        csv_bytes(
            GOOD_LINE,
            "京东,惠普,M1,-1,2026-05-30 10:00,",
            header="来源,品牌,型号,价格,采集时间,链接",
        )
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("pricing_import", str(path), stdout=out)
    assert exc.value.returncode == 1
    assert str(exc.value) == "rows failed: 1"
    text = out.getvalue()
    assert "2 rows, 1 imported, 0 duplicates skipped, 1 failed" in text
    assert "  line 3: price_not_positive [price]: The price must be greater than zero." in text
    assert ReferencePrice.objects.count() == 1


def test_reimport_skips_duplicates_and_exits_0(tmp_path):
    path = tmp_path / "jd.csv"
    path.write_bytes(csv_bytes(*lines_for(3)))
    run(str(path))
    out = run(str(path))
    assert "3 rows, 0 imported, 3 duplicates skipped, 0 failed" in out
    assert ReferencePrice.objects.count() == 3


def test_gb18030_file(tmp_path):
    path = tmp_path / "suning.csv"
    path.write_bytes(
        csv_bytes(
            "苏宁,联想,小新Pro14,5299,2026-05-30 10:00,",
            header="来源,品牌,型号,价格,采集时间",
            encoding="gb18030",
        )
    )
    assert "suning.csv: 1 rows (gb18030)" in run(str(path))
    assert ReferencePrice.objects.get().model_norm == "小新pro14"


def test_structural_fault_imports_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(GOOD_LINE, header="source,brand,model,price"))
    with pytest.raises(CommandError) as exc:
        run(str(path))
    assert exc.value.returncode == 1
    assert str(exc.value).startswith("missing_column: The header row has no column captured_at")
    assert ReferenceImport.objects.count() == 0


def test_too_many_rows_imports_nothing(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(*lines_for(4)))
    with pytest.raises(CommandError) as exc:
        run(str(path), "--max-rows", "3", "--batch-size", "1")
    assert exc.value.returncode == 1
    assert "import_too_large" in str(exc.value)
    assert ReferenceImport.objects.count() == 0 and ReferencePrice.objects.count() == 0


def test_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as exc:
        run(str(tmp_path / "nope.csv"))
    assert exc.value.returncode == 2
