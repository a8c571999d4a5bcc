"""Reads for carts and orders: grouped cart, order lists and queues, the API's order shape."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from govmall.accounts.models import User
from govmall.catalog.models import ListingState
from govmall.suppliers.models import Supplier
from govmall.trading import config
from govmall.trading.access import visible_orders
from govmall.trading.models import CartLine, FundingSource, Order, OrderState

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Tabs of the purchaser's order list: key → states shown.
STATE_TABS: dict[str, tuple[str, ...]] = {
    "all": (),
    "pending_approval": (OrderState.PENDING_APPROVAL,),
    "placed": (OrderState.PLACED,),
    "in_progress": (
        OrderState.CONFIRMED,
        OrderState.CONTRACTED,
        OrderState.SHIPPED,
        OrderState.DELIVERED,
        OrderState.ACCEPTED,
    ),
    "completed": (OrderState.COMPLETED,),
    "closed": (
        OrderState.REJECTED,
        OrderState.DECLINED,
        OrderState.CANCELLED,
        OrderState.RETURNED,
        OrderState.TERMINATED,
    ),
}


def cart_groups(user: User) -> list[dict[str, Any]]:
    """The buyer's cart by supplier: lines, subtotal, and whether the group is above the
    direct-purchase limit (then a quotation is offered instead of checkout)."""
    limit = config.get("DIRECT_PURCHASE_LIMIT")
    groups: dict[int, dict[str, Any]] = {}
    for line in (
        CartLine.objects.filter(user=user)
        .select_related("listing", "listing__supplier", "listing__supplier__organisation")
        .order_by("id")
    ):
        listing = line.listing
        group = groups.setdefault(
            listing.supplier_id,
            {
                "supplier": listing.supplier,
                "lines": [],
                "subtotal": Decimal("0.00"),
                "available": True,
            },
        )
        amount = (listing.price * line.quantity).quantize(Decimal("0.01"))
        on_sale = listing.state == ListingState.LISTED
        group["lines"].append(
            {
                "line": line,
                "listing": listing,
                "amount": amount,
                "on_sale": on_sale,
                "enough_stock": listing.stock >= line.quantity,
            }
        )
        group["subtotal"] += amount
        group["available"] = group["available"] and on_sale
    result = list(groups.values())
    for group in result:
        group["over_limit"] = group["subtotal"] > limit
        group["limit"] = limit
    return result


def funding_sources(user: User) -> list[FundingSource]:
    """The unit's active funding sources (the form shows what is left of each)."""
    if user.organisation_id is None:
        return []
    return list(
        FundingSource.objects.filter(organisation_id=user.organisation_id, active=True).order_by(
            "-fiscal_year", "budget_line"
        )
    )


def orders_for(actor: User, tab: str = "all") -> QuerySet[Order]:
    states = STATE_TABS.get(tab, ())
    orders = visible_orders(actor)
    if states:
        orders = orders.filter(state__in=states)
    return orders.order_by("-id")


def approval_queue(actor: User) -> QuerySet[Order]:
    """Orders of the approver's unit waiting for internal approval, oldest first."""
    return (
        Order.objects.filter(purchaser_id=actor.organisation_id, state=OrderState.PENDING_APPROVAL)
        .select_related("buyer", "supplier", "supplier__organisation")
        .order_by("created_at", "id")
    )


def supplier_queue(supplier: Supplier, *, done: bool = False) -> QuerySet[Order]:
    """Orders to confirm, nearest deadline first (or, `done`, the supplier's other orders)."""
    orders = Order.objects.filter(supplier=supplier).select_related("purchaser")
    if done:
        return orders.exclude(state=OrderState.PLACED).order_by("-id")
    return orders.filter(state=OrderState.PLACED).order_by("confirm_deadline", "id")


def is_overdue(order: Order, now: datetime | None = None) -> bool:
    return (
        order.state == OrderState.PLACED
        and order.confirm_deadline is not None
        and order.confirm_deadline < (now or timezone.now())
    )


def contract_number(order: Order) -> str | None:
    from govmall.trading.models import Contract

    return Contract.objects.filter(order=order).values_list("number", flat=True).first()


_LOOK_UP: Any = object()


def order_json(order: Order, *, detail: bool = True, contract: Any = _LOOK_UP) -> dict[str, Any]:
    """The API's order shape. `contract`: the contract number when the caller knows it (None
    for an order just placed: contracts come with the supplier's confirmation); else read."""
    data: dict[str, Any] = {
        "number": order.number,
        "source": order.source,
        "state": order.state,
        "purchaser": {"id": order.purchaser_id, "name": order.purchaser.name},
        "supplier": {"id": order.supplier_id, "name": order.supplier.organisation.name},
        "total": str(order.total),
        "reserved_amount": str(order.reserved_amount),
        "funding_source_id": order.funding_source_id,
        "created_at": order.created_at,
        "placed_at": order.placed_at,
        "confirm_deadline": order.confirm_deadline,
        "overdue": is_overdue(order),
        "confirmed_at": order.confirmed_at,
        "closed_at": order.closed_at,
    }
    if not detail:
        return data
    data.update(
        {
            "buyer": order.buyer_id,
            "approved_by": order.approved_by_id,
            "approved_at": order.approved_at,
            "delivery_division": order.delivery_division_id,
            "delivery_address": order.delivery_address,
            "delivery_contact": order.delivery_contact,
            "delivery_phone": order.delivery_phone,
            "required_by": order.required_by,
            "note": order.note,
            "close_reason": order.close_reason,
            "sme_declaration": order.sme_declaration,
            "idempotency_key": order.idempotency_key,
            "contract": contract_number(order) if contract is _LOOK_UP else contract,
            "lines": [
                {
                    "listing": line.snapshot.get("listing", ""),
                    "quantity": line.quantity,
                    "unit_price": str(line.unit_price),
                    "amount": str(line.amount),
                    "returned_quantity": line.returned_quantity,
                    "snapshot": line.snapshot,
                }
                for line in order.lines.all()
            ],
        }
    )
    return data


def unconfirmed_overdue_count(supplier: Supplier, now: datetime | None = None) -> int:
    return Order.objects.filter(
        supplier=supplier, state=OrderState.PLACED, confirm_deadline__lt=now or timezone.now()
    ).count()
