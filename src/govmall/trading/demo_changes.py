"""Demo data of returns and terminations, made through the real services so the trail is real:
given contract orders in changeable states, one each of — whole return approved (order
RETURNED), termination approved (TERMINATED), partial return awaiting verification, objection
(disputed), awaiting the supplier."""

from __future__ import annotations

from govmall.accounts.access import owning_operator
from govmall.trading.models import ChangeRequest, Order
from govmall.trading.selectors_changes import operator_users, supplier_users
from govmall.trading.services_changes import (
    change_agree,
    change_approve,
    change_object,
    change_request,
)
from govmall.trading.states import ORDER_CHANGEABLE

SCENARIOS = ("returned", "terminated", "partial_to_verify", "disputed", "to_answer")


def demo_changes(orders: list[Order]) -> list[ChangeRequest]:
    """One request per scenario, on the first orders that fit (changeable, no open request,
    a supplier user and an owning operator's decider exist). Returns the requests made."""
    made: list[ChangeRequest] = []
    candidates = [o for o in orders if o.state in ORDER_CHANGEABLE]
    for scenario, order in zip(SCENARIOS, candidates, strict=False):
        supplier_user = supplier_users(order).order_by("id").first()
        operator = owning_operator(order.purchaser.division)
        decider = operator_users(operator).order_by("id").first() if operator else None
        if supplier_user is None or decider is None:
            continue
        first_line = order.lines.order_by("id").first()
        partial = scenario == "partial_to_verify" and first_line is not None
        change = change_request(
            actor=order.buyer,
            number=order.number,
            kind="terminate" if scenario == "terminated" else "return",
            reason="funds_adjusted" if scenario == "terminated" else "need_changed",
            lines=[(first_line.pk, 1)] if partial and first_line else None,
        )
        if scenario == "disputed":
            change = change_object(
                actor=supplier_user,
                number=change.number,
                objection="货物已按合同备齐，不同意退回。",
            )
        elif scenario != "to_answer":
            change = change_agree(actor=supplier_user, number=change.number)
            if scenario in ("returned", "terminated"):
                change = change_approve(actor=decider, number=change.number, reasons="核验属实")
        made.append(change)
    return made
