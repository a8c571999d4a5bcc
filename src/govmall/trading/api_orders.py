"""/api/v1/ endpoints of trading: direct-purchase orders and the buyer's cart.

`POST /orders` is idempotent with an `Idempotency-Key` header: the same key and body return the
first order (200) instead of a new one (201); the same key with another body is 409
`idempotency_key_reused`. Bodies are checked by `trading.order_validation` (the same parser as
the pages), so every input error has a stable code and names its field.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS, prevalidated
from govmall.core.errors import DomainError
from govmall.trading import selectors_orders as sel
from govmall.trading import services_orders as services
from govmall.trading.access import order_for_actor
from govmall.trading.models import Order, OrderState
from govmall.trading.services_cart import require_cart_owner

router = Router(tags=["trading: orders"])


# --- schemas --------------------------------------------------------------------------------


class OrderIn(Schema):
    """`lines`: [{"listing": "LST-2026-000001", "quantity": 2}], one supplier's products;
    `funding_source_id` one of the unit's active sources; `delivery_division` a six-digit
    division code; `required_by` YYYY-MM-DD. Types are checked by the order parser."""

    model_config = ConfigDict(extra="ignore")

    lines: Any = None
    funding_source_id: Any = None
    delivery_division: Any = None
    delivery_address: Any = None
    delivery_contact: Any = ""
    delivery_phone: Any = ""
    required_by: Any = None
    note: Any = ""


class CheckoutIn(OrderIn):
    lines: Any = Field(None, description="Ignored: the cart's lines are ordered")
    checkout_token: Any = Field("", description="Same token on a retry: no second order")
    supplier_ids: Any = Field(None, description="Only these suppliers' groups (default: all)")


class ReasonIn(Schema):
    reason: Any = None


class QuantityIn(Schema):
    quantity: Any = None


class PartyOut(Schema):
    id: int
    name: str


class LineOut(Schema):
    listing: str
    quantity: int
    unit_price: str
    amount: str
    returned_quantity: int
    snapshot: dict[str, Any]


class OrderSummaryOut(Schema):
    number: str
    source: str
    state: str
    purchaser: PartyOut
    supplier: PartyOut
    total: str
    reserved_amount: str
    funding_source_id: int
    created_at: datetime
    placed_at: datetime | None
    confirm_deadline: datetime | None
    overdue: bool
    confirmed_at: datetime | None
    closed_at: datetime | None


class OrderOut(OrderSummaryOut):
    buyer: int
    approved_by: int | None
    approved_at: datetime | None
    delivery_division: str
    delivery_address: str
    delivery_contact: str
    delivery_phone: str
    required_by: date | None
    note: str
    close_reason: str
    sme_declaration: dict[str, Any]
    idempotency_key: str
    contract: str | None
    lines: list[LineOut]


class OrderPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[OrderSummaryOut]


class OrderListQuery(Schema):
    state: str | None = Field(None, description="pending_approval, placed, confirmed …")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(sel.PAGE_SIZE, ge=1, le=sel.MAX_PAGE_SIZE)


class CartLineOut(Schema):
    listing: str
    title: str
    unit_price: str
    quantity: int
    amount: str
    on_sale: bool


class CartGroupOut(Schema):
    supplier: PartyOut
    lines: list[CartLineOut]
    subtotal: str
    over_limit: bool
    limit: str


class CartOut(Schema):
    groups: list[CartGroupOut]
    total: str


class CheckoutOut(Schema):
    orders: list[OrderOut]


# --- helpers --------------------------------------------------------------------------------


def _detail(order: Order) -> dict[str, Any]:
    if "lines" in getattr(order, "_prefetched_objects_cache", {}):
        # just placed on PostgreSQL: its rows are in memory, and no contract exists before the
        # supplier confirms
        return sel.order_json(order, contract=None)
    fresh = (
        Order.objects.select_related("purchaser", "supplier", "supplier__organisation")
        .prefetch_related("lines")
        .get(pk=order.pk)
    )
    return sel.order_json(fresh)


def _cart(request: HttpRequest) -> dict[str, Any]:
    user = require_cart_owner(request_user(request))
    groups = sel.cart_groups(user)
    return {
        "groups": [
            {
                "supplier": {"id": g["supplier"].pk, "name": g["supplier"].organisation.name},
                "lines": [
                    {
                        "listing": row["listing"].number,
                        "title": row["listing"].title,
                        "unit_price": str(row["listing"].price),
                        "quantity": row["line"].quantity,
                        "amount": str(row["amount"]),
                        "on_sale": row["on_sale"],
                    }
                    for row in g["lines"]
                ],
                "subtotal": str(g["subtotal"]),
                "over_limit": g["over_limit"],
                "limit": str(g["limit"]),
            }
            for g in groups
        ],
        "total": str(sum((g["subtotal"] for g in groups), 0)),
    }


def _supplier_ids(raw: Any) -> list[int] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw
    ):
        raise DomainError(
            "invalid", _("Give supplier ids as a list of numbers."), field="supplier_ids"
        )
    return list(raw)


# --- orders ---------------------------------------------------------------------------------


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut, **ERRORS},
    summary="Place a direct-purchase order (idempotent with the Idempotency-Key header)",
    description="201: a new order (placed, or pending internal approval above the unit's "
    "limit). 200: the order placed earlier with the same Idempotency-Key and body. Errors: "
    "listing_not_available, mixed_suppliers, supplier_cannot_trade, invalid_funding_source, "
    "over_direct_purchase_limit, not_delivered_to, out_of_stock, insufficient_funds (409), "
    "idempotency_key_reused (409), invalid_quantity, duplicate_line, too_many_lines …",
)
def place_order(request: HttpRequest, payload: OrderIn) -> HttpResponse:
    actor = request_user(request)
    lines = payload.lines
    result = services.order_place_result(
        actor=actor,
        lines=lines,
        funding_source_id=payload.funding_source_id,
        delivery_division=payload.delivery_division,
        delivery_address=payload.delivery_address,
        delivery_contact=payload.delivery_contact,
        delivery_phone=payload.delivery_phone,
        required_by=payload.required_by,
        note=payload.note,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    # `order_json` is OrderOut's shape (test_orders_api compares with GET /orders/{number})
    return prevalidated(request, 201 if result.created else 200, _detail(result.order))


@router.get(
    "/orders",
    response={200: OrderPageOut, **ERRORS},
    summary="Orders I may see (my unit's, my supplier's, or in my jurisdiction), newest first",
)
def list_orders(request: HttpRequest, query: Query[OrderListQuery]) -> dict[str, Any]:
    actor = request_user(request)
    orders = sel.orders_for(actor)
    if query.state:
        if query.state not in OrderState.values:
            raise DomainError("invalid_state", _("Unknown order state."), field="state")
        orders = orders.filter(state=query.state)
    count = orders.count()
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
        "results": [
            sel.order_json(order, detail=False) for order in orders[start : start + query.page_size]
        ],
    }


@router.get(
    "/orders/{number}",
    response={200: OrderOut, **ERRORS},
    summary="One order with its lines, snapshots, deadlines and contract number",
)
def get_order(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(order_for_actor(request_user(request), number[:30]))


@router.post(
    "/orders/{number}/approve",
    response={200: OrderOut, **ERRORS},
    summary="Approver: send an order above the internal limit to the supplier",
)
def approve_order(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(services.order_approve(actor=request_user(request), number=number[:30]))


@router.post(
    "/orders/{number}/reject",
    response={200: OrderOut, **ERRORS},
    summary="Approver: refuse an order (stock and funds released)",
)
def reject_order(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    order = services.order_reject(
        actor=request_user(request), number=number[:30], reason=payload.reason
    )
    return _detail(order)


@router.post(
    "/orders/{number}/cancel",
    response={200: OrderOut, **ERRORS},
    summary="Buyer or purchaser admin: cancel before the supplier confirms (released)",
)
def cancel_order(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    order = services.order_cancel(
        actor=request_user(request), number=number[:30], reason=payload.reason
    )
    return _detail(order)


@router.post(
    "/orders/{number}/confirm",
    response={200: OrderOut, **ERRORS},
    summary="Supplier: confirm the order within its deadline (the contract is generated)",
)
def confirm_order(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(services.order_confirm(actor=request_user(request), number=number[:30]))


@router.post(
    "/orders/{number}/decline",
    response={200: OrderOut, **ERRORS},
    summary="Supplier: decline the order (stock and funds released)",
)
def decline_order(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    order = services.order_decline(
        actor=request_user(request), number=number[:30], reason=payload.reason
    )
    return _detail(order)


# --- cart -----------------------------------------------------------------------------------


@router.get("/cart", response={200: CartOut, **ERRORS}, summary="My cart, by supplier")
def get_cart(request: HttpRequest) -> dict[str, Any]:
    return _cart(request)


@router.post(
    "/cart/checkout",
    response={201: CheckoutOut, **ERRORS},
    summary="Check out the cart: one order per supplier, all or nothing",
)
def checkout(request: HttpRequest, payload: CheckoutIn) -> Status:
    orders = services.cart_checkout(
        actor=request_user(request),
        funding_source_id=payload.funding_source_id,
        delivery_division=payload.delivery_division,
        delivery_address=payload.delivery_address,
        delivery_contact=payload.delivery_contact,
        delivery_phone=payload.delivery_phone,
        required_by=payload.required_by,
        note=payload.note,
        checkout_token=payload.checkout_token,
        supplier_ids=_supplier_ids(payload.supplier_ids),
    )
    return Status(201, {"orders": [_detail(order) for order in orders]})


@router.put(
    "/cart/{listing_number}",
    response={200: CartOut, **ERRORS},
    summary="Set a listed product's quantity in my cart (added if missing)",
)
def put_cart_line(request: HttpRequest, listing_number: str, payload: QuantityIn) -> dict:
    services.cart_set(
        actor=request_user(request), listing_number=listing_number, quantity=payload.quantity
    )
    return _cart(request)


@router.delete(
    "/cart/{listing_number}",
    response={200: CartOut, **ERRORS},
    summary="Remove a product from my cart",
)
def delete_cart_line(request: HttpRequest, listing_number: str) -> dict[str, Any]:
    services.cart_remove(actor=request_user(request), listing_number=listing_number)
    return _cart(request)
