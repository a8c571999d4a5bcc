"""Reads of fulfilment: who hears about an order, what is late, the queues of the supplier's
fulfilment page and the buyer's acceptance page, and one order's fulfilment record.

"Late" is always a query (deadline passed, not done), never a stored flag.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.trading import amounts
from govmall.trading.access import SUPPLIER_ROLES, purchaser_units_q
from govmall.trading.models import Order, OrderLine, OrderState

# Orders in which the buyer still owes money on a known due date.
PAYABLE_STATES = (OrderState.DELIVERED, OrderState.ACCEPTED)
BUYER_ROLES = (Role.BUYER, Role.PURCHASER_ADMIN)
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def unit_recipients(order: Order) -> list[User]:
    """The purchasing unit's buyers and admins (active)."""
    return list(
        User.objects.filter(
            organisation_id=order.purchaser_id, is_active=True, roles__role__in=BUYER_ROLES
        ).distinct()
    )


def supplier_recipients(order: Order) -> list[User]:
    """The supplier's admins and staff (active)."""
    return list(
        User.objects.filter(
            organisation_id=order.supplier.organisation_id,
            is_active=True,
            roles__role__in=SUPPLIER_ROLES,
        ).distinct()
    )


def owing(qs: QuerySet[Order]) -> QuerySet[Order]:
    """Orders with money outstanding, annotated with `outstanding_amount` (the same sum as
    trading.amounts.outstanding, in SQL)."""
    returned = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(
            v=Sum(ExpressionWrapper(F("returned_quantity") * F("unit_price"), output_field=_MONEY))
        )
        .values("v")
    )
    return qs.annotate(
        outstanding_amount=ExpressionWrapper(
            F("total")
            - Coalesce(Subquery(returned, output_field=_MONEY), Value(Decimal("0.00")))
            - F("paid_total")
            + F("refunded_total"),
            output_field=_MONEY,
        )
    ).filter(outstanding_amount__gt=0)


def late_payments(
    qs: QuerySet[Order] | None = None, now: datetime | None = None
) -> QuerySet[Order]:
    """Orders whose SME payment due time has passed with money still outstanding."""
    base = Order.objects.all() if qs is None else qs
    return owing(base.filter(state__in=PAYABLE_STATES, payment_due__lt=now or timezone.now()))


def late_acceptances(
    qs: QuerySet[Order] | None = None, now: datetime | None = None
) -> QuerySet[Order]:
    """Delivered orders whose acceptance period has ended without an acceptance."""
    base = Order.objects.all() if qs is None else qs
    return base.filter(state=OrderState.DELIVERED, acceptance_deadline__lt=now or timezone.now())


def late_payments_for_supervisor(actor: User, now: datetime | None = None) -> QuerySet[Order]:
    """Late payments of the units in a supervisor's jurisdiction."""
    return late_payments(Order.objects.filter(purchaser_units_q(actor)), now)


def supplier_queue(supplier_id: int) -> QuerySet[Order]:
    """The supplier's orders to ship or to deliver, oldest contract first."""
    return (
        Order.objects.filter(
            supplier_id=supplier_id, state__in=(OrderState.CONTRACTED, OrderState.SHIPPED)
        )
        .select_related("purchaser", "delivery_division")
        .order_by("confirmed_at", "id")
    )


def supplier_awaiting_acceptance(supplier_id: int) -> QuerySet[Order]:
    return (
        Order.objects.filter(supplier_id=supplier_id, state=OrderState.DELIVERED)
        .select_related("purchaser")
        .order_by("acceptance_deadline", "id")
    )


def buyer_to_accept(purchaser_id: int) -> QuerySet[Order]:
    """The unit's delivered orders to accept, nearest acceptance deadline first."""
    return (
        Order.objects.filter(purchaser_id=purchaser_id, state=OrderState.DELIVERED)
        .select_related("supplier__organisation")
        .order_by("acceptance_deadline", "id")
    )


def buyer_to_pay(purchaser_id: int) -> QuerySet[Order]:
    """The unit's delivered or accepted orders with money outstanding, nearest due first
    (orders without a statutory due date last)."""
    return (
        owing(Order.objects.filter(purchaser_id=purchaser_id, state__in=PAYABLE_STATES))
        .select_related("supplier__organisation")
        .order_by(F("payment_due").asc(nulls_last=True), "id")
    )


def is_late(order: Order, now: datetime | None = None) -> bool:
    return (
        order.state in PAYABLE_STATES
        and order.payment_due is not None
        and order.payment_due < (now or timezone.now())
        and amounts.outstanding(order) > 0
    )


def acceptance_late(order: Order, now: datetime | None = None) -> bool:
    return (
        order.state == OrderState.DELIVERED
        and order.acceptance_deadline is not None
        and order.acceptance_deadline < (now or timezone.now())
    )


def fulfilment_record(order: Order) -> dict[str, Any]:
    """Everything after the contract for one order (API and order panel)."""
    now = timezone.now()
    return {
        "number": order.number,
        "state": order.state,
        "shipped_at": order.shipped_at,
        "delivered_at": order.delivered_at,
        "acceptance_deadline": order.acceptance_deadline,
        "acceptance_late": acceptance_late(order, now),
        "accepted_at": order.accepted_at,
        "payment_due": order.payment_due,
        "payment_late": is_late(order, now),
        "payable": amounts.payable(order),
        "paid_total": order.paid_total,
        "refunded_total": order.refunded_total,
        "outstanding": amounts.outstanding(order),
        "invoiced_total": sum((i.amount for i in order.invoices.all()), Decimal("0.00")),
        "completed_at": order.completed_at,
        "deliveries": list(order.deliveries.select_related("by").all()),
        "acceptances": list(order.acceptances.select_related("by").all()),
        "invoices": list(order.invoices.all()),
        "payments": list(order.payments.all()),
    }
