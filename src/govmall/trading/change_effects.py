"""What an approved return or termination does, inside the approving transaction.

Whole return or termination: every not-yet-returned quantity goes back to stock, the whole
remaining reservation is released, the order ends (RETURNED or TERMINATED) and its contract, if
one is in force, is terminated. Partial return: the lines' quantities go back to stock and their
value is released; the order goes on — unless nothing is left on it, which is a whole return.
Either way, if the purchaser has already paid more than is now payable, the difference is
recorded as a refund.

The caller holds the order's and the request's row locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError
from govmall.trading import amounts, funds, states, stock
from govmall.trading.models import (
    ChangeKind,
    ChangeRequest,
    ContractState,
    Order,
    OrderLine,
    OrderSource,
    OrderState,
    Payment,
    PaymentKind,
)

CONTRACT_ENDED = (ContractState.COMPLETED, ContractState.TERMINATED, ContractState.CANCELLED)
CENT = Decimal("0.01")


@dataclass
class Effects:
    returned: dict[int, int] = field(default_factory=dict)  # line id -> quantity now returned
    released: Decimal = Decimal("0.00")
    refund: Decimal = Decimal("0.00")
    order_state: str = ""
    contract: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "returned": {str(k): v for k, v in self.returned.items()},
            "released": self.released,
            "refund": self.refund,
            "order_state": self.order_state,
            "contract": self.contract,
        }


def _locked_lines(order: Order) -> list[OrderLine]:
    return list(
        OrderLine.objects.select_for_update(of=("self",)).filter(order=order).order_by("id")
    )


def _return_lines(order: Order, wanted: dict[int, int], effects: Effects) -> None:
    """Add `wanted` (line id -> quantity) to the lines' returned quantities and restore stock."""
    for line in _locked_lines(order):
        quantity = wanted.get(line.pk, 0)
        if quantity <= 0:
            continue
        if quantity > line.quantity - line.returned_quantity:
            raise DomainError(
                "invalid_quantity",
                _("Line %(line)s no longer has %(quantity)d left to return.")
                % {"line": line.pk, "quantity": quantity},
                status=409,
                field="lines",
            )
        OrderLine.objects.filter(pk=line.pk).update(
            returned_quantity=line.returned_quantity + quantity
        )
        if order.source == OrderSource.DIRECT:  # quotation orders never took stock
            stock.restore(line.listing_id, quantity)
        effects.returned[line.pk] = quantity


def _remaining(order: Order) -> dict[int, int]:
    return {
        line.pk: line.quantity - line.returned_quantity
        for line in OrderLine.objects.filter(order=order).only("quantity", "returned_quantity")
        if line.quantity > line.returned_quantity
    }


def _terminate_contract(order: Order, actor: User, reason: str, effects: Effects) -> None:
    from govmall.trading.models import Contract

    contract = Contract.objects.filter(order=order).first()
    if contract is None or contract.state in CONTRACT_ENDED:
        return
    from govmall.trading.services_contracts import contract_terminate

    contract_terminate(contract=contract, actor=actor, reason=reason)
    effects.contract = contract.number


def _record_refund(change: ChangeRequest, order: Order, actor: User, effects: Effects) -> None:
    net_paid = order.paid_total - order.refunded_total
    payable = amounts.payable(order)
    if net_paid <= payable:
        return
    refund = (net_paid - payable).quantize(CENT)
    now = timezone.now()
    Payment.objects.create(
        order=order,
        kind=PaymentKind.REFUND,
        amount=refund,
        paid_on=now.astimezone(TZ).date(),
        voucher=change.number,
        recorded_by=actor,
        recorded_at=now,
    )
    order.refunded_total = order.refunded_total + refund
    Order.objects.filter(pk=order.pk).update(refunded_total=order.refunded_total)
    effects.refund = refund


def apply_approved(change: ChangeRequest, order: Order, actor: User) -> Effects:
    """Carry out an approved request (see the module docstring); audit events on the order."""
    effects = Effects()
    reason = _("%(number)s approved: %(reason)s") % {
        "number": change.number,
        "reason": change.get_reason_display(),
    }
    before_returned = {str(pk): q for pk, q in order.lines.values_list("pk", "returned_quantity")}
    if change.whole:
        _return_lines(order, _remaining(order), effects)
    else:
        wanted = dict(change.lines.values_list("line_id", "quantity"))
        _return_lines(order, wanted, effects)
        value = sum(
            (line.unit_price * effects.returned.get(line.pk, 0) for line in order.lines.all()),
            Decimal("0.00"),
        )
        effects.released += funds.release_order(
            order, actor=actor, amount=value, note=change.number
        )
    ends = change.whole or not _remaining(order)
    if ends:
        effects.released += funds.release_order(order, actor=actor, note=change.number)
    _record_refund(change, order, actor, effects)
    record_event(
        obj=order,
        action="order.lines_returned",
        actor=actor,
        before={
            "returned": before_returned,
            "reserved_amount": order.reserved_amount + effects.released,
        },
        after={
            "change": change.number,
            **effects.as_json(),
            "reserved_amount": order.reserved_amount,
        },
    )
    if ends:
        to = OrderState.TERMINATED if change.kind == ChangeKind.TERMINATE else OrderState.RETURNED
        order.closed_at = timezone.now()
        order.close_reason = reason
        states.advance(
            order,
            to,
            actor=actor,
            fields=["closed_at", "close_reason"],
            after={"change": change.number},
        )
        effects.order_state = to
        _terminate_contract(order, actor, reason, effects)
    else:
        effects.order_state = order.state
    return effects
