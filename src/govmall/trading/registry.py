"""Hooks trading registers at start-up: who may read which timeline, and which deadlines are
recomputed when the calendar changes."""

from __future__ import annotations

from typing import Any

from govmall.accounts.models import User


def _order_check(actor: User, order: Any) -> bool:
    from govmall.trading.access import order_visible_to

    return order_visible_to(actor, order)


def _via_order(actor: User, obj: Any) -> bool:
    from govmall.trading.access import order_visible_to

    return order_visible_to(actor, obj.order)


def _quotation_check(actor: User, quotation: Any) -> bool:
    from govmall.trading.access import quotation_visible_to

    return quotation_visible_to(actor, quotation)


def _quote_check(actor: User, quote: Any) -> bool:
    from govmall.trading.sealing import quote_trail_visible_to

    return quote_trail_visible_to(actor, quote)


def register() -> None:
    from govmall.audit.access import register_timeline

    register_timeline("trading.order", _order_check)
    register_timeline("trading.contract", _via_order)
    register_timeline("trading.ticket", _via_order)
    register_timeline("trading.changerequest", _via_order)
    register_timeline("trading.quotation", _quotation_check)
    register_timeline("trading.quote", _quote_check)
    register_timeline("trading.fundingsource", _funds_check)
    register_timeline("trading.purchasingpolicy", _policy_check)
    _register_deadlines()


def _funds_check(actor: User, source: Any) -> bool:
    from govmall.trading.access import is_member, supervises

    return is_member(actor, source.organisation_id) or supervises(actor, source.organisation)


def _policy_check(actor: User, policy: Any) -> bool:
    return _funds_check(actor, policy)


def _register_deadlines() -> None:
    """Each area's recompute function (working-day deadlines of open items) joins the calendar's
    recompute list; see core.deadlines."""
    from importlib import import_module

    from govmall.core.deadlines import register_recompute

    for path in DEADLINE_RECOMPUTE:
        module, _, name = path.rpartition(".")
        register_recompute(getattr(import_module(module), name))


# Each: "govmall.trading.<module>.<function>(years, actor) -> int".
DEADLINE_RECOMPUTE: list[str] = [
    "govmall.trading.services_orders.recompute_confirm_deadlines",
    "govmall.trading.services_quotations.recompute_award_deadlines",
    "govmall.trading.contract_deadlines.recompute_contract_deadlines",
    "govmall.trading.services_fulfilment.recompute_fulfilment_deadlines",
    "govmall.trading.services_tickets.recompute_ticket_deadlines",
    "govmall.trading.change_clock.recompute_change_deadlines",
]
