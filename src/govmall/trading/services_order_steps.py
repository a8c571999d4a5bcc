"""The first steps of an order after placement: internal approval, cancellation, and the
supplier's confirmation or refusal.

Every step locks the order row, checks who acts and the transition table (`states.advance`),
writes, releases stock and funds when the order ends, and records its event — all in one
transaction, so a refused step changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.core.calendar import add_working_days
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.trading import config, funds, stock
from govmall.trading.access import (
    SUPPLIER_ROLES,
    order_for_actor,
    require_order_purchaser,
    require_order_supplier,
)
from govmall.trading.models import Order, OrderLine, OrderSource, OrderState
from govmall.trading.services_order_place import check_supplier, notify_supplier_placed, recipients
from govmall.trading.states import advance, require_transition

MAX_REASON = 1000


def parse_reason(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or "\x00" in text:
        raise DomainError("required", _("Give a reason."), field="reason")
    if len(text) > MAX_REASON:
        raise DomainError(
            "too_long", _("At most %(max)d characters.") % {"max": MAX_REASON}, field="reason"
        )
    return text


def release_all(order: Order, *, actor: User | None, note: str) -> dict[str, Any]:
    """Give back the stock of every line not returned and all reserved funds (caller holds the
    order row locked); returns what was released, for the event."""
    restored: dict[str, int] = {}
    for listing_id, qty, returned, number in (
        OrderLine.objects.filter(order=order)
        .order_by("listing_id")
        .values_list("listing_id", "quantity", "returned_quantity", "listing__number")
    ):
        left = qty - returned
        if left > 0 and order.source == OrderSource.DIRECT:  # quotation orders took no stock
            stock.restore(listing_id, left)
            restored[number] = restored.get(number, 0) + left
    released = funds.release_order(order, actor=actor, note=note)
    return {"stock_restored": restored, "funds_released": released}


def _link(order: Order) -> str:
    return reverse("trading:order_detail", args=[order.number])


def close_order(
    order: Order, to: str, *, actor: User | None, reason: str, action: str | None = None
) -> dict[str, Any]:
    """End an open order: released stock and funds, closed time and reason, the event."""
    require_transition(order, to)
    released = release_all(order, actor=actor, note=f"{order.number} {to}")
    order.closed_at = timezone.now()
    order.close_reason = reason
    advance(
        order,
        to,
        actor=actor,
        action=action,
        fields=["closed_at", "close_reason"],
        after={"reason": reason, **released},
        organisation=None if actor is not None else order.purchaser,
    )
    return released


def order_approve(*, actor: User, number: str) -> Order:
    """The unit's approver lets an order above the internal limit go to the supplier."""
    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        approver = require_order_purchaser(actor, order, Role.APPROVER)
        require_transition(order, OrderState.PLACED)
        now = timezone.now()
        due = add_working_days(now, config.get("ORDER_CONFIRM_WORKING_DAYS"))
        order.approved_by, order.approved_at = approver, now
        order.placed_at, order.confirm_deadline = now, due.deadline
        advance(
            order,
            OrderState.PLACED,
            actor=approver,
            fields=["approved_by", "approved_at", "placed_at", "confirm_deadline"],
            after={
                "approved_by": approver.pk,
                "confirm_deadline": due.deadline,
                "calendar_known": due.calendar_known,
            },
        )
        notify_supplier_placed(order, _link(order))
        notify(
            [order.buyer],
            verb="order.approved",
            message=_("Order %(number)s was approved and sent to the supplier.")
            % {"number": order.number},
            link=_link(order),
        )
    return order


def order_reject(*, actor: User, number: str, reason: str) -> Order:
    """The approver refuses: the order ends, stock and funds are released."""
    text = parse_reason(reason)
    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        approver = require_order_purchaser(actor, order, Role.APPROVER)
        close_order(order, OrderState.REJECTED, actor=approver, reason=text)
        notify(
            [order.buyer],
            verb="order.rejected",
            message=_("Order %(number)s was not approved: %(reason)s")
            % {"number": order.number, "reason": text},
            link=_link(order),
        )
    return order


def order_cancel(*, actor: User, number: str, reason: str) -> Order:
    """The unit's buyer or admin withdraws an order not yet confirmed by the supplier."""
    text = parse_reason(reason)
    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        user = require_order_purchaser(actor, order, Role.BUYER, Role.PURCHASER_ADMIN)
        was_placed = order.state == OrderState.PLACED
        close_order(order, OrderState.CANCELLED, actor=user, reason=text)
        if was_placed:
            notify(
                recipients(order.supplier.organisation_id, SUPPLIER_ROLES),
                verb="order.cancelled",
                message=_("Order %(number)s was cancelled by the purchaser: %(reason)s")
                % {"number": order.number, "reason": text},
                link=_link(order),
            )
    return order


def order_confirm(*, actor: User, number: str) -> Order:
    """The supplier accepts the order within its deadline; the contract is generated in the
    same transaction."""
    from govmall.trading.services_contracts import contract_generate

    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        supplier = require_order_supplier(actor, order)
        require_transition(order, OrderState.CONFIRMED)
        now = timezone.now()
        if order.confirm_deadline is not None and now > order.confirm_deadline:
            raise DomainError(
                "confirm_deadline_passed",
                _("The deadline to confirm this order has passed."),
                status=409,
                deadline=order.confirm_deadline.isoformat(),
            )
        check_supplier(supplier)
        order.confirmed_at = now
        advance(order, OrderState.CONFIRMED, actor=actor, fields=["confirmed_at"])
        contract_generate(order=order, actor=actor)
        notify(
            [order.buyer],
            verb="order.confirmed",
            message=_("The supplier confirmed order %(number)s.") % {"number": order.number},
            link=_link(order),
        )
    return order


def order_decline(*, actor: User, number: str, reason: str) -> Order:
    """The supplier refuses the order: it ends, stock and funds are released."""
    text = parse_reason(reason)
    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        require_order_supplier(actor, order)
        close_order(order, OrderState.DECLINED, actor=actor, reason=text)
        notify(
            [order.buyer],
            verb="order.declined",
            message=_("The supplier declined order %(number)s: %(reason)s")
            % {"number": order.number, "reason": text},
            link=_link(order),
        )
    return order
