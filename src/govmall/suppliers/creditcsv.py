"""Parsing credit-list CSV files: 失信被执行人, 重大税收违法失信主体 and
政府采购严重违法失信行为记录名单.

Format: UTF-8 (with or without BOM), comma-separated, a header row naming the columns
`list_type, credit_code, name, reason, source, listed_date, expiry_date` in any order. Dates are
ISO (YYYY-MM-DD); `expiry_date` may be empty (listed without end); the expiry date is the last
day an entry counts.

Two kinds of fault:
- structural (not UTF-8, not CSV, missing/unknown/repeated header columns, a row with the wrong
  number of columns): the whole file is refused and nothing is imported — `iter_rows` raises a
  DomainError naming the line;
- row-level (invalid credit code, unknown list type, bad date, expiry before listing, an
  over-long field, a duplicate of an earlier row): `iter_rows` yields a RowFault for that row and
  carries on; the good rows are imported.

Row numbers are the file's line numbers (the header is line 1), as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.utils.translation import gettext as _

from govmall.core.errors import DomainError
from govmall.suppliers.codes import validate_credit_code
from govmall.suppliers.models import CreditListEntry, CreditListType

COLUMNS = ("list_type", "credit_code", "name", "reason", "source", "listed_date", "expiry_date")
REQUIRED_VALUES = ("list_type", "credit_code", "name", "listed_date")

# The lists' official Chinese names are accepted as well as the codes.
LIST_TYPE_NAMES: dict[str, str] = {
    "失信被执行人": CreditListType.DISHONEST_JUDGMENT,
    "重大税收违法失信主体": CreditListType.TAX_VIOLATION,
    "政府采购严重违法失信行为记录名单": CreditListType.PROCUREMENT_VIOLATION,
}
LIST_TYPE_NAME_OF: dict[str, str] = {v: k for k, v in LIST_TYPE_NAMES.items()}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_LENGTH: dict[str, int] = {
    name: CreditListEntry._meta.get_field(name).max_length  # type: ignore[union-attr,misc]
    for name in ("name", "reason", "source")
}


@dataclass(frozen=True)
class ParsedRow:
    row: int
    list_type: str
    credit_code: str
    name: str
    reason: str
    source: str
    listed_date: date
    expiry_date: date | None

    @property
    def key(self) -> tuple[str, str, date]:
        """One entry of one list: the same code listed on the same day."""
        return (self.list_type, self.credit_code, self.listed_date)


@dataclass(frozen=True)
class RowFault:
    row: int
    code: str
    message: str


def structural(code: str, message: str, **details: Any) -> DomainError:
    return DomainError(code, message, field="file", **details)


def _digest(*parts: object) -> bytes:
    """A short digest standing in for a row in the duplicate sets (large files stay small)."""
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12).digest()


def _parse_date(value: str) -> date | None:
    if not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_list_type(value: str) -> str | None:
    value = value.strip()
    if value in CreditListType.values:
        return value
    return LIST_TYPE_NAMES.get(value)


def _check_row(row: int, values: dict[str, str]) -> ParsedRow | RowFault:
    for name in REQUIRED_VALUES:
        if not values[name]:
            return RowFault(
                row, "value_missing", _("The column %(column)s is empty.") % {"column": name}
            )
    list_type = parse_list_type(values["list_type"])
    if list_type is None:
        return RowFault(
            row,
            "unknown_list_type",
            _("Unknown list type %(value)s: use %(codes)s or the list's Chinese name.")
            % {"value": values["list_type"][:60], "codes": ", ".join(CreditListType.values)},
        )
    try:
        # Any organisation may be listed: check the format, authority and check digit, not a type.
        credit_code = validate_credit_code(values["credit_code"], supplier_type="")
    except DomainError as exc:
        return RowFault(row, exc.code, exc.message)
    for name, limit in _MAX_LENGTH.items():
        if len(values[name]) > limit:
            return RowFault(
                row,
                "value_too_long",
                _("The column %(column)s has %(length)d characters; at most %(limit)d are allowed.")
                % {"column": name, "length": len(values[name]), "limit": limit},
            )
    listed = _parse_date(values["listed_date"])
    if listed is None:
        return RowFault(
            row,
            "bad_date",
            _("listed_date %(value)s is not a date of the form YYYY-MM-DD.")
            % {"value": values["listed_date"][:40]},
        )
    expiry: date | None = None
    if values["expiry_date"]:
        expiry = _parse_date(values["expiry_date"])
        if expiry is None:
            return RowFault(
                row,
                "bad_date",
                _("expiry_date %(value)s is not a date of the form YYYY-MM-DD.")
                % {"value": values["expiry_date"][:40]},
            )
        if expiry < listed:
            return RowFault(
                row,
                "expiry_before_listed",
                _("The expiry date %(expiry)s is before the listed date %(listed)s.")
                % {"expiry": expiry.isoformat(), "listed": listed.isoformat()},
            )
    return ParsedRow(
        row=row,
        list_type=list_type,
        credit_code=credit_code,
        name=values["name"],
        reason=values["reason"],
        source=values["source"],
        listed_date=listed,
        expiry_date=expiry,
    )


def _header(reader: Iterator[list[str]]) -> list[str]:
    first = next(reader, None)
    if first is None or not any(cell.strip() for cell in first):
        raise structural(
            "csv_header_missing",
            _(
                "The file is empty or has no header row. The first line must name the "
                "columns: %(columns)s."
            )
            % {"columns": ", ".join(COLUMNS)},
            line=1,
        )
    header = [cell.strip().lower() for cell in first]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in COLUMNS if c not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if unknown or missing or repeated:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(
                _("unknown columns: %(names)s") % {"names": ", ".join(u[:40] for u in unknown)}
            )
        if repeated:
            parts.append(_("repeated columns: %(names)s") % {"names": ", ".join(repeated)})
        raise structural(
            "csv_header_invalid",
            _(
                "The header row is wrong (%(problems)s). Nothing was imported. "
                "Expected: %(columns)s."
            )
            % {"problems": "; ".join(parts), "columns": ", ".join(COLUMNS)},
            line=1,
            missing=missing,
            unknown=unknown,
            repeated=repeated,
        )
    return header


def iter_rows(stream: IO[bytes]) -> Iterator[ParsedRow | RowFault]:
    """Every data row of the file, parsed or faulted, in file order. Raises a structural
    DomainError (nothing must be imported) as soon as the file proves not to be one of ours."""
    reader = csv.reader(_decoded_lines(stream), strict=True)
    line = 0
    try:
        header = _header(reader)
        width = len(header)
        seen: dict[bytes, int] = {}  # key digest -> first row with it
        exact: dict[bytes, int] = {}  # full-row digest -> first row with it
        line = reader.line_num
        for cells in reader:
            row, line = line + 1, reader.line_num
            if not cells:  # a blank line
                continue
            if len(cells) != width:
                raise structural(
                    "csv_column_count",
                    _(
                        "Line %(line)d has %(found)d columns; the header has %(expected)d. "
                        "Nothing was imported."
                    )
                    % {"line": row, "found": len(cells), "expected": width},
                    line=row,
                )
            if any("\x00" in cell for cell in cells):
                raise _not_csv(row)
            values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            parsed = _check_row(row, values)
            if isinstance(parsed, ParsedRow):
                full = _digest(
                    *parsed.key, parsed.name, parsed.reason, parsed.source, parsed.expiry_date
                )
                key = _digest(*parsed.key)
                if full in exact:
                    parsed = RowFault(
                        row,
                        "duplicate_row",
                        _("This row repeats row %(first)d.") % {"first": exact[full]},
                    )
                elif key in seen:
                    parsed = RowFault(
                        row,
                        "conflicting_row",
                        _(
                            "Row %(first)d already lists this credit code on this list on the same "
                            "date with other details; this row was skipped."
                        )
                        % {"first": seen[key]},
                    )
                else:
                    exact[full] = seen[key] = row
            yield parsed
    except csv.Error as exc:
        raise _not_csv(line + 1) from exc


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, line by line so that an encoding fault names its line (a
    UTF-8 sequence never contains the newline byte, so splitting first is safe)."""
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise structural(
                "csv_encoding",
                _(
                    "Line %(line)d is not UTF-8 text. Save the file as “CSV UTF-8”; GBK or "
                    "GB18030 files must be converted. Nothing was imported."
                )
                % {"line": number},
                line=number,
            ) from exc


def _not_csv(line: int) -> DomainError:
    return structural(
        "csv_malformed",
        _("The file is not a well-formed CSV file (line %(line)d). Nothing was imported.")
        % {"line": line},
        line=line,
    )
