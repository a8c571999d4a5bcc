"""/api/v1/ endpoints of returns and terminations: the purchaser asks
(POST /orders/{number}/changes), the supplier agrees or objects, the owning operator approves or
rejects. Errors: invalid_kind, invalid_reason, required, too_long, invalid_lines, unknown_line,
duplicate_line, invalid_quantity, lines_not_allowed, order_not_changeable (409),
change_already_open (409), answer_too_late (409), invalid_transition (409), forbidden (403),
not_found (404)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import DomainError
from govmall.trading import services_changes as services
from govmall.trading.access import change_for_actor
from govmall.trading.models import ChangeRequest, ChangeState
from govmall.trading.selectors_changes import change_json, list_for_actor

router = Router(tags=["trading: changes"])

PAGE_SIZE = 50


class LineIn(Schema):
    line_id: Any = Field(None, description="An order line's id (GET /orders/{number})")
    quantity: Any = Field(None, description="How many to return: 1 to what is left")


class ChangeIn(Schema):
    kind: Any = Field(None, description="return | terminate")
    reason: Any = Field(None, description="need_changed | funds_adjusted | method_changed | other")
    reason_text: Any = Field("", description="Required when the reason is other; ≤ 2000")
    lines: list[LineIn] | None = Field(
        None, description="A partial return: these lines only (none: the whole order)"
    )


class ObjectIn(Schema):
    objection: Any = Field(None, description="Why the supplier objects (required, ≤ 2000)")


class ApproveIn(Schema):
    reasons: Any = Field("", description="Optional note (≤ 2000)")


class RejectIn(Schema):
    reasons: Any = Field(None, description="Why the request is rejected (required, ≤ 2000)")


class ChangeLineOut(Schema):
    line_id: int
    listing: str
    title: str
    quantity: int
    unit_price: Decimal


class OperatorOut(Schema):
    id: int
    name: str


class ChangeOut(Schema):
    number: str
    order: str
    kind: str
    whole: bool
    state: str
    reason: str
    reason_text: str
    lines: list[ChangeLineOut]
    requested_at: datetime
    supplier_deadline: datetime
    supplier_answered_at: datetime | None
    objection: str
    operator: OperatorOut
    verify_deadline: datetime | None
    verified_at: datetime | None
    verify_reasons: str
    refund_amount: Decimal
    closed_at: datetime | None
    overdue: bool
    time_left: str


class ChangePageOut(Schema):
    count: int
    page: int
    results: list[ChangeOut]


class ChangeQuery(Schema):
    state: str | None = Field(None, description="One of: " + ", ".join(ChangeState.values))
    page: int = Field(1, ge=1, le=1_000_000)


def _out(change: ChangeRequest) -> dict[str, Any]:
    return change_json(ChangeRequest.objects.select_related("order", "operator").get(pk=change.pk))


@router.post(
    "/orders/{number}/changes",
    response={201: ChangeOut, **ERRORS},
    summary="Ask to return the order (wholly or some lines) or to terminate its project",
)
def request_change(request: HttpRequest, number: str, payload: ChangeIn) -> Status:
    lines = None
    if payload.lines is not None:
        lines = [(item.line_id, item.quantity) for item in payload.lines]
    change = services.change_request(
        actor=request_user(request),
        number=number,
        kind=payload.kind,
        reason=payload.reason,
        reason_text=payload.reason_text,
        lines=lines,
    )
    return Status(201, _out(change))


@router.get(
    "/changes",
    response={200: ChangePageOut, **ERRORS},
    summary="Return and termination requests the caller may see, newest first",
)
def list_changes(request: HttpRequest, query: Query[ChangeQuery]) -> dict[str, Any]:
    if query.state is not None and query.state not in ChangeState.values:
        raise DomainError("invalid_state", _("Unknown state."), field="state")
    qs = list_for_actor(request_user(request), query.state)
    start = (query.page - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE])
    return {"count": qs.count(), "page": query.page, "results": [change_json(c) for c in rows]}


@router.get("/changes/{number}", response={200: ChangeOut, **ERRORS}, summary="One request")
def get_change(request: HttpRequest, number: str) -> dict[str, Any]:
    return change_json(change_for_actor(request_user(request), number))


@router.post(
    "/changes/{number}/withdraw",
    response={200: ChangeOut, **ERRORS},
    summary="The purchaser withdraws its request (before the supplier answers)",
)
def withdraw(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(services.change_withdraw(actor=request_user(request), number=number))


@router.post(
    "/changes/{number}/agree",
    response={200: ChangeOut, **ERRORS},
    summary="The supplier agrees (within 1 working day): the owning operator verifies",
)
def agree(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(services.change_agree(actor=request_user(request), number=number))


@router.post(
    "/changes/{number}/object",
    response={200: ChangeOut, **ERRORS},
    summary="The supplier objects: the request is disputed and the contract goes on",
)
def object_change(request: HttpRequest, number: str, payload: ObjectIn) -> dict[str, Any]:
    change = services.change_object(
        actor=request_user(request), number=number, objection=payload.objection
    )
    return _out(change)


@router.post(
    "/changes/{number}/approve",
    response={200: ChangeOut, **ERRORS},
    summary="The owning operator approves: return/termination carried out",
)
def approve(request: HttpRequest, number: str, payload: ApproveIn) -> dict[str, Any]:
    change = services.change_approve(
        actor=request_user(request), number=number, reasons=payload.reasons
    )
    return _out(change)


@router.post(
    "/changes/{number}/reject",
    response={200: ChangeOut, **ERRORS},
    summary="The owning operator rejects (reasons required): the order goes on",
)
def reject(request: HttpRequest, number: str, payload: RejectIn) -> dict[str, Any]:
    change = services.change_reject(
        actor=request_user(request), number=number, reasons=payload.reasons
    )
    return _out(change)
