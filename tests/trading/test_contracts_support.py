"""Shared set-up of the contract tests (no tests here): a confirmed order with its generated
contract, optionally signed by both sides."""

from __future__ import annotations

from dataclasses import dataclass

from govmall.trading.models import Contract, Order, OrderState
from govmall.trading.services_contracts import contract_generate, contract_sign
from tests.trading.factories import Seller, Unit, make_order, make_seller, make_unit


@dataclass
class Deal:
    unit: Unit
    seller: Seller
    order: Order
    contract: Contract

    def refresh(self) -> Deal:
        self.order.refresh_from_db()
        self.contract.refresh_from_db()
        return self


def make_deal(*, price: str = "1230.00", qty: int = 10, signed: bool = False) -> Deal:
    unit = make_unit()
    seller = make_seller(price=price, stock=100)
    order = make_order(unit, [(seller.listing, qty)], state=OrderState.CONFIRMED)
    contract = contract_generate(order=order, actor=seller.admin)
    deal = Deal(unit, seller, order, contract)
    if signed:
        sign_both(deal)
    return deal.refresh()


def sign_both(deal: Deal) -> None:
    sha = deal.contract.text_sha256
    contract_sign(actor=deal.unit.buyer, number=deal.contract.number, text_sha256=sha)
    contract_sign(actor=deal.seller.admin, number=deal.contract.number, text_sha256=sha)


def trading_state() -> tuple[object, ...]:
    """What a refused contract call must leave as it was (cheaper than a full fingerprint):
    every contract and signature, order states, events and notifications."""
    from govmall.audit.models import Event
    from govmall.core.models import Notification
    from govmall.trading.models import ContractSignature

    return (
        list(Contract.objects.order_by("id").values()),
        list(ContractSignature.objects.order_by("id").values()),
        list(Order.objects.order_by("id").values_list("id", "state")),
        Event.objects.count(),
        Notification.objects.count(),
    )
