"""The two 1-working-day clocks over time: weekends, the National Day holiday and its make-up
Saturday; silence becomes a dispute (never a cancellation); overdue verifications are notified
once; deadlines are recomputed when the calendar changes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError
from govmall.core.models import CalendarOverride, Notification
from govmall.trading.change_clock import (
    change_supplier_timeout_job,
    change_verify_overdue_job,
    recompute_change_deadlines,
)
from govmall.trading.models import ChangeRequest, ChangeState, ContractState, OrderState
from govmall.trading.services_changes import (
    change_agree,
    change_approve,
    change_object,
    change_request,
)
from tests.trading.test_changes_world import make_world, reserved_of, stock_of, with_contract

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("english")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def end_of(day: str) -> datetime:
    return at(f"{day}T23:59:59")


@pytest.fixture
def world():
    return make_world()


def ask(world, order, **kw):
    return change_request(
        actor=world.unit.buyer, number=order.number, kind="return", reason="need_changed", **kw
    )


def test_friday_request_gives_the_supplier_until_monday(world):
    with time_machine.travel(at("2026-05-15T10:00:00"), tick=False):
        order, _c = with_contract(world)
        change = ask(world, order)
    assert change.supplier_deadline == end_of("2026-05-18")
    with time_machine.travel(at("2026-05-18T23:00:00"), tick=False):
        change = change_agree(actor=world.seller.admin, number=change.number)
    # agreed on Monday evening: the operator has until the end of Tuesday
    assert change.verify_deadline == end_of("2026-05-19")


def test_national_day_holiday_and_make_up_saturday(world):
    with time_machine.travel(at("2026-09-30T10:00:00"), tick=False):
        order, _c = with_contract(world)
        change = ask(world, order)
    # 1 to 7 October are holidays: the next working day is Thursday 8 October
    assert change.supplier_deadline == end_of("2026-10-08")
    with time_machine.travel(at("2026-10-09T16:00:00"), tick=False):
        # the supplier missed its day: too late, and the tick turns silence into a dispute
        with pytest.raises(DomainError) as exc:
            change_agree(actor=world.seller.admin, number=change.number)
        assert exc.value.code == "answer_too_late"
        assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.AWAITING_SUPPLIER

    with time_machine.travel(at("2026-10-08T16:00:00"), tick=False):
        change2 = ask(world, with_contract(world)[0])
        change2 = change_agree(actor=world.seller.admin, number=change2.number)
    # agreed Thursday 8 October: Friday 9 October is the operator's working day
    assert change2.verify_deadline == end_of("2026-10-09")
    with time_machine.travel(at("2026-10-09T16:00:00"), tick=False):
        change3 = ask(world, with_contract(world)[0])
        change3 = change_agree(actor=world.seller.admin, number=change3.number)
    # agreed Friday 9 October: Saturday 10 October is a make-up working day (调休)
    assert change3.verify_deadline == end_of("2026-10-10")


def test_answer_at_the_last_second_is_in_time(world):
    with time_machine.travel(at("2026-05-15T10:00:00"), tick=False):
        change = ask(world, with_contract(world)[0])
    with time_machine.travel(at("2026-05-18T23:59:59"), tick=False):
        assert (
            change_object(actor=world.seller.admin, number=change.number, objection="不同意").state
            == ChangeState.DISPUTED
        )


def test_silence_becomes_a_dispute_and_cancels_nothing(world):
    with time_machine.travel(at("2026-05-15T10:00:00"), tick=False):
        order, contract = with_contract(world)
        change = ask(world, order)
    with time_machine.travel(at("2026-05-18T23:59:00"), tick=False):
        assert change_supplier_timeout_job().startswith("0 ")
    with time_machine.travel(at("2026-05-19T00:00:01"), tick=False):
        assert change_supplier_timeout_job().startswith("1 ")
        assert change_supplier_timeout_job().startswith("0 ")  # idempotent
        with pytest.raises(DomainError) as exc:
            change_agree(actor=world.seller.admin, number=change.number)
        assert exc.value.code == "invalid_transition"
    change.refresh_from_db()
    order.refresh_from_db()
    contract.refresh_from_db()
    assert change.state == ChangeState.DISPUTED and change.closed_at == at("2026-05-19T00:00:01")
    assert order.state == OrderState.CONTRACTED and contract.state == ContractState.SIGNED
    assert order.reserved_amount == Decimal("4000.00") and reserved_of(world) == Decimal("4000.00")
    assert stock_of(world.seller.listing) == 7
    event = Event.objects.get(object_type="trading.changerequest", action="changerequest.disputed")
    assert event.after["cause"] == "silence" and event.actor_id is None
    notified = set(
        Notification.objects.filter(verb="change.disputed").values_list("recipient", flat=True)
    )
    assert notified == {
        world.unit.buyer.pk,
        world.unit.admin.pk,
        world.reviewer.pk,
        world.operator_admin.pk,
        world.seller.admin.pk,
        world.staff.pk,
    }


def test_overdue_verification_is_notified_once_and_still_decidable(world):
    with time_machine.travel(at("2026-05-15T10:00:00"), tick=False):
        change = ask(world, with_contract(world)[0])
        change = change_agree(actor=world.seller.admin, number=change.number)
    assert change.verify_deadline == end_of("2026-05-18")
    with time_machine.travel(at("2026-05-18T23:00:00"), tick=False):
        assert change_verify_overdue_job().startswith("0 ")
    with time_machine.travel(at("2026-05-19T09:00:00"), tick=False):
        assert change_verify_overdue_job().startswith("1 ")
        assert change_verify_overdue_job().startswith("0 ")
        assert set(
            Notification.objects.filter(verb="change.verify_overdue").values_list(
                "recipient", flat=True
            )
        ) == {world.reviewer.pk, world.operator_admin.pk}
        change = change_approve(actor=world.reviewer, number=change.number)
    assert change.state == ChangeState.APPROVED
    event = Event.objects.get(object_id=str(change.pk), action="changerequest.approved")
    assert event.after["within_deadline"] is False
    with time_machine.travel(at("2026-05-20T09:00:00"), tick=False):
        assert change_verify_overdue_job().startswith("0 ")


def test_recompute_moves_open_clocks_when_the_calendar_changes(world):
    with time_machine.travel(at("2026-05-15T10:00:00"), tick=False):
        waiting = ask(world, with_contract(world)[0])
        verifying = ask(world, with_contract(world)[0])
        verifying = change_agree(actor=world.seller.admin, number=verifying.number)
    assert waiting.supplier_deadline == end_of("2026-05-18")
    assert recompute_change_deadlines({2026}, None) == 0
    CalendarOverride.objects.create(
        date=date(2026, 5, 18), is_working=False, active=True, note="test holiday"
    )
    assert recompute_change_deadlines({2027}, None) == 0
    assert recompute_change_deadlines({2026}, world.regional) == 2
    waiting.refresh_from_db()
    verifying.refresh_from_db()
    assert waiting.supplier_deadline == end_of("2026-05-19")
    assert verifying.verify_deadline == end_of("2026-05-19")
    events = Event.objects.filter(action="changerequest.deadline_recomputed")
    assert events.count() == 2
    assert recompute_change_deadlines({2026}, None) == 0
