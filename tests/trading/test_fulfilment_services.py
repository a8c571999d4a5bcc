"""Ship, deliver, accept: state changes, deadlines, notifications, refusals that change nothing,
the overdue jobs and the recompute on a calendar change."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.core.models import CalendarOverride, Notification
from govmall.trading.models import Acceptance, ContractState, Delivery, OrderState
from govmall.trading.services_fulfilment import (
    acceptance_overdue_job,
    order_accept,
    order_deliver,
    order_ship,
    recompute_fulfilment_deadlines,
)
from govmall.trading.services_payments import payment_overdue_job, payment_record
from tests.factories import make_user
from tests.trading.factories import make_unit
from tests.trading.test_fulfilment_support import accepted, at, delivered, make_deal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _events(order, action: str) -> list[Event]:
    return list(
        Event.objects.filter(object_type="trading.order", object_id=str(order.pk), action=action)
    )


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _snapshot(deal) -> tuple:
    order = deal.refresh()
    return (
        order.state,
        order.shipped_at,
        order.delivered_at,
        order.acceptance_deadline,
        order.payment_due,
        order.audit_length,
        Delivery.objects.filter(order=order).count(),
        Acceptance.objects.filter(order=order).count(),
        Notification.objects.count(),
    )


def _refused(deal, code: str, call) -> DomainError:
    before = _snapshot(deal)
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == code, exc.value.message
    assert _snapshot(deal) == before
    return exc.value


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_ship_records_the_step_and_the_event() -> None:
    deal = make_deal()
    order_ship(actor=deal.seller.admin, number=deal.number, note_number="YT123", note=" 顺丰 ")
    order = deal.refresh()
    assert order.state == OrderState.SHIPPED
    assert order.shipped_at == at("2026-03-02 10:00")
    row = Delivery.objects.get(order=order)
    assert (row.kind, row.note_number, row.note, row.by) == (
        "shipped",
        "YT123",
        "顺丰",
        deal.seller.admin,
    )
    [event] = _events(order, "order.shipped")
    assert event.before["state"] == "contracted"
    assert event.after["state"] == "shipped"
    assert event.after["note_number"] == "YT123"


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_ship_refusals_change_nothing() -> None:
    deal = make_deal()
    other = make_deal()
    staff_of_other = other.seller.admin
    _refused(deal, "forbidden", lambda: order_ship(actor=deal.unit.buyer, number=deal.number))
    _refused(deal, "not_found", lambda: order_ship(actor=staff_of_other, number=deal.number))
    _refused(deal, "not_found", lambda: order_ship(actor=None, number=deal.number))
    _refused(deal, "not_found", lambda: order_ship(actor=deal.seller.admin, number="ORD-X"))
    _refused(
        deal,
        "invalid_note_number",
        lambda: order_ship(actor=deal.seller.admin, number=deal.number, note_number="x" * 61),
    )
    order_ship(actor=deal.seller.admin, number=deal.number)
    _refused(
        deal, "invalid_transition", lambda: order_ship(actor=deal.seller.admin, number=deal.number)
    )


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_deliver_needs_the_delivery_note_and_a_shipped_order() -> None:
    deal = make_deal()
    exc = _refused(
        deal,
        "invalid_transition",
        lambda: order_deliver(actor=deal.seller.admin, number=deal.number, note_number="SD-1"),
    )
    assert exc.status == 409
    order_ship(actor=deal.seller.admin, number=deal.number)
    exc = _refused(
        deal,
        "note_number_required",
        lambda: order_deliver(actor=deal.seller.admin, number=deal.number, note_number="  "),
    )
    assert exc.field == "note_number"
    _refused(
        deal,
        "forbidden",
        lambda: order_deliver(actor=deal.unit.admin, number=deal.number, note_number="SD-1"),
    )


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_deliver_sets_the_acceptance_deadline_and_the_payment_due() -> None:
    deal = make_deal()
    order_ship(actor=deal.seller.admin, number=deal.number)
    order_deliver(actor=deal.seller.admin, number=deal.number, note_number="SD-2026-01")
    order = deal.refresh()
    assert order.state == OrderState.DELIVERED
    assert order.delivered_at == at("2026-03-02 10:00")
    # 5 working days after Monday 03-02: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9.
    assert order.acceptance_deadline == at("2026-03-09 23:59:59")
    # SME (small), payment from delivery, 30 days.
    assert order.payment_due == at("2026-04-01 23:59:59")
    assert list(Delivery.objects.filter(order=order).values_list("kind", "note_number")) == [
        ("shipped", ""),
        ("delivered", "SD-2026-01"),
    ]
    [event] = _events(order, "order.delivered")
    assert _dt(event.after["acceptance_deadline"]) == _utc("2026-03-09T15:59:59")
    assert _dt(event.after["payment_due"]) == _utc("2026-04-01T15:59:59")
    assert event.after["calendar_known"] is True
    [note] = Notification.objects.filter(verb="order.delivered")
    assert note.recipient == deal.unit.buyer
    assert note.message == (
        f"Order {deal.number} was delivered (delivery note SD-2026-01): accept it by "
        "2026-03-09 23:59."
    )


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_deliver_uses_the_contract_terms() -> None:
    deal = make_deal(payment_condition="acceptance", acceptance_working_days=10)
    order = delivered(deal)
    # 10 working days after 03-02: 03-16; payment provisional from there: 04-15.
    assert order.acceptance_deadline == at("2026-03-16 23:59:59")
    assert order.payment_due == at("2026-04-15 23:59:59")


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_large_supplier_has_no_payment_due() -> None:
    deal = make_deal(size="large")
    order = delivered(deal)
    assert order.acceptance_deadline == at("2026-03-09 23:59:59")
    assert order.payment_due is None


def test_acceptance_passed_recomputes_the_due_date_when_acceptance_is_the_condition() -> None:
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        deal = make_deal(payment_condition="acceptance")
        order = delivered(deal)
        assert order.payment_due == at("2026-04-08 23:59:59")  # provisional
        traveller.move_to(at("2026-03-04 15:00"))
        order_accept(actor=deal.unit.admin, number=deal.number, passed=True)
    order = deal.refresh()
    assert order.state == OrderState.ACCEPTED
    assert order.accepted_at == at("2026-03-04 15:00")
    assert order.payment_due == at("2026-04-03 23:59:59")
    row = Acceptance.objects.get(order=order)
    assert (row.result, row.reasons, row.by) == ("passed", "", deal.unit.admin)
    [event] = _events(order, "order.accepted")
    assert _dt(event.before["payment_due"]) == _utc("2026-04-08T15:59:59")
    assert _dt(event.after["payment_due"]) == _utc("2026-04-03T15:59:59")
    notes = Notification.objects.filter(verb="order.accepted")
    assert [n.recipient for n in notes] == [deal.seller.admin]
    assert notes[0].message == f"Order {deal.number} passed acceptance."


def test_late_acceptance_keeps_the_due_date_of_the_period_end() -> None:
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        deal = make_deal(payment_condition="acceptance")
        delivered(deal)
        traveller.move_to(at("2026-03-20 09:00"))
        order = accepted(deal)
    assert order.payment_due == at("2026-04-08 23:59:59")


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_failed_acceptance_needs_reasons_and_sends_the_order_back() -> None:
    deal = make_deal()
    delivered(deal)
    exc = _refused(
        deal,
        "reasons_required",
        lambda: order_accept(actor=deal.unit.buyer, number=deal.number, passed=False),
    )
    assert exc.field == "reasons"
    order_accept(actor=deal.unit.buyer, number=deal.number, passed=False, reasons="屏幕有划痕")
    order = deal.refresh()
    assert order.state == OrderState.CONTRACTED
    assert order.acceptance_deadline is None
    assert order.payment_due is None
    row = Acceptance.objects.get(order=order)
    assert (row.result, row.reasons) == ("failed", "屏幕有划痕")
    [event] = _events(order, "order.acceptance_failed")
    assert (event.before["state"], event.after["state"]) == ("delivered", "contracted")
    assert event.after["reasons"] == "屏幕有划痕"
    [note] = Notification.objects.filter(verb="order.acceptance_failed")
    assert note.recipient == deal.seller.admin
    assert "屏幕有划痕" in note.message
    # The supplier ships and delivers again; a new period starts.
    order = delivered(deal, note_number="SD-002")
    assert order.state == OrderState.DELIVERED
    assert order.acceptance_deadline == at("2026-03-09 23:59:59")
    assert Delivery.objects.filter(order=order).count() == 4


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_acceptance_refusals_change_nothing() -> None:
    deal = make_deal()
    approver = deal.unit.approver
    stranger = make_unit().buyer
    _refused(
        deal,
        "invalid_transition",
        lambda: order_accept(actor=deal.unit.buyer, number=deal.number, passed=False, reasons="x"),
    )
    _refused(
        deal,
        "invalid_transition",
        lambda: order_accept(actor=deal.unit.buyer, number=deal.number, passed=True),
    )
    delivered(deal)
    for actor, code in (
        (approver, "forbidden"),
        (deal.seller.admin, "forbidden"),
        (stranger, "not_found"),
        (make_user("operator_admin", division="150000"), "forbidden"),
    ):
        _refused(deal, code, lambda a=actor: order_accept(actor=a, number=deal.number, passed=True))
    _refused(
        deal,
        "invalid_passed",
        lambda: order_accept(actor=deal.unit.buyer, number=deal.number, passed="yes"),  # type: ignore[arg-type]
    )
    _refused(
        deal,
        "invalid_reasons",
        lambda: order_accept(
            actor=deal.unit.buyer, number=deal.number, passed=False, reasons="x" * 2001
        ),
    )


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_acceptance_of_an_order_already_paid_completes_it() -> None:
    deal = make_deal()
    delivered(deal)
    payment_record(
        actor=deal.unit.buyer,
        number=deal.number,
        amount="2000.00",
        paid_on="2026-03-02",
        voucher="PZ-1",
    )
    assert deal.refresh().state == OrderState.DELIVERED
    order = accepted(deal)
    assert order.state == OrderState.COMPLETED
    assert order.completed_at == at("2026-03-02 10:00")
    assert deal.contract.state == ContractState.COMPLETED


def test_acceptance_overdue_job_notifies_once() -> None:
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        deal = make_deal()
        delivered(deal)
        traveller.move_to(at("2026-03-09 23:59:59"))
        assert acceptance_overdue_job() == "0 late acceptances notified"
        traveller.move_to(at("2026-03-10 00:00:01"))
        assert acceptance_overdue_job() == "1 late acceptances notified"
        assert acceptance_overdue_job() == "0 late acceptances notified"
    notes = Notification.objects.filter(verb="order.acceptance_overdue")
    assert {n.recipient for n in notes} == {deal.unit.buyer, deal.unit.admin, deal.seller.admin}
    assert notes[0].message == (
        f"Order {deal.number} was delivered but not accepted by the end of the acceptance "
        "period (2026-03-09 23:59)."
    )
    [event] = _events(deal.order, "order.acceptance_overdue_notified")
    assert event.after["key"] == "acceptance_deadline:2026-03-09T23:59:59+08:00"


def test_payment_overdue_job_notifies_once_and_not_once_paid() -> None:
    with time_machine.travel(at("2026-03-02 10:00"), tick=False) as traveller:
        late = make_deal()
        paid = make_deal(unit=late.unit)
        large = make_deal(size="large", unit=late.unit)
        for deal in (late, paid, large):
            delivered(deal)
            accepted(deal)
        payment_record(
            actor=late.unit.buyer,
            number=late.number,
            amount="500.00",
            paid_on="2026-03-02",
            voucher="PZ-1",
        )
        payment_record(
            actor=paid.unit.buyer,
            number=paid.number,
            amount="2000.00",
            paid_on="2026-03-02",
            voucher="PZ-2",
        )
        traveller.move_to(at("2026-04-01 23:00"))
        assert payment_overdue_job() == "0 late payments notified"
        traveller.move_to(at("2026-04-02 00:00:01"))
        assert payment_overdue_job() == "1 late payments notified"
        assert payment_overdue_job() == "0 late payments notified"
    notes = Notification.objects.filter(verb="order.payment_overdue")
    assert {n.recipient for n in notes} == {late.unit.buyer, late.unit.admin, late.seller.admin}
    assert notes[0].message == (
        f"Payment for order {late.number} was due by 2026-04-01; 1500.00 yuan is still outstanding."
    )


def test_recompute_moves_the_acceptance_deadline_and_the_payment_due() -> None:
    with time_machine.travel(at("2026-09-30 10:00"), tick=False):
        waiting = make_deal()
        delivered(waiting)
    with time_machine.travel(at("2026-09-03 10:00"), tick=False):
        paying = make_deal(unit=waiting.unit)
        delivered(paying)
        accepted(paying)
    # After 09-30: 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13.
    assert waiting.refresh().acceptance_deadline == at("2026-10-13 23:59:59")
    assert waiting.order.payment_due == at("2026-10-30 23:59:59")
    assert paying.refresh().payment_due == at("2026-10-08 23:59:59")
    CalendarOverride.objects.create(date="2026-10-12", is_working=False, note="test")
    CalendarOverride.objects.create(date="2026-10-08", is_working=False, note="test")
    with time_machine.travel(at("2026-10-01 10:00"), tick=False):
        from django.db import transaction

        with transaction.atomic():
            assert recompute_fulfilment_deadlines({2026}, None) == 2
            assert recompute_fulfilment_deadlines({2026}, None) == 0
            assert recompute_fulfilment_deadlines({2025}, None) == 0
    # 10-08 and 10-12 now off: 10-09, 10-10, 10-13, 10-14, 10-15.
    assert waiting.refresh().acceptance_deadline == at("2026-10-15 23:59:59")
    assert waiting.order.payment_due == at("2026-10-30 23:59:59")
    assert paying.refresh().payment_due == at("2026-10-09 23:59:59")
    [event] = _events(waiting.order, "order.fulfilment_deadlines_recomputed")
    assert _dt(event.before["acceptance_deadline"]) == _utc("2026-10-13T15:59:59")
    assert _dt(event.after["acceptance_deadline"]) == _utc("2026-10-15T15:59:59")
    assert event.after["years"] == [2026]
    [event] = _events(paying.order, "order.fulfilment_deadlines_recomputed")
    assert _dt(event.after["payment_due"]) == _utc("2026-10-09T15:59:59")
    assert paying.order.acceptance_deadline == at("2026-09-10 23:59:59")  # accepted: unchanged


@time_machine.travel(at("2026-03-02 10:00"), tick=False)
def test_outstanding_in_sql_matches_amounts_with_returned_lines() -> None:
    from govmall.trading import amounts
    from govmall.trading.models import OrderLine
    from govmall.trading.selectors_fulfilment import buyer_to_pay

    deal = make_deal(quantity=3)
    delivered(deal)
    OrderLine.objects.filter(order=deal.order).update(returned_quantity=1)
    order = deal.refresh()
    [row] = buyer_to_pay(deal.unit.org.pk)
    assert row.outstanding_amount == amounts.outstanding(order) == Decimal("2000.00")
