"""Reading reference-price CSV files into rows for `services.reference_import`.

Format: text in UTF-8 (with or without BOM) or, failing that, GB18030 (what Excel on a Chinese
Windows saves); comma-separated; a header row naming the columns in any order, in English
(source, brand, model, price, captured_at, url) or Chinese (来源, 品牌, 型号, 价格, 采集时间, 链接).
`url`/`链接` may be left out; unknown columns are ignored.

Structural faults refuse the whole file (a DomainError, nothing imported): not text
(`invalid_file`), empty (`empty_file`), a required column missing (`missing_column`, naming it),
a column named twice (`duplicate_column`), a CSV that cannot be read (`invalid_file`). A row
with more non-empty cells than the header has columns is a row fault (`invalid_row`), reported
like any other bad row. Row numbers are the file's line numbers (the header is line 1).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Generator
from typing import IO, Any

from django.utils.translation import gettext as _

from govmall.core.errors import DomainError
from govmall.pricing.services import FIELD_ALIASES, FIELDS, REQUIRED_FIELDS, too_large

ENCODINGS = ("utf-8-sig", "gb18030")
SAMPLE = 1 << 16  # bytes read at a time while checking the encoding
# Control characters that never occur in a text CSV file (tab, CR, LF are allowed).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CHINESE_HEADERS = {"source": "来源", "brand": "品牌", "model": "型号", "price": "价格"}
CHINESE_HEADERS.update({"captured_at": "采集时间", "url": "链接"})


def structural(code: str, message: str, **details: Any) -> DomainError:
    return DomainError(code, message, field="file", **details)


def _not_text() -> DomainError:
    return structural(
        "invalid_file",
        _("The file is not a text CSV file (UTF-8 or GB18030). Nothing was imported."),
    )


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := stream.read(SAMPLE):
            if _BINARY.search(decoder.decode(chunk)):
                raise _not_text()
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_encoding(stream: IO[bytes]) -> str:
    """ "utf-8-sig" or "gb18030", whichever decodes the whole file (UTF-8 first); refuses a
    file that is neither, or that holds control characters no text file has. The stream is
    left at its start."""
    for encoding in ENCODINGS:
        if _decodes(stream, encoding):
            return encoding
    raise _not_text()


def header_columns(header: list[str], aliases: dict[str, str]) -> dict[str, int]:
    """Canonical field name -> cell index, by `aliases` (lower-cased zh/en header -> field);
    unknown columns are ignored, a repeated one is refused. Shared by every CSV import."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = aliases.get(cell.strip().lower())
        if name is None:
            continue
        if name in columns:
            raise structural(
                "duplicate_column",
                _("The column %(column)s appears twice in the header row. Nothing was imported.")
                % {"column": cell.strip()},
                column=name,
                line=1,
            )
        columns[name] = index
    return columns


def _columns(header: list[str]) -> dict[str, int]:
    """Canonical field name -> cell index. Raises for a missing or repeated column."""
    columns = header_columns(header, FIELD_ALIASES)
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise structural(
            "missing_column",
            _(
                "The header row has no column %(column)s (%(chinese)s). Required columns: "
                "%(required)s; optional: url. Nothing was imported."
            )
            % {
                "column": missing[0],
                "chinese": CHINESE_HEADERS[missing[0]],
                "required": ", ".join(REQUIRED_FIELDS),
            },
            column=missing[0],
            missing=missing,
            line=1,
        )
    return columns


def iter_rows(
    stream: IO[bytes], encoding: str | None = None
) -> Generator[dict[str, Any], None, None]:
    """Each data row as {"source", "brand", "model", "price", "captured_at", "url", "_row"}
    (plus "_invalid" for a row with too many cells), blank lines skipped. Raises a
    structural DomainError as soon as the file proves not to be one of ours."""
    encoding = encoding or detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, strict=True)
    line = 1
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise structural(
                "empty_file",
                _("The file is empty: the first line must name the columns %(columns)s.")
                % {"columns": ", ".join(FIELDS)},
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
            extra = [cell for cell in cells[width:] if cell.strip()]
            if extra:
                values["_invalid"] = _(
                    "The line has %(found)d cells but the header has %(expected)d columns "
                    "(a comma inside an unquoted value?)."
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
        with contextlib.suppress(ValueError):  # the caller may have closed the file already
            text.detach()


def count_rows(stream: IO[bytes], encoding: str) -> int:
    """Data rows in the file (what `iter_rows` will yield); the stream is left at its start."""
    total = sum(1 for _row in iter_rows(stream, encoding))
    stream.seek(0)
    return total


def read_rows(data: bytes, *, max_rows: int) -> list[dict[str, Any]]:
    """All rows of an uploaded file, refusing more than `max_rows` as soon as it is passed."""
    rows: list[dict[str, Any]] = []
    for values in iter_rows(io.BytesIO(data)):
        rows.append(values)
        if len(rows) > max_rows:
            raise too_large(None, max_rows)
    return rows
