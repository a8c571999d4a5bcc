"""Reading a budget-system export of funding sources (CSV) and checking its rows.

Format: text in UTF-8 (with or without BOM) or GB18030 (the encoding check is the reference
price importer's, `pricing.csvimport.detect_encoding`); comma-separated; a header row naming
the columns in any order, in English or Chinese:

- the unit, by any of: `unit`/`单位` (the organisation id if the cell is all digits, else the
  unit's exact name), `unit_id`/`单位编号` (the id), `unit_name`/`单位名称` (the exact name).
  Names are unique among purchasing units, so a name is enough; when a row gives both an id
  and a name they must name the same unit (`unit_mismatch`), which catches a shifted column.
- `fiscal_year`/`年度`, `budget_line`/`预算项目编码`, `name`/`名称`, `amount`/`金额`.

Structural faults refuse the file (nothing imported): `invalid_file`, `empty_file`,
`missing_column`, `duplicate_column`. Row numbers are the file's line numbers (header = 1).
A unit outside the importer's jurisdiction is reported as unknown, like a missing one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind
from govmall.core.errors import DomainError
from govmall.pricing.csvimport import detect_encoding, header_columns, structural
from govmall.trading.services_funds import (
    clean_amount,
    clean_budget_line,
    clean_fiscal_year,
    clean_name,
    too_many_rows,
)

UNIT_COLUMNS = ("unit", "unit_id", "unit_name")
REQUIRED = ("fiscal_year", "budget_line", "name", "amount")
FIELD_ALIASES = {
    "unit": "unit",
    "单位": "unit",
    "unit_id": "unit_id",
    "单位编号": "unit_id",
    "unit_name": "unit_name",
    "单位名称": "unit_name",
    "fiscal_year": "fiscal_year",
    "年度": "fiscal_year",
    "budget_line": "budget_line",
    "预算项目编码": "budget_line",
    "name": "name",
    "名称": "name",
    "amount": "amount",
    "金额": "amount",
}
CHINESE = {
    "unit": "单位",
    "fiscal_year": "年度",
    "budget_line": "预算项目编码",
    "name": "名称",
    "amount": "金额",
}
_ID = re.compile(r"\d{1,12}")


def _columns(header: list[str]) -> dict[str, int]:
    columns = header_columns(header, FIELD_ALIASES)
    missing = [name for name in REQUIRED if name not in columns]
    if not any(name in columns for name in UNIT_COLUMNS):
        missing.insert(0, "unit")
    if missing:
        raise structural(
            "missing_column",
            _(
                "The header row has no column %(column)s (%(chinese)s). Required: unit (or "
                "unit_id / unit_name), fiscal_year, budget_line, name, amount. Nothing was "
                "imported."
            )
            % {"column": missing[0], "chinese": CHINESE[missing[0]]},
            column=missing[0],
            missing=missing,
            line=1,
        )
    return columns


def iter_rows(
    stream: IO[bytes], encoding: str | None = None
) -> Generator[dict[str, Any], None, None]:
    """Each non-blank data row as {column: text, "_row": line}; raises a structural
    DomainError as soon as the file proves not to be one of ours."""
    encoding = encoding or detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, strict=True)
    line = 1
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise structural(
                "empty_file",
                _("The file is empty: the first line must name the columns."),
                line=1,
            )
        columns = _columns(header)
        width = len(header)
        line = reader.line_num
        for cells in reader:
            row, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            values: dict[str, Any] = {
                name: cells[index] if index < len(cells) else "" for name, index in columns.items()
            }
            values["_row"] = row
            if any(cell.strip() for cell in cells[width:]):
                values["_invalid"] = _(
                    "The line has %(found)d cells but the header has %(expected)d columns."
                ) % {"found": len(cells), "expected": width}
            yield values
    except csv.Error as exc:
        raise structural(
            "invalid_file",
            _("The file is not a well-formed CSV file (line %(line)d). Nothing was imported.")
            % {"line": line + 1},
            line=line + 1,
        ) from exc
    finally:
        with contextlib.suppress(ValueError):
            text.detach()


def count_rows(stream: IO[bytes], encoding: str) -> int:
    total = sum(1 for _row in iter_rows(stream, encoding))
    stream.seek(0)
    return total


def read_rows(data: bytes, *, max_rows: int) -> list[dict[str, Any]]:
    """Every row of an uploaded file; more than `max_rows` refuses it as soon as passed."""
    rows: list[dict[str, Any]] = []
    for values in iter_rows(io.BytesIO(data)):
        rows.append(values)
        if len(rows) > max_rows:
            raise too_many_rows(max_rows)
    return rows


# --- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedRow:
    unit: Organisation
    fiscal_year: int
    budget_line: str
    name: str
    amount: Decimal


class RowChecker:
    """Checks rows of one import for one regulator: units looked up once each, and a line
    named twice in the file refused at its second row."""

    def __init__(self, actor: User) -> None:
        assert actor.organisation is not None
        self._units = Organisation.objects.filter(
            kind=OrgKind.PURCHASER,
            division__path__startswith=actor.organisation.division.path,
        )
        self._by_id: dict[int, Organisation | None] = {}
        self._by_name: dict[str, Organisation | None] = {}
        self._seen: dict[tuple[int, int, str], int] = {}

    def _lookup(self, value: str, *, by: str) -> Organisation:
        org: Organisation | None
        if by == "id":
            if not _ID.fullmatch(value):
                raise DomainError("invalid_unit", _("A unit id is a whole number."), field="unit")
            key = int(value)
            if key not in self._by_id:
                self._by_id[key] = self._units.filter(pk=key).first()
            org = self._by_id[key]
        else:
            if value not in self._by_name:
                self._by_name[value] = self._units.filter(name=value).first()
            org = self._by_name[value]
        if org is None:
            raise DomainError(
                "unknown_unit",
                _("No purchasing unit %(unit)s in your jurisdiction.") % {"unit": value[:60]},
                field="unit",
            )
        return org

    def unit(self, raw: dict[str, Any]) -> Organisation:
        found: list[Organisation] = []
        for column in UNIT_COLUMNS:
            value = raw.get(column)
            text = value.strip() if isinstance(value, str) else ""
            if not text:
                continue
            by = "id" if column == "unit_id" or (column == "unit" and text.isdigit()) else "name"
            found.append(self._lookup(text, by=by))
        if not found:
            raise DomainError("required", _("Name the unit (id or exact name)."), field="unit")
        if any(org.pk != found[0].pk for org in found):
            raise DomainError(
                "unit_mismatch",
                _("The unit's id and name name different units."),
                field="unit",
            )
        return found[0]

    def check(self, raw: dict[str, Any]) -> CheckedRow:
        if raw.get("_invalid"):
            raise DomainError("invalid_row", str(raw["_invalid"]))
        unit = self.unit(raw)
        checked = CheckedRow(
            unit=unit,
            fiscal_year=clean_fiscal_year(raw.get("fiscal_year")),
            budget_line=clean_budget_line(raw.get("budget_line")),
            name=clean_name(raw.get("name")),
            amount=clean_amount(raw.get("amount")),
        )
        key = (unit.pk, checked.fiscal_year, checked.budget_line)
        row = int(raw.get("_row") or 0)
        first = self._seen.setdefault(key, row)
        if first != row:
            raise DomainError(
                "duplicate_row",
                _("Line %(line)d already names this unit, year and budget line.") % {"line": first},
                field="budget_line",
            )
        return checked


# --- the report -----------------------------------------------------------------------------


@dataclass
class RowOutcome:
    row: int
    outcome: str  # created, updated, unchanged, error
    message: str
    code: str = ""
    field: str | None = None
    source_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "outcome": self.outcome,
            "code": self.code,
            "field": self.field,
            "message": self.message,
            "source_id": self.source_id,
        }


@dataclass
class ImportReport:
    file_name: str
    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "errors": self.count("error"),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            **self.summary,
            "results": [r.as_json() for r in self.rows],
        }
