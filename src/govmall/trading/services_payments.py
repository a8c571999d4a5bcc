"""The purchasing unit records invoices (发票) and payments; a payment that settles an accepted
order completes it (and its contract).

When payment may be recorded (our reading of the SME payment rule): the rule starts the payment
clock at delivery unless the contract makes acceptance the payment condition. So payment is
accepted once the order is DELIVERED when the contract's condition is delivery, and only once it
is ACCEPTED when the condition is acceptance. Paying more than is payable (the contract less
returned lines, less what was paid net of refunds) is `payment_exceeds_contract`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.audit.services import record_event
from govmall.core.calendar import TZ, parse_date_input
from govmall.core.errors import DomainError
from govmall.trading import access, amounts
from govmall.trading.models import Invoice, Order, OrderState, Payment, PaymentKind
from govmall.trading.payment_due import acceptance_condition, payment_due_for
from govmall.trading.selectors_fulfilment import (
    is_late,
    late_payments,
)
from govmall.trading.services_fulfilment import (
    ACCEPTING_ROLES,
    clean_text,
    complete_order,
    contract_of,
    notify_late_order,
)

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.trading.models import Contract

__all__ = [
    "invoice_record",
    "payment_due_for",
    "payment_overdue_job",
    "payment_record",
    "payment_states",
]

MAX_AMOUNT = Decimal("999999999999.99")
INVOICE_STATES = (OrderState.DELIVERED, OrderState.ACCEPTED, OrderState.COMPLETED)
_INVOICE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,40}$")
_CENT = Decimal("0.01")
PAYMENT_OVERDUE_ACTION = "order.payment_overdue_notified"


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    """A positive amount of yuan with at most 2 decimal places (string, int or Decimal)."""
    error = DomainError(
        "invalid_amount",
        _("Enter an amount in yuan above 0 with at most 2 decimal places, e.g. 1234.50."),
        field=field,
    )
    if isinstance(value, bool) or value is None:
        raise error
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        if not value or len(value) > 20:
            raise error
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise error from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise error
    if amount != amount.quantize(_CENT):
        raise error
    return amount.quantize(_CENT)


def parse_past_date(value: Any, order: Order, *, field: str) -> date:
    """A date not after today (Asia/Shanghai) and not before the order was made."""
    day = parse_date_input(value, field=field)
    today = timezone.now().astimezone(TZ).date()
    if day > today:
        raise DomainError("date_in_future", _("The date may not be in the future."), field=field)
    if day < order.created_at.astimezone(TZ).date():
        raise DomainError(
            "date_before_order", _("The date may not be before the order was made."), field=field
        )
    return day


def _buyer_order(actor: User | None, number: str) -> Order:
    order = access.order_for_actor(actor, number, lock=True)
    access.require_order_purchaser(actor, order, *ACCEPTING_ROLES)
    return order


def invoice_record(
    *, actor: User, number: str, invoice_number: str, amount: Any, issued_on: Any
) -> Invoice:
    """Record the supplier's invoice once the order is delivered; invoices never add up to
    more than is payable."""
    invoice_number = clean_text(invoice_number, field="invoice_number", limit=40, required=True)
    if not _INVOICE_NUMBER.match(invoice_number):
        raise DomainError(
            "invalid_invoice_number",
            _("Enter the invoice number: letters, digits and hyphens, at most 40."),
            field="invoice_number",
        )
    value = parse_amount(amount)
    with transaction.atomic():
        order = _buyer_order(actor, number)
        if order.state not in INVOICE_STATES:
            raise DomainError(
                "order_not_delivered",
                _("An invoice is recorded once the order has been delivered."),
                status=409,
                state=order.state,
            )
        day = parse_past_date(issued_on, order, field="issued_on")
        if order.invoices.filter(number=invoice_number).exists():
            raise DomainError(
                "duplicate_invoice",
                _("Invoice %(number)s is already recorded for this order.")
                % {"number": invoice_number},
                status=409,
                field="invoice_number",
            )
        invoiced = order.invoices.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
        payable = amounts.payable(order)
        if invoiced + value > payable:
            raise DomainError(
                "invoice_exceeds_contract",
                _("Invoices would total %(total)s yuan, more than the %(payable)s payable.")
                % {"total": invoiced + value, "payable": payable},
                status=409,
                field="amount",
                payable=str(payable),
                invoiced=str(invoiced),
            )
        invoice = Invoice.objects.create(
            order=order,
            number=invoice_number,
            amount=value,
            issued_on=day,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        record_event(
            obj=order,
            action="order.invoice_recorded",
            actor=actor,
            after={
                "invoice": invoice_number,
                "amount": value,
                "issued_on": day,
                "invoiced_total": invoiced + value,
            },
        )
    return invoice


def payment_states(contract: Contract | None) -> tuple[str, ...]:
    """States in which a payment may be recorded (see the module docstring)."""
    if acceptance_condition(contract):
        return (OrderState.ACCEPTED,)
    return (OrderState.DELIVERED, OrderState.ACCEPTED)


def payment_record(*, actor: User, number: str, amount: Any, paid_on: Any, voucher: str) -> Payment:
    """Record a payment (amount, date, voucher); never more than is outstanding. Settling an
    accepted order completes it and its contract."""
    voucher = clean_text(voucher, field="voucher", limit=60, required=True)
    value = parse_amount(amount)
    with transaction.atomic():
        order = _buyer_order(actor, number)
        contract = contract_of(order)
        allowed = payment_states(contract)
        if order.state not in allowed:
            raise DomainError(
                "payment_not_allowed",
                _("A payment is recorded once the order has been accepted.")
                if allowed == (OrderState.ACCEPTED,)
                else _("A payment is recorded once the order has been delivered."),
                status=409,
                state=order.state,
            )
        day = parse_past_date(paid_on, order, field="paid_on")
        outstanding = amounts.outstanding(order)
        if value > outstanding:
            raise DomainError(
                "payment_exceeds_contract",
                _("%(amount)s yuan is more than the %(outstanding)s yuan still to pay.")
                % {"amount": value, "outstanding": outstanding},
                status=409,
                field="amount",
                outstanding=str(outstanding),
            )
        now = timezone.now()
        payment = Payment.objects.create(
            order=order,
            kind=PaymentKind.PAYMENT,
            amount=value,
            paid_on=day,
            voucher=voucher,
            recorded_by=actor,
            recorded_at=now,
        )
        Order.objects.filter(pk=order.pk).update(paid_total=F("paid_total") + value)
        order.refresh_from_db(fields=["paid_total"])
        left = amounts.outstanding(order)
        record_event(
            obj=order,
            action="order.payment_recorded",
            actor=actor,
            after={
                "amount": value,
                "paid_on": day,
                "voucher": voucher,
                "paid_total": order.paid_total,
                "outstanding": left,
            },
        )
        if left <= 0 and order.state == OrderState.ACCEPTED:
            complete_order(order, actor=actor)
    return payment


def _payment_message(order: Order, due: datetime) -> str:
    return _(
        "Payment for order %(number)s was due by %(due)s; %(outstanding)s yuan is still "
        "outstanding."
    ) % {
        "number": order.number,
        "due": due.strftime("%Y-%m-%d"),
        "outstanding": amounts.outstanding(order),
    }


def payment_overdue_job() -> str:
    """`tick`: notify the unit's buyers and admins and the supplier once per late payment."""
    now = timezone.now()
    notified = 0
    for order_id in list(late_payments(now=now).order_by("pk").values_list("pk", flat=True)):
        if notify_late_order(
            order_id,
            now,
            late=is_late,
            deadline_field="payment_due",
            action=PAYMENT_OVERDUE_ACTION,
            verb="order.payment_overdue",
            message=_payment_message,
            extra=lambda order: {"outstanding": amounts.outstanding(order)},
        ):
            notified += 1
    return f"{notified} late payments notified"
