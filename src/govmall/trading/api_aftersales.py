"""/api/v1/ endpoints of trading: evaluation (评价) and after-sales tickets, and a supplier's
public ratings.

Errors (one shape): not_found (missing or not yours), forbidden (wrong role), invalid_score,
too_long, required, not_accepted_yet, already_evaluated, invalid_kind, invalid_line,
unknown_line, not_delivered_yet, too_early_to_escalate, invalid_transition (409).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import NotFound
from govmall.suppliers.models import Supplier, SupplierStatus
from govmall.trading import selectors_tickets as sel
from govmall.trading import services_evaluations as evaluations
from govmall.trading import services_tickets as tickets
from govmall.trading.access import order_for_actor, ticket_for_actor
from govmall.trading.models import Evaluation, Ticket
from govmall.trading.selectors_ratings import ratings_json, supplier_ratings

router = Router(tags=["trading: aftersales"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --- schemas ------------------------------------------------------------------------------------


class Loose(Schema):
    """Types are checked by the services (field errors in the one shape), not here."""

    model_config = ConfigDict(extra="ignore")


class EvaluationIn(Loose):
    quality: Any = Field(None, description="1–5")
    delivery: Any = Field(None, description="1–5")
    service: Any = Field(None, description="1–5")
    comment: Any = Field("", description="At most 1000 characters")


class EvaluationOut(Schema):
    order: str
    supplier_credit_code: str
    quality: int
    delivery: int
    service: int
    comment: str
    by: str
    at: datetime


class EvaluationStatusOut(Schema):
    order: str
    evaluated: bool
    evaluation: EvaluationOut | None


class RatingsOut(Schema):
    credit_code: str
    name: str
    count: int
    quality: str | None
    delivery: str | None
    service: str | None
    overall: str | None


class TicketOpenIn(Loose):
    kind: Any = Field(None, description="repair, replace or return")
    description: Any = Field(None, description="At most 2000 characters")
    line_id: Any = Field(None, description="An order line's id (optional)")


class RespondIn(Loose):
    response: Any = None


class ResolveIn(Loose):
    resolution: Any = ""


class ReasonIn(Loose):
    reason: Any = None


class TicketOut(Schema):
    number: str
    order: str
    purchaser: str
    supplier: str
    supplier_credit_code: str
    line_id: int | None
    line_title: str
    kind: str
    state: str
    description: str
    opened_at: datetime
    response_deadline: datetime
    overdue: bool
    response: str
    responded_at: datetime | None
    resolution: str
    resolved_at: datetime | None
    escalated_at: datetime | None
    escalation_reason: str


class TicketPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[TicketOut]


class TicketQuery(Schema):
    tab: str = Field(
        "",
        description="active (open or responded), overdue, escalated, resolved or all; default "
        "active, for operators and regulators escalated",
    )
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


# --- helpers ------------------------------------------------------------------------------------


def _evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "order": evaluation.order.number,
        "supplier_credit_code": evaluation.supplier.credit_code,
        "quality": evaluation.quality,
        "delivery": evaluation.delivery,
        "service": evaluation.service,
        "comment": evaluation.comment,
        "by": str(evaluation.by),
        "at": evaluation.at,
    }


def _ticket(number: str, request: HttpRequest) -> dict[str, Any]:
    return sel.ticket_json(ticket_for_actor(request_user(request), number))


def _reload(ticket: Ticket) -> dict[str, Any]:
    fresh = Ticket.objects.select_related(
        "order__purchaser", "order__supplier__organisation", "line"
    ).get(pk=ticket.pk)
    return sel.ticket_json(fresh)


# --- evaluation ---------------------------------------------------------------------------------


@router.post(
    "/orders/{number}/evaluation",
    response={201: EvaluationOut, **ERRORS},
    summary="Rate the supplier of an accepted order (quality, delivery, service 1–5), once",
)
def submit_evaluation(request: HttpRequest, number: str, payload: EvaluationIn) -> Status:
    body = payload.model_dump()
    evaluation = evaluations.evaluation_submit(actor=request_user(request), number=number, **body)
    evaluation = Evaluation.objects.select_related("order", "supplier", "by").get(pk=evaluation.pk)
    return Status(201, _evaluation_json(evaluation))


@router.get(
    "/orders/{number}/evaluation",
    response={200: EvaluationStatusOut, **ERRORS},
    summary="The order's evaluation, if given",
)
def get_evaluation(request: HttpRequest, number: str) -> dict[str, Any]:
    order = order_for_actor(request_user(request), number)
    evaluation = (
        Evaluation.objects.select_related("order", "supplier", "by").filter(order=order).first()
    )
    return {
        "order": order.number,
        "evaluated": evaluation is not None,
        "evaluation": _evaluation_json(evaluation) if evaluation else None,
    }


@router.get(
    "/suppliers/{credit_code}/ratings",
    auth=None,
    response={200: RatingsOut, **ERRORS},
    summary="Public: an active supplier's evaluation count and average scores (2 places)",
)
def get_ratings(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    supplier = (
        Supplier.objects.select_related("organisation")
        .filter(credit_code=credit_code[:40].upper(), status=SupplierStatus.ACTIVE)
        .first()
    )
    if supplier is None:
        raise NotFound()
    return {
        "credit_code": supplier.credit_code,
        "name": supplier.organisation.name,
        **ratings_json(supplier_ratings(supplier)),
    }


# --- tickets ------------------------------------------------------------------------------------


@router.post(
    "/orders/{number}/tickets",
    response={201: TicketOut, **ERRORS},
    summary="Open an after-sales ticket (repair, replace, return) on a delivered order",
)
def open_ticket(request: HttpRequest, number: str, payload: TicketOpenIn) -> Status:
    ticket = tickets.ticket_open(actor=request_user(request), number=number, **payload.model_dump())
    return Status(201, _reload(ticket))


@router.get(
    "/tickets",
    response={200: TicketPageOut, **ERRORS},
    summary="After-sales tickets the caller may see (its unit's, its supplier's, supervised)",
)
def list_tickets(request: HttpRequest, query: Query[TicketQuery]) -> dict[str, Any]:
    actor = request_user(request)
    rows = sel.tickets_for(actor, query.tab or sel.default_tab(actor))
    count = rows.count()
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
        "results": [sel.ticket_json(t) for t in rows[start : start + query.page_size]],
    }


@router.get("/tickets/{number}", response={200: TicketOut, **ERRORS}, summary="One ticket")
def get_ticket(request: HttpRequest, number: str) -> dict[str, Any]:
    return _ticket(number, request)


@router.post(
    "/tickets/{number}/respond",
    response={200: TicketOut, **ERRORS},
    summary="Supplier: respond to an open ticket",
)
def respond_ticket(request: HttpRequest, number: str, payload: RespondIn) -> dict[str, Any]:
    ticket = tickets.ticket_respond(
        actor=request_user(request), number=number, response=payload.response
    )
    return _reload(ticket)


@router.post(
    "/tickets/{number}/resolve",
    response={200: TicketOut, **ERRORS},
    summary="Purchaser: confirm the ticket resolved",
)
def resolve_ticket(request: HttpRequest, number: str, payload: ResolveIn) -> dict[str, Any]:
    ticket = tickets.ticket_resolve(
        actor=request_user(request), number=number, resolution=payload.resolution
    )
    return _reload(ticket)


@router.post(
    "/tickets/{number}/reopen",
    response={200: TicketOut, **ERRORS},
    summary="Purchaser: reopen a responded ticket (a new response deadline)",
)
def reopen_ticket(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    ticket = tickets.ticket_reopen(
        actor=request_user(request), number=number, reason=payload.reason
    )
    return _reload(ticket)


@router.post(
    "/tickets/{number}/escalate",
    response={200: TicketOut, **ERRORS},
    summary="Purchaser: escalate an unresolved ticket to supervision",
)
def escalate_ticket(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    ticket = tickets.ticket_escalate(
        actor=request_user(request), number=number, reason=payload.reason
    )
    return _reload(ticket)
