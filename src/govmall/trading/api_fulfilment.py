"""/api/v1/ endpoints of trading: fulfilment — ship, deliver, accept, invoices, payments, and
one order's fulfilment record. Sub-paths of /orders/{number}/ only (the order itself belongs to
api_orders)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.trading import services_fulfilment as fulfilment
from govmall.trading import services_payments as payments
from govmall.trading.access import order_for_actor
from govmall.trading.selectors_fulfilment import fulfilment_record

router = Router(tags=["trading: fulfilment"])


class ShipIn(Schema):
    note_number: Any = Field("", description="Waybill number (optional, at most 60)")
    note: Any = Field("", description="At most 1000 characters")


class DeliverIn(Schema):
    note_number: Any = Field(..., description="Delivery note number 送货单号 (required)")
    note: Any = Field("", description="At most 1000 characters")


class AcceptIn(Schema):
    passed: Any = Field(..., description="true: passed; false: failed (reasons required)")
    reasons: Any = Field("", description="Required when failed, at most 2000 characters")


class InvoiceIn(Schema):
    invoice_number: Any = Field(..., description="发票号码: letters, digits, hyphens (≤ 40)")
    amount: Any = Field(..., description='Yuan, 2 decimal places, as a string: "1234.50"')
    issued_on: Any = Field(..., description="YYYY-MM-DD, not in the future")


class PaymentIn(Schema):
    amount: Any = Field(..., description='Yuan, 2 decimal places, as a string: "1234.50"')
    paid_on: Any = Field(..., description="YYYY-MM-DD, not in the future")
    voucher: Any = Field(..., description="Payment voucher number (≤ 60)")


class DeliveryOut(Schema):
    kind: str
    note_number: str
    note: str
    at: datetime


class AcceptanceOut(Schema):
    result: str
    reasons: str
    at: datetime


class InvoiceOut(Schema):
    number: str
    amount: Decimal
    issued_on: date
    recorded_at: datetime


class PaymentOut(Schema):
    kind: str
    amount: Decimal
    paid_on: date
    voucher: str
    recorded_at: datetime


class FulfilmentOut(Schema):
    number: str
    state: str
    shipped_at: datetime | None
    delivered_at: datetime | None
    acceptance_deadline: datetime | None
    acceptance_late: bool
    accepted_at: datetime | None
    payment_due: datetime | None = Field(
        None, description="Statutory due time for an SME supplier; null for a large one"
    )
    payment_late: bool
    payable: Decimal
    paid_total: Decimal
    refunded_total: Decimal
    outstanding: Decimal
    invoiced_total: Decimal
    completed_at: datetime | None
    deliveries: list[DeliveryOut]
    acceptances: list[AcceptanceOut]
    invoices: list[InvoiceOut]
    payments: list[PaymentOut]


def _record(request: HttpRequest, number: str) -> dict[str, Any]:
    return fulfilment_record(order_for_actor(request_user(request), number))


@router.get(
    "/orders/{number}/fulfilment",
    response={200: FulfilmentOut, **ERRORS},
    summary="An order's deliveries, acceptances, invoices, payments, payment due and outstanding",
)
def get_fulfilment(request: HttpRequest, number: str) -> dict[str, Any]:
    return _record(request, number)


@router.post(
    "/orders/{number}/ship",
    response={200: FulfilmentOut, **ERRORS},
    summary="Mark a contracted order shipped (the order's supplier)",
)
def ship(request: HttpRequest, number: str, payload: ShipIn) -> dict[str, Any]:
    fulfilment.order_ship(
        actor=request_user(request),
        number=number,
        note_number=payload.note_number,
        note=payload.note,
    )
    return _record(request, number)


@router.post(
    "/orders/{number}/deliver",
    response={200: FulfilmentOut, **ERRORS},
    summary="Mark a shipped order delivered with its delivery note (the order's supplier)",
)
def deliver(request: HttpRequest, number: str, payload: DeliverIn) -> dict[str, Any]:
    fulfilment.order_deliver(
        actor=request_user(request),
        number=number,
        note_number=payload.note_number,
        note=payload.note,
    )
    return _record(request, number)


@router.post(
    "/orders/{number}/accept",
    response={200: FulfilmentOut, **ERRORS},
    summary="Accept (验收) a delivered order: passed, or failed with reasons (buyer or admin)",
)
def accept(request: HttpRequest, number: str, payload: AcceptIn) -> dict[str, Any]:
    fulfilment.order_accept(
        actor=request_user(request),
        number=number,
        passed=payload.passed,
        reasons=payload.reasons,
    )
    return _record(request, number)


@router.post(
    "/orders/{number}/invoices",
    response={201: FulfilmentOut, **ERRORS},
    summary="Record an invoice (发票) of a delivered order (buyer or admin)",
)
def record_invoice(request: HttpRequest, number: str, payload: InvoiceIn) -> Status:
    payments.invoice_record(
        actor=request_user(request),
        number=number,
        invoice_number=payload.invoice_number,
        amount=payload.amount,
        issued_on=payload.issued_on,
    )
    return Status(201, _record(request, number))


@router.post(
    "/orders/{number}/payments",
    response={201: FulfilmentOut, **ERRORS},
    summary="Record a payment (amount, date, voucher); never more than is outstanding",
)
def record_payment(request: HttpRequest, number: str, payload: PaymentIn) -> Status:
    payments.payment_record(
        actor=request_user(request),
        number=number,
        amount=payload.amount,
        paid_on=payload.paid_on,
        voucher=payload.voucher,
    )
    return Status(201, _record(request, number))
