"""Reference prices API (mounted at /api/v1/pricing/).

Imports (JSON rows or a CSV file) are for operator admins of the regional centre; reads are for
operators and regulators. Every refusal is a DomainError in the one error shape.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import DomainError, NotFound
from govmall.pricing import selectors
from govmall.pricing.access import require_importer, require_viewer
from govmall.pricing.csvimport import read_rows
from govmall.pricing.models import ReferenceImport, ReferencePrice, ReferenceSource
from govmall.pricing.services import LIMITS, reference_import, rows_duplicate

router = Router(tags=["pricing"])

MAX_FILE_BYTES = 20 * 1024 * 1024


class RowsIn(Schema):
    rows: list[Any] = Field(
        ...,
        description="Objects with source (jd|tmall|suning|manufacturer|other or 京东/天猫/苏宁/"
        "厂商官方), brand, model, price (string or number, > 0, at most 2 decimals), "
        "captured_at (ISO 8601 with offset, or 'YYYY-MM-DD HH:MM[:SS]' Beijing time) and an "
        f"optional url (http/https). At most {LIMITS['api']:,} rows.",
    )


class ReportLineOut(Schema):
    row: int | None = Field(
        ..., description="CSV: line number (header = 1); JSON: position in rows (from 1)."
    )
    code: str
    field: str | None
    value: str
    message: str
    failed: bool = Field(..., description="False for skipped duplicates.")


class ImportSummaryOut(Schema):
    import_id: int
    channel: str
    file_name: str
    imported_at: datetime
    imported_by: str | None
    rows_total: int
    rows_imported: int
    rows_failed: int
    rows_duplicate: int


class ImportOut(ImportSummaryOut):
    report: list[ReportLineOut]


class ImportPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ImportSummaryOut]


class ReferenceOut(Schema):
    id: int
    source: str
    source_label: str
    brand: str
    model: str
    brand_norm: str
    model_norm: str
    price: Decimal
    captured_at: datetime
    url: str
    import_id: int | None


class ReferencePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ReferenceOut]


class LowestOut(Schema):
    reference: ReferenceOut | None
    since: datetime
    days: int


class ReferenceFilter(Schema):
    brand: str = ""
    model: str = ""
    source: str = ""
    page: int = Field(1, ge=1, le=1_000_000)


class LowestFilter(Schema):
    brand: str = Field(..., min_length=1, max_length=100)
    model: str = Field(..., min_length=1, max_length=100)
    days: int = Field(selectors.DEFAULT_WINDOW_DAYS, ge=1, le=selectors.MAX_WINDOW_DAYS)


def import_summary_out(imp: ReferenceImport) -> dict[str, Any]:
    return {
        "import_id": imp.pk,
        "channel": imp.channel,
        "file_name": imp.file_name,
        "imported_at": imp.imported_at,
        "imported_by": imp.imported_by.get_username() if imp.imported_by else None,
        "rows_total": imp.rows_total,
        "rows_imported": imp.rows_imported,
        "rows_failed": imp.rows_failed,
        "rows_duplicate": rows_duplicate(imp),
    }


def import_out(imp: ReferenceImport) -> dict[str, Any]:
    return {**import_summary_out(imp), "report": imp.report}


def reference_out(ref: ReferencePrice) -> dict[str, Any]:
    return {
        "id": ref.pk,
        "source": ref.source,
        "source_label": str(ReferenceSource(ref.source).label),
        "brand": ref.brand,
        "model": ref.model_no,
        "brand_norm": ref.brand_norm,
        "model_norm": ref.model_norm,
        "price": ref.price,
        "captured_at": ref.captured_at,
        "url": ref.url,
        "import_id": ref.batch_id,
    }


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


@router.post(
    "/references",
    response={201: ImportOut, **ERRORS},
    summary="Import reference prices as JSON rows (regional operator admins)",
    description="Good rows are stored, bad rows reported with a code, field and message; exact "
    "duplicates (same source, brand, model, capture time and price) are skipped. More than "
    f"{LIMITS['api']:,} rows: 400 import_too_large, nothing stored.",
)
def import_rows(request: HttpRequest, payload: RowsIn) -> Status:
    actor = request_user(request)
    imp = reference_import(actor=actor, rows=payload.rows, channel="api")
    return Status(201, import_out(imp))


@router.post(
    "/references/csv",
    response={201: ImportOut, **ERRORS},
    summary="Import a reference-price CSV file (regional operator admins)",
    description="UTF-8 (or GB18030) CSV with the header source, brand, model, price, "
    "captured_at[, url] or 来源, 品牌, 型号, 价格, 采集时间[, 链接]. A structurally bad file "
    f"imports nothing (400); at most {LIMITS['csv']:,} rows.",
)
def import_csv(request: HttpRequest, file: File[UploadedFile]) -> Status:
    actor = require_importer(request_user(request))
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise DomainError(
            "file_too_large",
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.",
            field="file",
        )
    rows = read_rows(file.read(), max_rows=LIMITS["csv"])
    imp = reference_import(
        actor=actor, rows=rows, channel="csv", file_name=file.name or "references.csv"
    )
    return Status(201, import_out(imp))


@router.get(
    "/references",
    response={200: ReferencePageOut, **ERRORS},
    summary="Search reference prices by brand, model and source (operators, regulators)",
    description="brand matches the folded brand exactly, model matches folded models from "
    f"their start (case, full/half width, spaces and hyphens ignored); {selectors.PAGE_SIZE} "
    "per page, newest capture first.",
)
def list_references(request: HttpRequest, filters: Query[ReferenceFilter]) -> dict[str, Any]:
    require_viewer(request_user(request))
    rows = selectors.references(brand=filters.brand, model=filters.model, source=filters.source)
    count = rows.count()
    start = (filters.page - 1) * selectors.PAGE_SIZE
    page = rows[start : start + selectors.PAGE_SIZE]
    return {
        "count": count,
        "page": filters.page,
        "pages": _pages(count, selectors.PAGE_SIZE),
        "results": [reference_out(r) for r in page],
    }


@router.get(
    "/references/lowest",
    response={200: LowestOut, **ERRORS},
    summary="The lowest reference price of a brand and model within a window (operators, "
    "regulators)",
    description="What the listing rule compares against: the lowest price captured within the "
    'last `days` days (default 7); `{"reference": null}` when there is none.',
)
def lowest(request: HttpRequest, filters: Query[LowestFilter]) -> dict[str, Any]:
    require_viewer(request_user(request))
    ref, since = selectors.lowest_reference(filters.brand, filters.model, days=filters.days)
    return {
        "reference": reference_out(ref) if ref is not None else None,
        "since": since,
        "days": filters.days,
    }


@router.get(
    "/imports",
    response={200: ImportPageOut, **ERRORS},
    summary="Reference-price imports, newest first (operators, regulators)",
)
def list_imports(request: HttpRequest, page: int = Query(1, ge=1, le=1_000_000)) -> dict[str, Any]:
    require_viewer(request_user(request))
    rows = selectors.imports()
    count = rows.count()
    start = (page - 1) * selectors.PAGE_SIZE
    return {
        "count": count,
        "page": page,
        "pages": _pages(count, selectors.PAGE_SIZE),
        "results": [import_summary_out(i) for i in rows[start : start + selectors.PAGE_SIZE]],
    }


@router.get(
    "/imports/{import_id}",
    response={200: ImportOut, **ERRORS},
    summary="One import with its per-row report (operators, regulators)",
)
def get_import(request: HttpRequest, import_id: int) -> dict[str, Any]:
    require_viewer(request_user(request))
    imp = selectors.import_by_id(import_id)
    if imp is None:
        raise NotFound()
    return import_out(imp)
