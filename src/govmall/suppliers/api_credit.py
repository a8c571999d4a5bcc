"""Supplier credit API: a code's status (public, as 信用中国 publishes it), list imports, flags."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import PermissionDenied
from govmall.suppliers import services_credit
from govmall.suppliers.credit import (
    can_view_credit_lists,
    code_status,
    import_summary,
    open_flags_in_jurisdiction,
)
from govmall.suppliers.models import CreditFlag, CreditListImport

router = Router(tags=["suppliers"])


class EntryOut(Schema):
    list_type: str
    name: str
    reason: str
    source: str
    listed_date: date
    expiry_date: date | None


class CreditStatusOut(Schema):
    credit_code: str
    valid: bool
    listed: bool = Field(..., description="On at least one list with an entry in force today.")
    entries: list[EntryOut]


class ReportLineOut(Schema):
    row: int | None = Field(..., description="Line number in the file (header = 1).")
    ok: bool
    code: str
    message: str


class ImportOut(Schema):
    id: int
    file_name: str
    imported_at: datetime
    imported_by: str | None
    rows_total: int
    rows_imported: int
    created: int
    updated: int
    unchanged: int
    faults: int
    flags_raised: int
    report: list[ReportLineOut]


class FlagOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    credit_code: str
    division: str
    list_type: str
    entry_name: str
    reason: str
    listed_date: date
    expiry_date: date | None
    raised_at: datetime


class ResolveIn(Schema):
    resolution: str = Field(..., max_length=2000)


class ResolvedOut(Schema):
    id: int
    resolved_at: datetime
    resolved_by: str
    resolution: str


def import_out(imp: CreditListImport) -> dict:
    return {
        "id": imp.pk,
        "file_name": imp.file_name,
        "imported_at": imp.imported_at,
        "imported_by": imp.imported_by.get_username() if imp.imported_by else None,
        "rows_total": imp.rows_total,
        "rows_imported": imp.rows_imported,
        **import_summary(imp),
        "report": [{"code": "", **line} for line in imp.report],
    }


def flag_out(flag: CreditFlag) -> dict:
    org = flag.supplier.organisation
    return {
        "id": flag.pk,
        "supplier_id": flag.supplier_id,
        "supplier_name": org.name,
        "credit_code": flag.supplier.credit_code,
        "division": org.division_id,
        "list_type": flag.entry.list_type,
        "entry_name": flag.entry.name,
        "reason": flag.entry.reason,
        "listed_date": flag.entry.listed_date,
        "expiry_date": flag.entry.expiry_date,
        "raised_at": flag.raised_at,
    }


@router.post(
    "/credit/imports",
    response={201: ImportOut, **ERRORS},
    summary="Import a credit-list CSV file (operator admins, regulators)",
    description="UTF-8 CSV with the header list_type, credit_code, name, reason, source, "
    "listed_date, expiry_date. A structurally bad file imports nothing (400); rows with faults "
    "are reported and skipped; every active supplier is re-screened afterwards.",
)
def import_list(request: HttpRequest, file: File[UploadedFile]) -> Status:
    actor = request_user(request)
    imp = services_credit.credit_list_import(
        actor=actor, data=file.read(), file_name=file.name or "credit-list.csv"
    )
    return Status(201, import_out(imp))


@router.get(
    "/credit/flags",
    response={200: list[FlagOut], **ERRORS},
    summary="Open credit flags on suppliers in the caller's jurisdiction",
)
def open_flags(request: HttpRequest) -> list[dict]:
    actor = request_user(request)
    if not can_view_credit_lists(actor):
        raise PermissionDenied()
    return [flag_out(f) for f in open_flags_in_jurisdiction(actor)[:1000]]


@router.post(
    "/credit/flags/{flag_id}/resolve",
    response={200: ResolvedOut, **ERRORS},
    summary="Resolve a credit flag with a reason (operators with jurisdiction)",
)
def resolve_flag(request: HttpRequest, flag_id: int, payload: ResolveIn) -> dict:
    actor = request_user(request)
    flag = services_credit.credit_flag_resolve(
        actor=actor, flag_id=flag_id, resolution=payload.resolution
    )
    assert flag.resolved_at is not None
    return {
        "id": flag.pk,
        "resolved_at": flag.resolved_at,
        "resolved_by": actor.get_username(),
        "resolution": flag.resolution,
    }


@router.get(
    "/credit/{credit_code}",
    response={200: CreditStatusOut, **ERRORS},
    auth=None,
    summary="Whether a unified social credit code is on a credit list (public)",
    description="Only entries in force today count. An invalid code gives 400 with the "
    "validation error (credit_code_format, credit_code_authority, credit_code_check_digit).",
)
def credit_status(request: HttpRequest, credit_code: str) -> dict:
    return code_status(credit_code)
