"""Amounts of an order after partial returns: what is still owed and what may be paid."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from govmall.trading.models import Order, OrderLine


def returned_value(order: Order) -> Decimal:
    """Value of the lines' returned quantities at the contract's unit prices."""
    value = OrderLine.objects.filter(order=order).aggregate(
        v=Sum(
            ExpressionWrapper(
                F("returned_quantity") * F("unit_price"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
    )["v"]
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def payable(order: Order) -> Decimal:
    """The contract amount less returned lines: the most the purchaser may pay in total."""
    return order.total - returned_value(order)


def outstanding(order: Order) -> Decimal:
    """What is still to pay: payable less paid plus refunded."""
    return payable(order) - (order.paid_total - order.refunded_total)
