"""Supplier verification API: submitting (onboarding or a change of key data), the operator's
queue, one application, and the owning operator's decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.suppliers import services_verification as services
from govmall.suppliers.access import application_for_actor, own_supplier
from govmall.suppliers.models import Application
from govmall.suppliers.selectors_verification import (
    TABS,
    is_overdue,
    queue_for_operator,
    time_left_text,
)

router = Router(tags=["suppliers"])


class ApplicationOut(Schema):
    number: str
    kind: str
    status: str
    supplier_id: int
    supplier_name: str
    credit_code: str
    owner_id: int
    owner_name: str
    previous: str | None
    submitted_at: datetime
    deadline: datetime
    calendar_known: bool
    overdue: bool
    time_left: str
    decided_at: datetime | None
    reasons: dict[str, str]


class ApplicationDetailOut(ApplicationOut):
    data: dict[str, Any]
    document_ids: list[int]


class QueueOut(Schema):
    tab: str
    page: int
    pages: int
    total: int
    pending: int
    overdue: int
    items: list[ApplicationOut]


class ChangeIn(Schema):
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=18)
    legal_representative: str | None = Field(None, max_length=100)


class ApproveIn(Schema):
    note: str = Field("", max_length=1000)


class ReturnIn(Schema):
    reasons: dict[str, str] = Field(
        ..., description="A reason per field of the profile (or `documents`); at least one."
    )


class RejectIn(Schema):
    reason: str = Field(..., max_length=1000)


class QueueQuery(Schema):
    status: str = Field("pending", description="One of: " + ", ".join(TABS))
    page: int = Field(1, ge=1, le=1_000_000)


def _out(application: Application, *, detail: bool = False) -> dict[str, Any]:
    now = timezone.now()
    pending = application.status == "pending"
    out: dict[str, Any] = {
        "number": application.number,
        "kind": application.kind,
        "status": application.status,
        "supplier_id": application.supplier_id,
        "supplier_name": application.supplier.organisation.name,
        "credit_code": application.supplier.credit_code,
        "owner_id": application.owner_id,
        "owner_name": application.owner.name,
        "previous": application.previous.number if application.previous else None,
        "submitted_at": application.submitted_at,
        "deadline": application.deadline,
        "calendar_known": application.deadline_calendar_known,
        "overdue": is_overdue(application, now),
        "time_left": time_left_text(application.deadline, now) if pending else "",
        "decided_at": application.decided_at,
        "reasons": application.reasons,
    }
    if detail:
        out["data"] = application.data
        out["document_ids"] = application.document_ids
    return out


def _reload(number: str) -> Application:
    return Application.objects.select_related("supplier__organisation", "owner", "previous").get(
        number=number
    )


@router.post(
    "/suppliers/me/submit",
    response={201: ApplicationDetailOut, **ERRORS},
    summary="Submit the supplier's profile and documents for verification",
)
def submit(request: HttpRequest) -> Any:
    actor = request_user(request)
    supplier = own_supplier(actor, admin=True)
    application = services.application_submit(actor=actor, supplier=supplier)
    return Status(201, _out(_reload(application.number), detail=True))


@router.post(
    "/suppliers/me/change",
    response={201: ApplicationDetailOut, **ERRORS},
    summary="Submit a change of key data (name, credit code, legal representative)",
)
def submit_change(request: HttpRequest, payload: ChangeIn) -> Any:
    actor = request_user(request)
    supplier = own_supplier(actor, admin=True)
    data = payload.dict(exclude_none=True)
    application = services.application_submit_change(actor=actor, supplier=supplier, data=data)
    return Status(201, _out(_reload(application.number), detail=True))


@router.get(
    "/suppliers/applications",
    response={200: QueueOut, **ERRORS},
    summary="The operator's verification queue (sorted by deadline)",
)
def queue(request: HttpRequest, filters: Query[QueueQuery]) -> Any:
    actor = request_user(request)
    result = queue_for_operator(actor, status=filters.status, page=filters.page)
    return {
        "tab": result.tab,
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
        "total": result.page.paginator.count,
        "pending": result.counts["pending"],
        "overdue": result.counts["overdue"],
        "items": [_out(row.application) for row in result.rows],
    }


@router.get(
    "/suppliers/applications/{number}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="One application (its supplier, the operators with jurisdiction, regulators)",
)
def detail(request: HttpRequest, number: str) -> Any:
    application = application_for_actor(request_user(request), number)
    return _out(_reload(application.number), detail=True)


@router.post(
    "/suppliers/applications/{number}/approve",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Approve (the owning operator's reviewers and admins)",
)
def approve(request: HttpRequest, number: str, payload: ApproveIn) -> Any:
    services.application_approve(actor=request_user(request), number=number, note=payload.note)
    return _out(_reload(number), detail=True)


@router.post(
    "/suppliers/applications/{number}/return",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Return for correction with a reason per field (补正)",
)
def return_(request: HttpRequest, number: str, payload: ReturnIn) -> Any:
    services.application_return(actor=request_user(request), number=number, reasons=payload.reasons)
    return _out(_reload(number), detail=True)


@router.post(
    "/suppliers/applications/{number}/reject",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Reject with a reason (the supplier may apply again)",
)
def reject(request: HttpRequest, number: str, payload: RejectIn) -> Any:
    services.application_reject(actor=request_user(request), number=number, reason=payload.reason)
    return _out(_reload(number), detail=True)
