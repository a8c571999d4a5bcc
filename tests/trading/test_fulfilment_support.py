"""Shared set-up of the fulfilment and payment tests (no tests here): a contract order signed
by both sides through the contract services, with the terms a test needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from govmall.core.calendar import TZ
from govmall.trading import services_contracts
from govmall.trading.models import Contract, Order, OrderState
from tests.trading.factories import Seller, Unit, make_order, make_seller, make_unit


@dataclass
class Deal:
    unit: Unit
    seller: Seller
    order: Order
    contract: Contract

    @property
    def number(self) -> str:
        return self.order.number

    def refresh(self) -> Order:
        self.order.refresh_from_db()
        self.contract.refresh_from_db()
        return self.order


def at(text: str) -> datetime:
    """A Shanghai wall-clock time, e.g. at("2026-03-02 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def make_deal(
    *,
    quantity: int = 2,
    price: str = "1000.00",
    size: str = "small",
    payment_condition: str = "delivery",
    payment_days: int = 30,
    acceptance_working_days: int = 5,
    unit: Unit | None = None,
) -> Deal:
    """A CONTRACTED order (contract generated and signed by both sides) for `quantity` × price."""
    unit = unit or make_unit()
    seller = make_seller(price=price, stock=100)
    order = make_order(unit, [(seller.listing, quantity)], state=OrderState.CONFIRMED)
    Order.objects.filter(pk=order.pk).update(sme_declaration={"size": size, "declared": True})
    contract = services_contracts.contract_generate(order=order, actor=seller.admin)
    for signer in (unit.buyer, seller.admin):
        services_contracts.contract_sign(
            actor=signer, number=contract.number, text_sha256=contract.text_sha256
        )
    Contract.objects.filter(pk=contract.pk).update(
        payment_condition=payment_condition,
        payment_days=payment_days,
        acceptance_working_days=acceptance_working_days,
    )
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.CONTRACTED
    assert order.total == Decimal(price) * quantity
    return Deal(unit=unit, seller=seller, order=order, contract=contract)


def delivered(deal: Deal, note_number: str = "SD-001") -> Order:
    from govmall.trading.services_fulfilment import order_deliver, order_ship

    order_ship(actor=deal.seller.admin, number=deal.number)
    order_deliver(actor=deal.seller.admin, number=deal.number, note_number=note_number)
    return deal.refresh()


def accepted(deal: Deal) -> Order:
    from govmall.trading.services_fulfilment import order_accept

    order_accept(actor=deal.unit.buyer, number=deal.number, passed=True)
    return deal.refresh()
