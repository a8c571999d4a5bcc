"""/api/v1/ endpoints of trading: funds of purchasing units and their approval limit.

Regulators (jurisdiction over the unit's division) read and write funding sources; members
of a purchasing unit read their own unit's sources and ledgers and may change nothing; the
unit's admin sets its approval limit. Error codes: invalid_amount, invalid_fiscal_year,
invalid_budget_line, required, too_long, unknown_unit, duplicate_budget_line (409),
amount_below_reserved (409), invalid_file, missing_column, import_too_large, forbidden,
not_found.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import DomainError, PermissionDenied
from govmall.trading import selectors_funds as sel
from govmall.trading.funds_import import read_rows
from govmall.trading.models import FundingSource, PurchasingPolicy
from govmall.trading.services_funds import (
    MAX_IMPORT_ROWS,
    funding_source_create,
    funding_source_import,
    funding_source_update,
    require_regulator,
)
from govmall.trading.services_policy import policy_set_limit

router = Router(tags=["trading: funds"])

MAX_FILE_BYTES = 5 * 1024 * 1024


# --- schemas --------------------------------------------------------------------------------


class SourceOut(Schema):
    id: int
    unit: int
    unit_name: str
    fiscal_year: int
    budget_line: str
    name: str
    amount: str
    reserved: str
    available: str
    active: bool
    created_at: datetime
    updated_at: datetime


class SourcePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[SourceOut]


class SourceIn(Schema):
    """`unit` is the purchasing unit's organisation id; `amount` yuan as a string ("1000.00")
    or number, ≥ 0, 2 places at most; `budget_line` the 预算项目编码."""

    model_config = ConfigDict(extra="ignore")

    unit: Any = None
    fiscal_year: Any = None
    budget_line: Any = None
    name: Any = None
    amount: Any = None


class SourcePatch(Schema):
    """Only the fields given change; `note` explains an amount change (kept in the ledger)."""

    model_config = ConfigDict(extra="ignore")

    amount: Any = None
    name: Any = None
    active: Any = None
    note: Any = None


class MovementOut(Schema):
    id: int
    kind: str
    amount: str
    order: str | None = Field(None, description="Order number of a reservation or release")
    note: str
    actor: str | None
    at: datetime


class LedgerOut(Schema):
    source: SourceOut
    count: int
    page: int
    pages: int
    results: list[MovementOut]


class UnitTotalsOut(Schema):
    unit: int
    unit_name: str
    division: str
    sources: int
    amount: str
    reserved: str
    available: str


class UnitPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[UnitTotalsOut]


class RowOut(Schema):
    row: int
    outcome: str = Field(..., description="created, updated, unchanged or error")
    code: str
    field: str | None
    message: str
    source_id: int | None


class ImportOut(Schema):
    file_name: str
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: int
    results: list[RowOut]


class PolicyOut(Schema):
    unit: int
    approval_limit: str | None = Field(
        ..., description="Orders above it wait for the unit's approver; null: no approval step"
    )
    updated_at: datetime | None
    updated_by: str | None


class PolicyIn(Schema):
    model_config = ConfigDict(extra="ignore")

    approval_limit: Any = Field(None, description='Yuan ("50000.00"), or null for no limit')


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(sel.PAGE_SIZE, ge=1, le=sel.MAX_PAGE_SIZE)


class FundsQuery(PageQuery):
    unit: int | None = Field(None, ge=1, le=2**62, description="Regulators: one unit's sources")
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    active: bool | None = None


class UnitsQuery(PageQuery):
    q: str = Field("", max_length=100, description="Part of the unit's name, or a division code")
    fiscal_year: int | None = Field(None, ge=2000, le=2100)


# --- helpers --------------------------------------------------------------------------------


def source_json(source: FundingSource) -> dict[str, Any]:
    return {
        "id": source.pk,
        "unit": source.organisation_id,
        "unit_name": source.organisation.name,
        "fiscal_year": source.fiscal_year,
        "budget_line": source.budget_line,
        "name": source.name,
        "amount": str(source.amount),
        "reserved": str(source.reserved),
        "available": str(source.available),
        "active": source.active,
        "created_at": source.created_at,
        "updated_at": source.updated_at,
    }


def _money(value: Any) -> str:
    """Sums come back from SQLite without their scale: always 2 places."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def _page(qs: Any, query: PageQuery) -> tuple[int, list[Any], int]:
    count = qs.count()
    start = (query.page - 1) * query.page_size
    return (
        count,
        list(qs[start : start + query.page_size]),
        max(1, math.ceil(count / query.page_size)),
    )


def _policy_json(org_id: int, policy: PurchasingPolicy | None) -> dict[str, Any]:
    limit = policy.approval_limit if policy is not None else None
    return {
        "unit": org_id,
        "approval_limit": str(limit) if limit is not None else None,
        "updated_at": policy.updated_at if policy is not None else None,
        "updated_by": policy.updated_by.username
        if policy is not None and policy.updated_by is not None
        else None,
    }


# --- endpoints ------------------------------------------------------------------------------


@router.get(
    "/funds",
    response={200: SourcePageOut, **ERRORS},
    summary="Funding sources: a purchaser's own unit's, or a regulator's jurisdiction's",
)
def list_funds(request: HttpRequest, query: Query[FundsQuery]) -> dict[str, Any]:
    actor = request_user(request)
    sources = sel.visible_sources(actor)
    if query.unit is not None:
        sources = sources.filter(organisation_id=query.unit)
    if query.fiscal_year is not None:
        sources = sources.filter(fiscal_year=query.fiscal_year)
    if query.active is not None:
        sources = sources.filter(active=query.active)
    count, rows, pages = _page(sources, query)
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "results": [source_json(s) for s in rows],
    }


@router.post(
    "/funds",
    response={201: SourceOut, **ERRORS},
    summary="Regulator: enter a funding source of a purchasing unit in the jurisdiction",
)
def create_fund(request: HttpRequest, payload: SourceIn) -> Status:
    unit = payload.unit
    if isinstance(unit, str) and unit.strip().isdigit() and len(unit.strip()) <= 18:
        unit = int(unit)
    source = funding_source_create(
        actor=request_user(request),
        unit_id=unit,
        fiscal_year=payload.fiscal_year,
        budget_line=payload.budget_line,
        name=payload.name,
        amount=payload.amount,
    )
    return Status(201, source_json(sel.source_for_actor(request_user(request), source.pk)))


@router.get(
    "/funds/units",
    response={200: UnitPageOut, **ERRORS},
    summary="Regulator: purchasing units in the jurisdiction with their totals (active sources)",
)
def list_units(request: HttpRequest, query: Query[UnitsQuery]) -> dict[str, Any]:
    units = sel.unit_overview(
        request_user(request), query=query.q.strip(), fiscal_year=query.fiscal_year
    )
    count, rows, pages = _page(units, query)
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "results": [
            {
                "unit": u.pk,
                "unit_name": u.name,
                "division": u.division_id,
                "sources": u.source_count,
                "amount": _money(u.funds_amount),
                "reserved": _money(u.funds_reserved),
                "available": _money(u.funds_available),
            }
            for u in rows
        ],
    }


@router.post(
    "/funds/import",
    response={200: ImportOut, **ERRORS},
    summary="Regulator: import funding sources from a CSV file (multipart `file`)",
    description="Columns (English or Chinese, any order): unit/单位 (organisation id or exact "
    "name; or unit_id/单位编号, unit_name/单位名称), fiscal_year/年度, budget_line/预算项目编码, "
    "name/名称, amount/金额. UTF-8 or GB18030. One transaction: good rows applied, each row "
    "reported (created, updated, unchanged, error with code and message).",
)
def import_funds(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    actor = require_regulator(request_user(request))
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise DomainError(
            "file_too_large",
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
        )
    rows = read_rows(file.read(), max_rows=MAX_IMPORT_ROWS)
    report = funding_source_import(actor=actor, rows=rows, file_name=file.name or "")
    return report.as_json()


@router.get(
    "/funds/{source_id}",
    response={200: SourceOut, **ERRORS},
    summary="One funding source",
)
def get_fund(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return source_json(sel.source_for_actor(request_user(request), source_id))


@router.patch(
    "/funds/{source_id}",
    response={200: SourceOut, **ERRORS},
    summary="Regulator: change a source's amount (not below what is reserved), name or active",
)
def update_fund(request: HttpRequest, source_id: int, payload: SourcePatch) -> dict[str, Any]:
    actor = request_user(request)
    given = payload.model_dump(exclude_unset=True)
    for name in ("amount", "name", "active"):
        if name in given and given[name] is None:
            raise DomainError("invalid", _("This field may not be null."), field=name)
    source = funding_source_update(
        actor=actor,
        source_id=source_id,
        amount=given.get("amount"),
        name=given.get("name"),
        active=given.get("active"),
        note=given.get("note") or "",
    )
    return source_json(sel.source_for_actor(actor, source.pk))


@router.get(
    "/funds/{source_id}/ledger",
    response={200: LedgerOut, **ERRORS},
    summary="A source's ledger: reservations and releases (with order numbers), amount changes",
)
def fund_ledger(request: HttpRequest, source_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    source = sel.source_for_actor(request_user(request), source_id)
    count, rows, pages = _page(sel.ledger(source), query)
    return {
        "source": source_json(source),
        "count": count,
        "page": query.page,
        "pages": pages,
        "results": [{**sel.ledger_json(m), "amount": str(m.amount)} for m in rows],
    }


@router.get(
    "/purchasing-policy",
    response={200: PolicyOut, **ERRORS},
    summary="Purchasers: your unit's internal approval limit",
)
def get_policy(request: HttpRequest) -> dict[str, Any]:
    actor = request_user(request)
    if not sel.is_unit_member(actor):
        raise PermissionDenied()
    assert actor.organisation_id is not None
    return _policy_json(actor.organisation_id, sel.policy_of(actor.organisation_id))


@router.put(
    "/purchasing-policy",
    response={200: PolicyOut, **ERRORS},
    summary="Purchaser admin: set (or clear with null) your unit's approval limit",
)
def put_policy(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    actor = request_user(request)
    policy = policy_set_limit(actor=actor, limit=payload.approval_limit)
    return _policy_json(policy.organisation_id, sel.policy_of(policy.organisation_id))
