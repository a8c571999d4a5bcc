"""Signing: each side confirms the SHA-256 of the exact text once; the second signature signs
the contract, sets the publish/file deadlines by the working-day calendar and moves the order to
CONTRACTED. Every refusal changes nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.trading.models import ContractSignature, ContractState, OrderState
from govmall.trading.services_contracts import contract_sign, contract_terminate
from tests.factories import make_user
from tests.trading.factories import make_seller, make_unit
from tests.trading.test_contracts_support import make_deal, trading_state

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)


def _actions(contract) -> list[str]:
    return list(
        Event.objects.filter(object_type="trading.contract", object_id=str(contract.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_both_sides_sign_over_national_day() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        deal = make_deal()
        sha = deal.contract.text_sha256
        contract_sign(
            actor=deal.unit.buyer,
            number=deal.contract.number,
            text_sha256=sha.upper(),
            ip="10.0.0.7",
            user_agent="pytest",
        )
        deal.refresh()
        assert deal.contract.state == ContractState.AWAITING_SIGNATURES
        assert deal.order.state == OrderState.CONFIRMED
        assert deal.contract.publish_deadline is None
        assert Notification.objects.filter(
            verb="contract.signature_added", recipient=deal.seller.admin
        ).exists()
        contract_sign(actor=deal.seller.admin, number=deal.contract.number, text_sha256=sha)
    deal.refresh()
    assert deal.contract.state == ContractState.SIGNED
    assert deal.contract.signed_at == SIGNED_AT
    # 1–7 October 2026 are the National Day holiday: two working days after 30 September
    # end on 9 October, seven on 15 October (10 October is a make-up working day).
    assert deal.contract.publish_deadline == datetime(2026, 10, 9, 23, 59, 59, tzinfo=TZ)
    assert deal.contract.file_deadline == datetime(2026, 10, 15, 23, 59, 59, tzinfo=TZ)
    assert deal.order.state == OrderState.CONTRACTED
    rows = list(ContractSignature.objects.filter(contract=deal.contract).order_by("id"))
    assert [(s.side, s.user_id, s.text_sha256) for s in rows] == [
        ("purchaser", deal.unit.buyer.pk, sha),
        ("supplier", deal.seller.admin.pk, sha),
    ]
    assert (rows[0].ip, rows[0].user_agent, rows[0].organisation_id) == (
        "10.0.0.7",
        "pytest",
        deal.unit.org.pk,
    )
    assert rows[1].organisation_id == deal.seller.supplier.organisation_id
    assert _actions(deal.contract) == [
        "contract.generated",
        "contract.signature_added",
        "contract.signature_added",
        "contract.signed",
    ]
    order_event = Event.objects.filter(
        object_type="trading.order", object_id=str(deal.order.pk)
    ).latest("seq")
    assert order_event.action == "order.contracted"
    assert order_event.before["state"] == "confirmed"


def test_purchaser_admin_and_supplier_staff_may_sign() -> None:
    deal = make_deal()
    staff = make_user(Role.SUPPLIER_STAFF, org=deal.seller.supplier.organisation)
    sha = deal.contract.text_sha256
    contract_sign(actor=deal.unit.admin, number=deal.contract.number, text_sha256=sha)
    contract_sign(actor=staff, number=deal.contract.number, text_sha256=sha)
    assert deal.refresh().contract.state == ContractState.SIGNED


def _refused(deal, actor, code: str, sha: str | None = None) -> None:
    before = trading_state()
    with pytest.raises(DomainError) as exc:
        contract_sign(
            actor=actor,
            number=deal.contract.number,
            text_sha256=deal.contract.text_sha256 if sha is None else sha,
        )
    assert exc.value.code == code
    assert trading_state() == before


def test_wrong_hash_is_text_changed() -> None:
    deal = make_deal()
    other = "0" * 64
    _refused(deal, deal.unit.buyer, "text_changed", other)
    _refused(deal, deal.unit.buyer, "invalid_sha256", "not-a-hash")
    _refused(deal, deal.unit.buyer, "invalid_sha256", "")


def test_each_side_signs_once() -> None:
    deal = make_deal()
    contract_sign(
        actor=deal.unit.buyer, number=deal.contract.number, text_sha256=deal.contract.text_sha256
    )
    _refused(deal, deal.unit.buyer, "already_signed")
    _refused(deal, deal.unit.admin, "already_signed")
    signed = make_deal(signed=True)
    _refused(signed, signed.seller.admin, "already_signed")


def test_wrong_people_may_not_sign() -> None:
    deal = make_deal()
    other_unit = make_unit()
    other_seller = make_seller()
    regulator = make_user(Role.REGULATOR)
    operator = make_user(Role.OPERATOR_ADMIN)
    _refused(deal, deal.unit.approver, "forbidden")
    _refused(deal, other_unit.buyer, "not_found")
    _refused(deal, other_seller.admin, "not_found")
    _refused(deal, regulator, "not_a_party")
    _refused(deal, operator, "not_a_party")
    assert not ContractSignature.objects.exists()


def test_supplier_behind_the_gate_may_not_sign() -> None:
    deal = make_deal()
    supplier = deal.seller.supplier
    supplier.status = "suspended"
    supplier.save(update_fields=["status"])
    _refused(deal, deal.seller.admin, "supplier_cannot_trade")
    # The purchaser's side is not held up by the supplier's gate.
    contract_sign(
        actor=deal.unit.buyer, number=deal.contract.number, text_sha256=deal.contract.text_sha256
    )


def test_terminated_contract_cannot_be_signed() -> None:
    deal = make_deal()
    contract_terminate(contract=deal.contract, actor=deal.unit.admin, reason="需求变化")
    _refused(deal, deal.unit.buyer, "invalid_transition")
