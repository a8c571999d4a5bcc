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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.catalog.normalise import brand_key, fold, model_key
from govmall.core.errors import DomainError
from govmall.pricing.access import require_importer
from govmall.pricing.models import ReferenceImport, ReferencePrice, ReferenceSource

IMPORTED_ACTION = "reference.imported"
CHANNELS = ("csv", "api")
# Rows per call: a file of 50,000 rows or an API call of 5,000.
LIMITS: dict[str, int] = {"csv": 50_000, "api": 5_000}
BATCH = 2000  # rows per look-up of stored duplicates and per bulk insert
LOOKUP_CHUNK = 500  # rows per duplicate query (at most 2 parameters a row: under SQLite's limit)
REPORT_LIMIT = 1000  # report lines kept; the counts cover every row
FUTURE_SKEW = timedelta(minutes=5)  # a capture time this far ahead of the clock is accepted
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Key of the PostgreSQL advisory lock serializing imports ("GMPRICES" as an int64).
IMPORT_LOCK_KEY = 0x474D_5052_4943_4553

TEXT_LIMITS = {"brand": 100, "model": 100}
URL_LIMIT = 500
MAX_PRICE = Decimal("9999999999.99")  # max_digits=12, decimal_places=2

# Row keys (API) and CSV headers: English names, the Chinese headers, a few obvious variants.
FIELD_ALIASES: dict[str, str] = {
    "source": "source",
    "来源": "source",
    "brand": "brand",
    "品牌": "brand",
    "model": "model",
    "model_no": "model",
    "型号": "model",
    "price": "price",
    "价格": "price",
    "captured_at": "captured_at",
    "采集时间": "captured_at",
    "url": "url",
    "链接": "url",
}
REQUIRED_FIELDS = ("source", "brand", "model", "price", "captured_at")
FIELDS = (*REQUIRED_FIELDS, "url")

# Source names as people write them, folded (case, width, spaces and hyphens ignored).
_SOURCE_NAMES: dict[str, tuple[str, ...]] = {
    ReferenceSource.JD: ("jd", "京东", "京东自营", "jd.com", "jd.com self-operated", "jingdong"),
    ReferenceSource.TMALL: ("tmall", "天猫", "天猫旗舰店", "天猫自营", "tmall flagship store"),
    ReferenceSource.SUNING: ("suning", "苏宁", "苏宁自营", "苏宁易购", "suning self-operated"),
    ReferenceSource.MANUFACTURER: (
        "manufacturer",
        "厂商官方",
        "厂商",
        "厂商官网",
        "厂家官方",
        "官方",
        "manufacturer official",
        "manufacturer's official price",
        "official",
    ),
    ReferenceSource.OTHER: ("other", "其他", "其它"),
}
SOURCE_BY_NAME: dict[str, str] = {
    fold(name): str(value) for value, names in _SOURCE_NAMES.items() for name in names
}

_LOCAL_TIME = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?",
)
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_url_validator = URLValidator(schemes=["http", "https"])

Progress = Callable[[int], None]


# ---- one row ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowFault:
    row: int
    code: str
    field: str | None
    value: str
    message: str


@dataclass(frozen=True)
class CheckedRow:
    row: int
    source: str
    brand: str
    model_no: str
    brand_norm: str
    model_norm: str
    price: Decimal
    captured_at: datetime
    url: str

    @property
    def key(self) -> tuple[str, str, str, datetime, Decimal]:
        """What makes two observations the same one."""
        return (self.source, self.brand_norm, self.model_norm, self.captured_at, self.price)


def parse_source(value: str) -> str | None:
    """The ReferenceSource value for a code, a Chinese name (京东/天猫/苏宁/厂商官方) or an
    English name; None if unknown."""
    return SOURCE_BY_NAME.get(fold(value))


def parse_price(value: Any) -> Decimal | None:
    """A Decimal with at most 2 places that fits the column, or None. Positivity is checked
    by the caller (a separate code). Accepts a leading ¥/￥ and thousands separators."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().lstrip("¥￥").strip().replace(",", "")
        if not text or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite():
        return None
    if abs(number) > MAX_PRICE:
        return None
    exact = number.quantize(Decimal("0.01"))
    if exact != number:  # more than 2 decimal places
        return None
    return exact


def parse_captured_at(value: str) -> datetime | None:
    """ISO 8601 date-time (with an offset, or without one meaning Asia/Shanghai), or
    "YYYY-MM-DD HH:MM[:SS]" (also with slashes) in Asia/Shanghai. A date alone is refused:
    a capture time needs its time."""
    text = value.strip()
    match = _LOCAL_TIME.fullmatch(text)
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            local = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
        return local.replace(tzinfo=SHANGHAI)
    if not _ISO_DATE_TIME.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def canonical_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values under the canonical field names (English or Chinese keys accepted,
    case-insensitive; unknown keys ignored)."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key.startswith("_"):
            continue
        name = FIELD_ALIASES.get(key.strip().lower())
        if name is not None and name not in values:
            values[name] = value
    return values


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _text(value: Any) -> str | None:
    """A cell as stripped text; numbers are accepted as their digits (a model "404"); other
    types are not text (None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def check_row(row: int, raw: Any, *, now: datetime) -> CheckedRow | RowFault:
    """One row checked field by field; the first fault found is reported."""

    def fault(code: str, name: str | None, value: Any, message: str) -> RowFault:
        return RowFault(row, code, name, _shown(value), message)

    if not isinstance(raw, Mapping):
        return fault("invalid_row", None, "", _("The row is not an object of named fields."))
    if raw.get("_invalid"):
        return fault("invalid_row", None, "", str(raw["_invalid"]))
    values = canonical_fields(raw)
    texts: dict[str, str] = {}
    for name in FIELDS:
        value = values.get(name)
        if name == "price":
            continue
        text = _text(value)
        if text is None:
            return fault(
                "invalid_value",
                name,
                value,
                _("%(field)s must be text.") % {"field": name},
            )
        if "\x00" in text:
            return fault(
                "invalid_value",
                name,
                "",
                _("%(field)s contains a NUL character.") % {"field": name},
            )
        texts[name] = text
    price_raw = values.get("price")
    for name in REQUIRED_FIELDS:
        empty = price_raw in (None, "") if name == "price" else not texts[name]
        if empty:
            return fault(
                "missing_value",
                name,
                "",
                _("%(field)s is empty; it is required.") % {"field": name},
            )
    source = parse_source(texts["source"])
    if source is None:
        return fault(
            "unknown_source",
            "source",
            texts["source"],
            _(
                "Unknown source %(value)s: use jd, tmall, suning, manufacturer or other, "
                "or 京东, 天猫, 苏宁, 厂商官方."
            )
            % {"value": _shown(texts["source"])},
        )
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            return fault(
                "value_too_long",
                name,
                texts[name],
                _("%(field)s has %(length)d characters; at most %(limit)d are allowed.")
                % {"field": name, "length": len(texts[name]), "limit": limit},
            )
    brand_norm, model_norm = brand_key(texts["brand"]), model_key(texts["model"])
    for name, norm in (("brand", brand_norm), ("model", model_norm)):
        if not norm:
            return fault(
                "missing_value",
                name,
                texts[name],
                _("%(field)s has nothing but spaces and dashes.") % {"field": name},
            )
    price = parse_price(price_raw)
    if price is None:
        return fault(
            "invalid_price",
            "price",
            price_raw,
            _(
                "The price %(value)s is not an amount in yuan with at most 2 decimal places "
                "(at most 9,999,999,999.99)."
            )
            % {"value": _shown(price_raw)},
        )
    if price <= 0:
        return fault(
            "price_not_positive",
            "price",
            price_raw,
            _("The price must be greater than zero."),
        )
    captured_at = parse_captured_at(texts["captured_at"])
    if captured_at is None:
        return fault(
            "invalid_captured_at",
            "captured_at",
            texts["captured_at"],
            _(
                "The capture time %(value)s is not a date and time: use ISO 8601 with an "
                "offset (2026-05-01T10:30:00+08:00) or YYYY-MM-DD HH:MM[:SS] (Beijing time)."
            )
            % {"value": _shown(texts["captured_at"])},
        )
    if captured_at > now + FUTURE_SKEW:
        return fault(
            "captured_in_future",
            "captured_at",
            texts["captured_at"],
            _("The capture time %(value)s is in the future.")
            % {"value": timezone.localtime(captured_at).strftime("%Y-%m-%d %H:%M:%S")},
        )
    url = texts["url"]
    if url:
        problem = len(url) > URL_LIMIT
        if not problem:
            try:
                _url_validator(url)
            except ValidationError:
                problem = True
        if problem:
            return fault(
                "invalid_url",
                "url",
                url,
                _(
                    "The link must be an http:// or https:// address of at most %(limit)d "
                    "characters."
                )
                % {"limit": URL_LIMIT},
            )
    return CheckedRow(
        row=row,
        source=source,
        brand=texts["brand"],
        model_no=texts["model"],
        brand_norm=brand_norm,
        model_norm=model_norm,
        price=price,
        captured_at=captured_at.astimezone(UTC),
        url=url,
    )


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
