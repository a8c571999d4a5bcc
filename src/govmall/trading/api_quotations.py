"""/api/v1/ endpoints of quick competitive quotations (竞价).

Sealed: before opening no endpoint returns a quote, a price of a quote or a count of quotes to
anyone but the quoting supplier, who reads only its own (`GET …/my-quote`). `quotes` and
`valid_quotes` of a quotation are null until it is opened. Refusals: unknown_category,
invalid_attribute, unknown_attribute, invalid_quantity, invalid_amount, over_tender_threshold,
closes_too_soon, delivery_before_closing, unknown_funding_source, insufficient_funds (409),
quotation_closed (409), over_ceiling, invalid_listing, supplier_cannot_trade (403), not_lowest,
award_pending, no_award, confirm_window_closed (409), invalid_transition (409); a quotation the
caller may not see is the same 404 as a missing one.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict

from govmall.accounts.access import request_user
from govmall.accounts.roles import OrgKind
from govmall.core.api_base import ERRORS
from govmall.trading import sealing, services_awards, services_quotations, services_quotes
from govmall.trading import selectors_quotations as sel
from govmall.trading.access import quotation_for_actor
from govmall.trading.models import Quotation, Quote

router = Router(tags=["trading: quotations"])
PAGE_SIZE = 25


class QuotationIn(Schema):
    """`category_code` a category code; `required_attributes` {key: value} by its template;
    `ceiling_total` the most for the whole quantity ("250000.00"); `closes_at` ISO 8601 (no zone
    = Asia/Shanghai), at least the end of the 2nd working day after today; `delivery_date`
    YYYY-MM-DD after the closing date; `delivery_division` a 6-digit division code."""

    model_config = ConfigDict(extra="ignore")
    title: Any = None
    category_code: Any = None
    requirements: Any = None
    required_attributes: Any = None
    quantity: Any = None
    unit: Any = None
    ceiling_total: Any = None
    funding_source_id: Any = None
    delivery_division: Any = None
    delivery_address: Any = None
    delivery_date: Any = None
    closes_at: Any = None


class ReasonIn(Schema):
    reason: Any = None


class RelaunchIn(Schema):
    closes_at: Any = None
    delivery_date: Any = None


class DisqualifyIn(Schema):
    quote_id: Any = None
    reasons: Any = None


class QuoteIn(Schema):
    unit_price: Any = None
    listing_number: Any = None
    note: Any = ""


class OpenedQuoteOut(Schema):
    id: int
    rank: int | None
    state: str
    supplier: str
    credit_code: str
    sme: str
    unit_price: str
    total: str
    listing: str
    submitted_at: datetime
    revision: int
    commitment: str
    salt: str
    reasons: str
    confirm_deadline: datetime | None


class QuotationOut(Schema):
    number: str
    state: str
    title: str
    category: str
    category_name: str
    requirements: str
    required_attributes: dict[str, str]
    quantity: int
    unit: str
    ceiling_total: str
    purchaser: str
    delivery_division: str
    delivery_address: str
    delivery_date: date
    published_at: datetime | None
    closes_at: datetime | None
    opened_at: datetime | None
    valid_quotes: int | None
    award_deadline: datetime | None
    finished_at: datetime | None
    result_published_at: datetime | None
    relaunch_of: str | None
    order: str | None
    quotes: list[OpenedQuoteOut] | None


class QuotationPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[QuotationOut]


class MyQuoteOut(Schema):
    quotation: str
    state: str
    unit_price: str
    total: str
    listing: str
    note: str
    revision: int
    submitted_at: datetime
    commitment: str
    rank: int | None
    confirm_deadline: datetime | None


class OrderRefOut(Schema):
    order: str
    quotation: str
    total: str


def quotation_json(quotation: Quotation) -> dict[str, Any]:
    opened = sealing.is_open(quotation)
    order = sel.order_of(quotation)
    return {
        "number": quotation.number,
        "state": quotation.state,
        "title": quotation.title,
        "category": quotation.category.code,
        "category_name": quotation.category.name_zh,
        "requirements": quotation.requirements,
        "required_attributes": quotation.required_attributes or {},
        "quantity": quotation.quantity,
        "unit": quotation.unit,
        "ceiling_total": str(quotation.ceiling_total),
        "purchaser": quotation.purchaser.name,
        "delivery_division": quotation.delivery_division_id,
        "delivery_address": quotation.delivery_address,
        "delivery_date": quotation.delivery_date,
        "published_at": quotation.published_at,
        "closes_at": quotation.closes_at,
        "opened_at": quotation.opened_at,
        "valid_quotes": quotation.valid_quotes if opened else None,
        "award_deadline": quotation.award_deadline,
        "finished_at": quotation.finished_at,
        "result_published_at": quotation.result_published_at,
        "relaunch_of": quotation.relaunch_of.number if quotation.relaunch_of else None,
        "order": order.number if order else None,
        "quotes": (
            [
                {**row, "unit_price": str(row["unit_price"]), "total": str(row["total"])}
                for row in map(sel.quote_row, sel.opened_quotes(quotation))
            ]
            if opened
            else None
        ),
    }


def my_quote_json(quote: Quote) -> dict[str, Any]:
    return {
        "quotation": quote.quotation.number,
        "state": quote.state,
        "unit_price": str(quote.unit_price),
        "total": str(quote.total),
        "listing": quote.listing.number if quote.listing else "",
        "note": quote.note,
        "revision": quote.revision,
        "submitted_at": quote.submitted_at,
        "commitment": quote.commitment,
        "rank": quote.rank,
        "confirm_deadline": quote.confirm_deadline,
    }


def _detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return quotation_json(quotation_for_actor(request_user(request), number[:24]))


@router.post(
    "/quotations",
    response={201: QuotationOut, **ERRORS},
    summary="Publish a quotation request (buyer)",
)
def publish(request: HttpRequest, payload: QuotationIn) -> Status:
    quotation = services_quotations.quotation_publish(
        actor=request_user(request), **payload.model_dump()
    )
    return Status(201, _detail(request, quotation.number))


@router.get(
    "/quotations", response={200: QuotationPageOut, **ERRORS}, summary="Quotations I may see"
)
def list_quotations(
    request: HttpRequest, state: str = "", page: int = Query(1, ge=1, le=100_000)
) -> dict[str, Any]:
    """The unit's own (purchasers), invitations (suppliers), the jurisdiction (supervisors)."""
    user = request_user(request)
    rows = sel.visible_quotations(user).order_by("-id")
    if state:
        rows = rows.filter(state=state[:20])
    count = rows.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    chunk = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "count": count,
        "page": page,
        "pages": pages,
        "results": [quotation_json(q) for q in chunk],
    }


@router.get("/quotations/{number}", response={200: QuotationOut, **ERRORS}, summary="One quotation")
def detail(request: HttpRequest, number: str) -> dict[str, Any]:
    """Quotes (ranked, with price, salt and commitment) appear only once it has been opened."""
    return _detail(request, number)


@router.post(
    "/quotations/{number}/cancel", response={200: QuotationOut, **ERRORS}, summary="Cancel"
)
def cancel(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    services_quotations.quotation_cancel(
        actor=request_user(request), number=number, reason=payload.reason
    )
    return _detail(request, number)


@router.post(
    "/quotations/{number}/relaunch",
    response={201: QuotationOut, **ERRORS},
    summary="Relaunch a failed quotation as a new one",
)
def relaunch(request: HttpRequest, number: str, payload: RelaunchIn) -> Status:
    new = services_quotations.quotation_relaunch(
        actor=request_user(request),
        number=number,
        closes_at=payload.closes_at,
        delivery_date=payload.delivery_date,
    )
    return Status(201, _detail(request, new.number))


@router.post(
    "/quotations/{number}/award",
    response={200: QuotationOut, **ERRORS},
    summary="Award the lowest remaining valid quote",
)
def award(request: HttpRequest, number: str) -> dict[str, Any]:
    services_awards.quote_award(actor=request_user(request), number=number)
    return _detail(request, number)


@router.post(
    "/quotations/{number}/disqualify",
    response={200: QuotationOut, **ERRORS},
    summary="Disqualify the lowest remaining valid quote, with reasons",
)
def disqualify(request: HttpRequest, number: str, payload: DisqualifyIn) -> dict[str, Any]:
    services_awards.quote_disqualify(
        actor=request_user(request),
        number=number,
        quote_id=payload.quote_id,
        reasons=payload.reasons,
    )
    return _detail(request, number)


@router.post(
    "/quotations/{number}/quote",
    response={200: MyQuoteOut, 201: MyQuoteOut, **ERRORS},
    summary="Submit or revise my sealed quote (invited supplier)",
)
def submit_quote(request: HttpRequest, number: str, payload: QuoteIn) -> Status:
    quote = services_quotes.quote_submit(
        actor=request_user(request),
        number=number,
        unit_price=payload.unit_price,
        listing_number=payload.listing_number,
        note=payload.note,
    )
    return Status(201 if quote.revision == 1 else 200, my_quote_json(quote))


@router.get(
    "/quotations/{number}/my-quote",
    response={200: MyQuoteOut, **ERRORS},
    summary="My own quote (supplier)",
)
def my_quote(request: HttpRequest, number: str) -> dict[str, Any]:
    from govmall.core.errors import NotFound, PermissionDenied

    user = request_user(request)
    quotation = quotation_for_actor(user, number[:24])
    if user.organisation is None or user.organisation.kind != OrgKind.SUPPLIER:
        raise PermissionDenied()
    quote = sel.my_quote(user, quotation)
    if quote is None:
        raise NotFound()
    return my_quote_json(quote)


@router.post(
    "/quotations/{number}/confirm-award",
    response={201: OrderRefOut, **ERRORS},
    summary="Confirm my award (winner): creates the order and its contract",
)
def confirm_award(request: HttpRequest, number: str) -> Status:
    order = services_awards.quote_confirm_award(actor=request_user(request), number=number)
    return Status(201, {"order": order.number, "quotation": number, "total": str(order.total)})


@router.post(
    "/quotations/{number}/decline-award",
    response={200: MyQuoteOut, **ERRORS},
    summary="Decline my award: it passes to the next valid quote",
)
def decline_award(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    quote = services_awards.quote_decline_award(
        actor=request_user(request), number=number, reason=payload.reason or ""
    )
    return my_quote_json(quote)
