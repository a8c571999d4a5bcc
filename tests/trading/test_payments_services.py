"""Invoices and payments: when they may be recorded, the limits (payable, outstanding), bad
input, and completion of the order and its contract when the last payment lands."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.trading.models import ContractState, Invoice, OrderLine, OrderState, Payment
from govmall.trading.services_payments import invoice_record, payment_record
from tests.trading.factories import make_unit
from tests.trading.test_fulfilment_support import accepted, at, delivered, make_deal

pytestmark = [
    pytest.mark.usefixtures("english"),
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen"),
]


@pytest.fixture
def frozen():
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        yield traveller


def _state(deal) -> tuple:
    order = deal.refresh()
    return (
        order.state,
        order.paid_total,
        order.audit_length,
        Invoice.objects.filter(order=order).count(),
        Payment.objects.filter(order=order).count(),
        deal.contract.state,
    )


def _refused(deal, code: str, call) -> DomainError:
    before = _state(deal)
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == code, exc.value.message
    assert _state(deal) == before
    return exc.value


def _events(order, action: str) -> list[Event]:
    return list(
        Event.objects.filter(object_type="trading.order", object_id=str(order.pk), action=action)
    )


def _invoice(deal, number="12345678", amount="1000.00", issued_on="2026-03-02", actor=...):
    return invoice_record(
        actor=deal.unit.buyer if actor is ... else actor,
        number=deal.number,
        invoice_number=number,
        amount=amount,
        issued_on=issued_on,
    )


def _pay(deal, amount="1000.00", paid_on="2026-03-02", voucher="PZ-001", actor=...):
    return payment_record(
        actor=deal.unit.buyer if actor is ... else actor,
        number=deal.number,
        amount=amount,
        paid_on=paid_on,
        voucher=voucher,
    )


def test_invoice_only_after_delivery() -> None:
    deal = make_deal()
    exc = _refused(deal, "order_not_delivered", lambda: _invoice(deal))
    assert exc.status == 409
    delivered(deal)
    invoice = _invoice(deal, amount="1500.50")
    assert (invoice.number, invoice.amount, str(invoice.issued_on)) == (
        "12345678",
        Decimal("1500.50"),
        "2026-03-02",
    )
    [event] = _events(deal.order, "order.invoice_recorded")
    assert event.after == {
        "invoice": "12345678",
        "amount": "1500.50",
        "issued_on": "2026-03-02",
        "invoiced_total": "1500.50",
    }


def test_invoices_never_exceed_the_payable_and_are_unique_per_order() -> None:
    deal = make_deal()  # 2 × 1000.00
    delivered(deal)
    _invoice(deal, number="A1", amount="1500.00")
    exc = _refused(deal, "duplicate_invoice", lambda: _invoice(deal, number="A1", amount="1.00"))
    assert exc.field == "invoice_number"
    exc = _refused(
        deal, "invoice_exceeds_contract", lambda: _invoice(deal, number="A2", amount="500.01")
    )
    assert exc.details["payable"] == "2000.00"
    _invoice(deal, number="A2", amount="500.00")
    # The same number on another order is another invoice.
    other = make_deal(unit=deal.unit)
    delivered(other)
    _invoice(other, number="A1", amount="10.00")
    assert Invoice.objects.filter(number="A1").count() == 2


@pytest.mark.parametrize(
    ("amount", "issued_on", "number", "code", "field"),
    [
        ("0", "2026-03-02", "N1", "invalid_amount", "amount"),
        ("-5.00", "2026-03-02", "N1", "invalid_amount", "amount"),
        ("1.234", "2026-03-02", "N1", "invalid_amount", "amount"),
        ("abc", "2026-03-02", "N1", "invalid_amount", "amount"),
        ("NaN", "2026-03-02", "N1", "invalid_amount", "amount"),
        ("Infinity", "2026-03-02", "N1", "invalid_amount", "amount"),
        (True, "2026-03-02", "N1", "invalid_amount", "amount"),
        (None, "2026-03-02", "N1", "invalid_amount", "amount"),
        ("1" * 30, "2026-03-02", "N1", "invalid_amount", "amount"),
        ("100.00", "2026-03-03", "N1", "date_in_future", "issued_on"),
        ("100.00", "2026-03-01", "N1", "date_before_order", "issued_on"),
        ("100.00", "03/02/2026", "N1", "invalid_date", "issued_on"),
        ("100.00", "2026-03-02", "", "invoice_number_required", "invoice_number"),
        ("100.00", "2026-03-02", "发票 1", "invalid_invoice_number", "invoice_number"),
        ("100.00", "2026-03-02", "N" * 41, "invalid_invoice_number", "invoice_number"),
    ],
)
def test_invoice_bad_input(amount, issued_on, number, code, field) -> None:
    deal = make_deal()
    delivered(deal)
    exc = _refused(
        deal, code, lambda: _invoice(deal, number=number, amount=amount, issued_on=issued_on)
    )
    assert exc.field == field


def test_payment_on_delivery_condition_is_allowed_after_delivery() -> None:
    deal = make_deal()
    exc = _refused(deal, "payment_not_allowed", lambda: _pay(deal))
    assert exc.message == "A payment is recorded once the order has been delivered."
    delivered(deal)
    payment = _pay(deal, amount="800.00", voucher="PZ-9")
    assert (payment.kind, payment.amount, payment.voucher) == ("payment", Decimal("800.00"), "PZ-9")
    order = deal.refresh()
    assert order.paid_total == Decimal("800.00")
    assert order.state == OrderState.DELIVERED
    [event] = _events(order, "order.payment_recorded")
    assert event.after == {
        "amount": "800.00",
        "paid_on": "2026-03-02",
        "voucher": "PZ-9",
        "paid_total": "800.00",
        "outstanding": "1200.00",
    }


def test_payment_on_acceptance_condition_waits_for_acceptance() -> None:
    deal = make_deal(payment_condition="acceptance")
    delivered(deal)
    exc = _refused(deal, "payment_not_allowed", lambda: _pay(deal))
    assert exc.message == "A payment is recorded once the order has been accepted."
    accepted(deal)
    _pay(deal, amount="2000.00")
    assert deal.refresh().state == OrderState.COMPLETED


def test_paying_more_than_the_contract_is_refused_and_changes_nothing() -> None:
    deal = make_deal()
    delivered(deal)
    accepted(deal)
    exc = _refused(deal, "payment_exceeds_contract", lambda: _pay(deal, amount="2000.01"))
    assert (exc.status, exc.field, exc.details["outstanding"]) == (409, "amount", "2000.00")
    _pay(deal, amount="1500.00")
    exc = _refused(deal, "payment_exceeds_contract", lambda: _pay(deal, amount="500.01"))
    assert exc.details["outstanding"] == "500.00"


def test_the_last_payment_completes_the_order_and_the_contract() -> None:
    deal = make_deal()
    delivered(deal)
    accepted(deal)
    _pay(deal, amount="1500.00", voucher="PZ-1")
    assert deal.refresh().state == OrderState.ACCEPTED
    _pay(deal, amount="500.00", voucher="PZ-2")
    order = deal.refresh()
    assert order.state == OrderState.COMPLETED
    assert order.completed_at == at("2026-03-02 10:00")
    assert order.paid_total == Decimal("2000.00")
    assert deal.contract.state == ContractState.COMPLETED
    assert deal.contract.ended_at == at("2026-03-02 10:00")
    [event] = _events(order, "order.completed")
    assert (event.before["state"], event.after["state"]) == ("accepted", "completed")
    assert Event.objects.filter(
        object_type="trading.contract", object_id=str(deal.contract.pk), action="contract.completed"
    ).exists()
    actions = list(
        Event.objects.filter(object_type="trading.order", object_id=str(order.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["order.payment_recorded", "order.payment_recorded", "order.completed"]
    _refused(deal, "payment_not_allowed", lambda: _pay(deal, amount="0.01"))


def test_returned_lines_reduce_what_may_be_paid() -> None:
    deal = make_deal(quantity=3)  # 3000.00
    delivered(deal)
    accepted(deal)
    OrderLine.objects.filter(order=deal.order).update(returned_quantity=1)
    _refused(deal, "payment_exceeds_contract", lambda: _pay(deal, amount="3000.00"))
    _refused(deal, "invoice_exceeds_contract", lambda: _invoice(deal, amount="2000.01"))
    _pay(deal, amount="2000.00")
    assert deal.refresh().state == OrderState.COMPLETED


@pytest.mark.parametrize(
    ("amount", "paid_on", "voucher", "code", "field"),
    [
        ("0.00", "2026-03-02", "V", "invalid_amount", "amount"),
        ("12.345", "2026-03-02", "V", "invalid_amount", "amount"),
        ("100", "2026-03-03", "V", "date_in_future", "paid_on"),
        ("100", "2026-02-28", "V", "date_before_order", "paid_on"),
        ("100", "yesterday", "V", "invalid_date", "paid_on"),
        ("100", "2026-03-02", " ", "voucher_required", "voucher"),
        ("100", "2026-03-02", "V" * 61, "invalid_voucher", "voucher"),
    ],
)
def test_payment_bad_input(amount, paid_on, voucher, code, field) -> None:
    deal = make_deal()
    delivered(deal)
    exc = _refused(deal, code, lambda: _pay(deal, amount=amount, paid_on=paid_on, voucher=voucher))
    assert exc.field == field


def test_amount_forms_accepted() -> None:
    deal = make_deal()
    delivered(deal)
    for value, expected in ((10, "10.00"), ("1,000.5", "1000.50"), (Decimal("0.01"), "0.01")):
        payment = _pay(deal, amount=value)
        assert str(payment.amount) == expected
    assert deal.refresh().paid_total == Decimal("1010.51")


def test_only_the_units_buyers_and_admins_record() -> None:
    deal = make_deal()
    delivered(deal)
    stranger = make_unit().buyer
    for actor, code in (
        (deal.unit.approver, "forbidden"),
        (deal.seller.admin, "forbidden"),
        (stranger, "not_found"),
        (None, "not_found"),
    ):
        _refused(deal, code, lambda a=actor: _pay(deal, actor=a))
        _refused(deal, code, lambda a=actor: _invoice(deal, actor=a))
    _pay(deal, actor=deal.unit.admin, amount="1.00")
    _invoice(deal, actor=deal.unit.admin, amount="1.00")
