"""Importing reference prices (CSV files and the API): one audited ReferenceImport per call.

Decisions (each one tested):
- Operator admins of the regional centre import (reference prices are region-wide data); the
  command line imports as the system (actor None).
- Each row is checked on its own: good rows go in, bad rows are reported with a stable code,
  the field at fault and a message, on ReferenceImport.report and in the answer.
- A row identical to an earlier row of the same import, or to a stored reference (same source,
  brand key, model key, capture time and price), is skipped and reported, never stored twice:
  importing the same file again changes nothing but adds an import with the report.
- Everything happens in one transaction with ONE audit event ("reference.imported" with the
  counts); a database error half way leaves nothing behind.
- Too many rows for the channel is refused as a whole (`import_too_large`).

Report lines: {"row", "code", "field", "value", "message", "failed"}. `row` is the line number
in a CSV file (the header is line 1) or the position in the API's `rows` list (from 1).
`failed` is false for skipped duplicates, which do not count as failed rows.

The row vocabulary and value parsers are in `import_values`, the check of one row in
`import_rows`; both are re-exported here, where callers have always imported them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.core.errors import DomainError
from govmall.pricing.access import require_importer
from govmall.pricing.import_rows import (
    FUTURE_SKEW,
    TEXT_LIMITS,
    URL_LIMIT,
    CheckedRow,
    RowFault,
    check_row,
)
from govmall.pricing.import_values import (
    FIELD_ALIASES,
    FIELDS,
    MAX_PRICE,
    REQUIRED_FIELDS,
    SHANGHAI,
    SOURCE_BY_NAME,
    canonical_fields,
    parse_captured_at,
    parse_price,
    parse_source,
)
from govmall.pricing.models import ReferenceImport, ReferencePrice

__all__ = [
    "BATCH",
    "CHANNELS",
    "FIELDS",
    "FIELD_ALIASES",
    "FUTURE_SKEW",
    "IMPORTED_ACTION",
    "IMPORT_LOCK_KEY",
    "LIMITS",
    "LOOKUP_CHUNK",
    "MAX_PRICE",
    "REPORT_LIMIT",
    "REQUIRED_FIELDS",
    "SHANGHAI",
    "SOURCE_BY_NAME",
    "TEXT_LIMITS",
    "URL_LIMIT",
    "CheckedRow",
    "Progress",
    "RowFault",
    "canonical_fields",
    "check_row",
    "parse_captured_at",
    "parse_price",
    "parse_source",
    "reference_import",
    "rows_duplicate",
    "too_large",
]

IMPORTED_ACTION = "reference.imported"
CHANNELS = ("csv", "api")
# Rows per call: a file of 50,000 rows or an API call of 5,000.
LIMITS: dict[str, int] = {"csv": 50_000, "api": 5_000}
BATCH = 2000  # rows per look-up of stored duplicates and per bulk insert
LOOKUP_CHUNK = 500  # rows per duplicate query (at most 2 parameters a row: under SQLite's limit)
REPORT_LIMIT = 1000  # report lines kept; the counts cover every row
# Key of the PostgreSQL advisory lock serializing imports ("GMPRICES" as an int64).
IMPORT_LOCK_KEY = 0x474D_5052_4943_4553

Progress = Callable[[int], None]


# ---- the import ------------------------------------------------------------------------------


@dataclass
class _Tally:
    total: int = 0
    imported: int = 0
    failed: int = 0
    duplicates: int = 0
    not_listed: int = 0
    report: list[dict[str, Any]] = field(default_factory=list)

    def add(self, line: RowFault, *, failed: bool) -> None:
        if failed:
            self.failed += 1
        else:
            self.duplicates += 1
        if len(self.report) < REPORT_LIMIT:
            self.report.append(
                {
                    "row": line.row,
                    "code": line.code,
                    "field": line.field,
                    "value": line.value,
                    "message": line.message,
                    "failed": failed,
                }
            )
        else:
            self.not_listed += 1


def too_large(rows: int | None, limit: int) -> DomainError:
    message = _("At most %(limit)s rows may be imported at once; split the file or the call.") % {
        "limit": f"{limit:,}"
    }
    details: dict[str, Any] = {"limit": limit}
    if rows is not None:
        details["rows"] = rows
    return DomainError("import_too_large", message, field="rows", **details)


def _lock_imports() -> None:
    """One import at a time, so two imports of the same rows cannot both store them. SQLite
    transactions are IMMEDIATE: the writer lock is already held."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _repeats_sql(pairs: list[tuple[str, str]], since: datetime, until: datetime) -> RawSQL:
    """Ids of stored prices of these (brand key, model key) pairs captured in [since, until]:
    a join against a VALUES list, so the (brand_norm, model_norm, captured_at) index is
    probed once per pair (an OR of hundreds of terms costs more to build than to run)."""
    table = connection.ops.quote_name(ReferencePrice._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(pairs))
    sql = (
        f"WITH wanted(brand_norm, model_norm) AS (VALUES {values}) "  # noqa: S608
        f"SELECT r.id FROM {table} r JOIN wanted w "
        "ON r.brand_norm = w.brand_norm AND r.model_norm = w.model_norm "
        "WHERE r.captured_at >= %s AND r.captured_at <= %s"
    )
    params: list[Any] = [value for pair in pairs for value in pair]
    params += [
        connection.ops.adapt_datetimefield_value(since),
        connection.ops.adapt_datetimefield_value(until),
    ]
    return RawSQL(sql, params)  # noqa: S611 - the table name comes from the model, values are bound


def _stored_keys(batch: list[CheckedRow]) -> set[tuple[str, str, str, datetime, Decimal]]:
    """The keys of stored observations that rows of `batch` repeat, one query per chunk."""
    found: set[tuple[str, str, str, datetime, Decimal]] = set()
    for start in range(0, len(batch), LOOKUP_CHUNK):
        chunk = batch[start : start + LOOKUP_CHUNK]
        pairs = sorted({(r.brand_norm, r.model_norm) for r in chunk})
        since = min(r.captured_at for r in chunk)
        until = max(r.captured_at for r in chunk)
        rows = (
            ReferencePrice.objects.filter(id__in=_repeats_sql(pairs, since, until))
            .order_by()
            .values_list("source", "brand_norm", "model_norm", "captured_at", "price")
        )
        for source, brand, model, captured_at, price in rows:
            found.add((source, brand, model, captured_at.astimezone(UTC), price))
    return found


def _flush(imp: ReferenceImport, batch: list[CheckedRow], tally: _Tally) -> None:
    stored = _stored_keys(batch)
    new: list[ReferencePrice] = []
    for r in batch:
        if r.key in stored:
            tally.add(
                RowFault(
                    r.row,
                    "already_imported",
                    None,
                    "",
                    _("Skipped: this observation is already stored."),
                ),
                failed=False,
            )
            continue
        new.append(
            ReferencePrice(
                source=r.source,
                brand=r.brand,
                model_no=r.model_no,
                brand_norm=r.brand_norm,
                model_norm=r.model_norm,
                price=r.price,
                captured_at=r.captured_at,
                url=r.url,
                batch=imp,
            )
        )
    ReferencePrice.objects.bulk_create(new, batch_size=1000)
    tally.imported += len(new)


def reference_import(
    *,
    actor: User | None,
    rows: Iterable[Any],
    channel: str,
    file_name: str = "",
    batch_size: int = BATCH,
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> ReferenceImport:
    """Import reference prices; return the import with its counts and per-row report.

    `rows` are mappings with the fields source, brand, model, price, captured_at and url
    (English or Chinese names); a CSV reader adds `_row` (the line number). `rows` may be a
    lazy iterable (the command streams a file). `max_rows` overrides the channel's limit
    (the command line only). `progress(rows_done)` is called after every batch.
    """
    if actor is not None:
        require_importer(actor)
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    limit = max_rows if max_rows is not None else LIMITS[channel]
    if isinstance(rows, Sized) and len(rows) > limit:
        raise too_large(len(rows), limit)
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    batch_size = max(1, batch_size)
    now = timezone.now()
    with transaction.atomic():
        _lock_imports()
        imp = ReferenceImport.objects.create(
            channel=channel, file_name=name, imported_by=actor, imported_at=now
        )
        tally = _Tally()
        seen: dict[tuple[str, str, str, datetime, Decimal], int] = {}
        batch: list[CheckedRow] = []
        for index, raw in enumerate(rows, start=1):
            tally.total += 1
            if tally.total > limit:
                raise too_large(None, limit)
            line = raw.get("_row", index) if isinstance(raw, Mapping) else index
            checked = check_row(int(line), raw, now=now)
            if isinstance(checked, RowFault):
                tally.add(checked, failed=True)
            elif checked.key in seen:
                tally.add(
                    RowFault(
                        checked.row,
                        "duplicate_in_file",
                        None,
                        "",
                        _("Skipped: the same observation as row %(first)d.")
                        % {"first": seen[checked.key]},
                    ),
                    failed=False,
                )
            else:
                seen[checked.key] = checked.row
                batch.append(checked)
            if len(batch) >= batch_size:
                _flush(imp, batch, tally)
                batch = []
                if progress is not None:
                    progress(tally.total)
        if tally.total == 0:
            raise DomainError("no_rows", _("There are no rows to import."), field="rows")
        if batch:
            _flush(imp, batch, tally)
            if progress is not None:
                progress(tally.total)
        tally.report.sort(key=lambda line: line["row"])
        if tally.not_listed:
            tally.report.append(
                {
                    "row": None,
                    "code": "report_truncated",
                    "field": None,
                    "value": "",
                    "message": _("%(n)d more report lines are not listed.")
                    % {"n": tally.not_listed},
                    "failed": False,
                }
            )
        imp.rows_total = tally.total
        imp.rows_imported = tally.imported
        imp.rows_failed = tally.failed
        imp.report = tally.report
        imp.save(update_fields=["rows_total", "rows_imported", "rows_failed", "report"])
        record_event(
            obj=imp,
            action=IMPORTED_ACTION,
            actor=actor,
            after={
                "channel": channel,
                "file_name": imp.file_name,
                "rows_total": tally.total,
                "rows_imported": tally.imported,
                "rows_failed": tally.failed,
                "rows_duplicate": tally.duplicates,
            },
        )
    return imp


def rows_duplicate(imp: ReferenceImport) -> int:
    """Rows skipped as duplicates: neither stored nor failed."""
    return imp.rows_total - imp.rows_imported - imp.rows_failed
