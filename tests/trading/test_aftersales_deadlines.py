"""Ticket response deadlines over time: the tick job notifies once per missed deadline (again
after a reopen with a new deadline), and a calendar change recomputes open tickets."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.db import transaction

from govmall.audit.models import Event
from govmall.core.calendar import TZ
from govmall.core.models import CalendarOverride, Notification
from govmall.trading.models import OrderState
from govmall.trading.services_tickets import (
    overdue_tickets,
    recompute_ticket_deadlines,
    ticket_open,
    ticket_overdue_job,
    ticket_reopen,
    ticket_resolve,
    ticket_respond,
)
from tests.factories import regional_operator_admin
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
DEADLINE = datetime(2026, 3, 4, 23, 59, 59, tzinfo=TZ)


@pytest.fixture
def deal():
    unit = make_unit()
    seller = make_seller(stock=50)
    order = make_order(unit, [(seller.listing, 2)], state=OrderState.DELIVERED)
    with time_machine.travel(MONDAY, tick=False):
        ticket = ticket_open(
            actor=unit.buyer, number=order.number, kind="repair", description="屏幕不亮"
        )
    return unit, seller, order, ticket


def _overdue_notes():
    return list(
        Notification.objects.filter(verb="ticket.response_overdue").order_by("recipient_id")
    )


def test_job_notifies_once_per_missed_deadline(deal):
    unit, seller, order, ticket = deal
    with time_machine.travel(DEADLINE, tick=False):
        assert ticket_overdue_job() == "0 overdue after-sales tickets notified"
        assert list(overdue_tickets()) == []
    with time_machine.travel(datetime(2026, 3, 5, 0, 0, 1, tzinfo=TZ), tick=False):
        assert list(overdue_tickets()) == [ticket]
        assert ticket_overdue_job() == "1 overdue after-sales tickets notified"
        assert ticket_overdue_job() == "0 overdue after-sales tickets notified"
    notes = _overdue_notes()
    assert {n.recipient_id for n in notes} == {seller.admin.pk, unit.buyer.pk}
    assert len(notes) == 2
    assert notes[0].message == (
        f"After-sales ticket {ticket.number} on order {order.number} is overdue: the "
        "supplier's response was due by 2026-03-04 23:59."
    )
    [event] = Event.objects.filter(
        object_type="trading.ticket",
        object_id=str(ticket.pk),
        action="ticket.response_overdue_notified",
    )
    assert event.actor_id is None
    assert event.after["key"] == "response:2026-03-04T15:59:59+00:00"


def test_responded_or_resolved_tickets_are_not_overdue(deal):
    unit, seller, _order, ticket = deal
    with time_machine.travel(MONDAY, tick=False):
        ticket_respond(actor=seller.admin, number=ticket.number, response="处理中")
    with time_machine.travel(datetime(2026, 3, 10, tzinfo=TZ), tick=False):
        assert ticket_overdue_job() == "0 overdue after-sales tickets notified"
        ticket_resolve(actor=unit.buyer, number=ticket.number)
        assert ticket_overdue_job() == "0 overdue after-sales tickets notified"
    assert _overdue_notes() == []


def test_reopened_ticket_is_notified_again_for_its_new_deadline(deal):
    unit, seller, _order, ticket = deal
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=TZ), tick=False):
        assert ticket_overdue_job() == "1 overdue after-sales tickets notified"
        ticket_respond(actor=seller.admin, number=ticket.number, response="已处理")
        ticket_reopen(actor=unit.buyer, number=ticket.number, reason="没修好")
        assert ticket_overdue_job() == "0 overdue after-sales tickets notified"
    ticket.refresh_from_db()
    assert ticket.response_deadline == datetime(2026, 3, 9, 23, 59, 59, tzinfo=TZ)
    with time_machine.travel(datetime(2026, 3, 10, 0, 0, 1, tzinfo=TZ), tick=False):
        assert ticket_overdue_job() == "1 overdue after-sales tickets notified"
        assert ticket_overdue_job() == "0 overdue after-sales tickets notified"
    assert len(_overdue_notes()) == 4


def test_recompute_on_calendar_change(deal):
    _unit, _seller, _order, ticket = deal
    actor = regional_operator_admin()
    with transaction.atomic():
        CalendarOverride.objects.create(date=date(2026, 3, 3), is_working=False, note="停电")
        assert recompute_ticket_deadlines({2026}, actor) == 1
        assert recompute_ticket_deadlines({2026}, actor) == 0
        assert recompute_ticket_deadlines({2025}, actor) == 0
        assert recompute_ticket_deadlines(set(), actor) == 0
    ticket.refresh_from_db()
    # Tuesday 3 March is now a day off: the two working days are 4 and 5 March.
    assert ticket.response_deadline == datetime(2026, 3, 5, 23, 59, 59, tzinfo=TZ)
    event = Event.objects.get(
        object_id=str(ticket.pk), action="ticket.response_deadline_recomputed"
    )
    assert event.actor_id == actor.pk
    assert event.after["years"] == [2026]
    assert event.after["calendar_known"] is True


def test_recompute_counts_from_the_reopening(deal):
    unit, seller, _order, ticket = deal
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=TZ), tick=False):
        ticket_respond(actor=seller.admin, number=ticket.number, response="已处理")
        ticket_reopen(actor=unit.buyer, number=ticket.number, reason="没修好")
    actor = regional_operator_admin()
    with transaction.atomic():
        CalendarOverride.objects.create(date=date(2026, 3, 6), is_working=False, note="调整")
        assert recompute_ticket_deadlines({2026}, actor) == 1
    ticket.refresh_from_db()
    # Reopened Thursday 5 March; Friday 6 March is off: Monday 9 and Tuesday 10 March.
    assert ticket.response_deadline == datetime(2026, 3, 10, 23, 59, 59, tzinfo=TZ)


def test_recompute_leaves_closed_tickets(deal):
    unit, _seller, _order, ticket = deal
    ticket_resolve(actor=unit.buyer, number=ticket.number)
    with transaction.atomic():
        CalendarOverride.objects.create(date=date(2026, 3, 3), is_working=False, note="停电")
        assert recompute_ticket_deadlines({2026}, None) == 0
    ticket.refresh_from_db()
    assert ticket.response_deadline == DEADLINE
