"""Shared recruitment API: importing suppliers admitted by another mall, and activation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Supplier
from govmall.suppliers.services_shared import (
    MAX_FILE_BYTES,
    shared_suppliers_import,
    supplier_admin_activate,
)

router = Router(tags=["suppliers"])


class SharedRowOut(Schema):
    row: int
    ok: bool
    code: str
    message: str
    name: str
    credit_code: str
    field: str | None
    admin_username: str
    activation_code: str | None


class SharedImportOut(Schema):
    file_name: str
    rows_total: int
    rows_imported: int
    rows: list[SharedRowOut]


class ActivateIn(Schema):
    username: str
    code: str
    password: str


class BlockerOut(Schema):
    code: str
    message: str


class ActivatedOut(Schema):
    username: str
    supplier: str
    credit_code: str
    blockers: list[BlockerOut]
    next: str


@router.post(
    "/suppliers/shared-imports",
    response={201: SharedImportOut, **ERRORS},
    summary="Import suppliers admitted by another mall of the region (regional operator admins)",
    description=(
        "Multipart field `file`: UTF-8 CSV (header row) or JSON (array of objects) with the "
        "columns source_mall, name, credit_code, supplier_type, size, division_code, "
        "legal_representative, contact_name, contact_phone, contact_email, business_scope, "
        "admin_username, admin_display_name. A structurally bad file imports nothing (400 "
        "`shared_file_invalid`); otherwise each row is reported. Each imported row carries its "
        "one-time activation code: this response is the only place it is ever shown."
    ),
)
def shared_import(request: HttpRequest, file: File[UploadedFile]) -> Status:
    actor = request_user(request)
    data = file.read(MAX_FILE_BYTES + 1)
    report = shared_suppliers_import(actor=actor, data=data, file_name=file.name or "upload")
    return Status(201, report.as_json())


@router.post(
    "/suppliers/activate",
    auth=None,
    response={200: ActivatedOut, 429: ERRORS[400], **ERRORS},
    summary="Activate a shared supplier's admin with its one-time code and set a password",
)
def activate(request: HttpRequest, payload: ActivateIn) -> dict[str, object]:
    user = supplier_admin_activate(
        username=payload.username,
        code=payload.code,
        password=payload.password,
        ip=request.META.get("REMOTE_ADDR"),
    )
    supplier = Supplier.objects.select_related("organisation").get(organisation=user.organisation)
    return {
        "username": user.username,
        "supplier": supplier.organisation.name,
        "credit_code": supplier.credit_code,
        "blockers": [{"code": c, "message": m} for c, m in trading_blockers(supplier)],
        "next": reverse("suppliers:home"),
    }
