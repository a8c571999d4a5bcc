"""After-sales tickets: opening on delivered orders, numbers and working-day response deadlines,
every transition of the table by the right party, escalation rules, audit and notifications."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from govmall.core.models import Notification
from govmall.trading.models import OrderState, Ticket, TicketState
from govmall.trading.services_tickets import (
    ticket_escalate,
    ticket_open,
    ticket_reopen,
    ticket_resolve,
    ticket_respond,
)
from tests.factories import make_org, make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


@pytest.fixture
def deal():
    unit = make_unit()
    seller = make_seller(stock=50)
    with time_machine.travel(MONDAY, tick=False):
        order = make_order(unit, [(seller.listing, 2)], state=OrderState.ACCEPTED)
    return unit, seller, order


def _events(ticket):
    return list(
        Event.objects.filter(object_type="trading.ticket", object_id=str(ticket.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _open(unit, order, **kw):
    args = {"kind": "repair", "description": "打印机卡纸，无法使用"} | kw
    return ticket_open(actor=unit.buyer, number=order.number, **args)


def test_open_ticket(deal):
    unit, seller, order = deal
    line = order.lines.get()
    with time_machine.travel(MONDAY, tick=False):
        ticket = _open(unit, order, kind="replace", line_id=str(line.pk))
    ticket.refresh_from_db()
    assert ticket.number.startswith("AS-2026-")
    assert len(ticket.number) == len("AS-2026-000001")
    assert ticket.state == TicketState.OPEN
    assert ticket.kind == "replace"
    assert ticket.line_id == line.pk
    assert ticket.description == "打印机卡纸，无法使用"
    assert ticket.opened_by == unit.buyer
    assert ticket.opened_at == MONDAY
    # 2 working days after Monday 2 March: Wednesday 4 March, end of day, Beijing time.
    assert ticket.response_deadline == datetime(2026, 3, 4, 23, 59, 59, tzinfo=TZ)
    [event] = Event.objects.filter(object_type="trading.ticket", object_id=str(ticket.pk))
    assert event.action == "ticket.opened"
    assert event.after["state"] == "open"
    assert event.after["order"] == order.number
    assert event.after["line"] == line.pk
    assert event.after["calendar_known"] is True
    [note] = Notification.objects.filter(verb="ticket.opened")
    assert note.recipient == seller.admin
    assert note.message == (
        f"After-sales ticket {ticket.number} (Replace) on order {order.number}: "
        "respond by 2026-03-04 23:59."
    )
    assert note.link == f"/trading/tickets/{ticket.number}/"


def test_deadline_skips_the_may_day_holiday(deal):
    unit, _seller, order = deal
    with time_machine.travel(datetime(2026, 4, 30, 10, 0, tzinfo=TZ), tick=False):
        ticket = _open(unit, order)
    # 1–5 May are holidays: Wednesday 6 and Thursday 7 May are the two working days.
    assert ticket.response_deadline == datetime(2026, 5, 7, 23, 59, 59, tzinfo=TZ)


@pytest.mark.parametrize(
    ("state", "ok"),
    [
        (OrderState.PLACED, False),
        (OrderState.CONFIRMED, False),
        (OrderState.CONTRACTED, False),
        (OrderState.SHIPPED, False),
        (OrderState.DELIVERED, True),
        (OrderState.ACCEPTED, True),
        (OrderState.COMPLETED, True),
    ],
)
def test_only_delivered_orders(state, ok):
    unit = make_unit()
    seller = make_seller()
    order = make_order(unit, [(seller.listing, 1)], state=state)
    if ok:
        assert _open(unit, order).state == TicketState.OPEN
        return
    with pytest.raises(DomainError) as caught:
        _open(unit, order)
    assert (caught.value.code, caught.value.status) == ("not_delivered_yet", 409)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"kind": "refund"}, "invalid_kind", "kind"),
        ({"kind": None}, "invalid_kind", "kind"),
        ({"description": "  "}, "required", "description"),
        ({"description": "x" * 2001}, "too_long", "description"),
        ({"description": 5}, "invalid", "description"),
        ({"line_id": "x1"}, "invalid_line", "line_id"),
        ({"line_id": True}, "invalid_line", "line_id"),
        ({"line_id": 999999}, "unknown_line", "line_id"),
    ],
)
def test_open_input_errors(deal, kw, code, field):
    unit, _seller, order = deal
    with pytest.raises(DomainError) as caught:
        _open(unit, order, **kw)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Ticket.objects.exists()
    assert not Notification.objects.exists()


def test_line_of_another_order_is_refused(deal):
    unit, seller, order = deal
    other = make_order(unit, [(seller.listing, 1)], state=OrderState.ACCEPTED)
    with pytest.raises(DomainError) as caught:
        _open(unit, order, line_id=other.lines.get().pk)
    assert caught.value.code == "unknown_line"


def test_who_may_open(deal):
    unit, seller, order = deal
    other = make_unit(name="其他单位")
    with pytest.raises(PermissionDenied):
        ticket_open(actor=unit.approver, number=order.number, kind="repair", description="x")
    with pytest.raises(PermissionDenied):
        ticket_open(actor=seller.admin, number=order.number, kind="repair", description="x")
    with pytest.raises(NotFound):
        ticket_open(actor=other.buyer, number=order.number, kind="repair", description="x")
    assert (
        ticket_open(actor=unit.admin, number=order.number, kind="return", description="退货").kind
        == "return"
    )


def test_respond_then_resolve(deal):
    unit, seller, order = deal
    with time_machine.travel(MONDAY, tick=False):
        ticket = _open(unit, order)
    at = MONDAY + timedelta(hours=5)
    with time_machine.travel(at, tick=False):
        ticket_respond(actor=seller.admin, number=ticket.number, response="  明日上门维修 ")
    ticket.refresh_from_db()
    assert (ticket.state, ticket.response, ticket.responded_at) == ("responded", "明日上门维修", at)
    note = Notification.objects.get(verb="ticket.responded")
    assert note.recipient == unit.buyer
    later = MONDAY + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        ticket_resolve(actor=unit.buyer, number=ticket.number, resolution="已修好")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RESOLVED
    assert (ticket.resolution, ticket.resolved_at, ticket.closed_at) == ("已修好", later, later)
    assert _events(ticket) == ["ticket.opened", "ticket.responded", "ticket.resolved"]
    responded = Event.objects.get(object_id=str(ticket.pk), action="ticket.responded")
    assert responded.before == {"state": "open"}
    assert responded.after == {"state": "responded", "response": "明日上门维修"}
    assert Notification.objects.get(verb="ticket.resolved").recipient == seller.admin
    # Resolved is final.
    for call in (
        lambda: ticket_respond(actor=seller.admin, number=ticket.number, response="x"),
        lambda: ticket_reopen(actor=unit.buyer, number=ticket.number, reason="x"),
        lambda: ticket_escalate(actor=unit.buyer, number=ticket.number, reason="x"),
        lambda: ticket_resolve(actor=unit.buyer, number=ticket.number),
    ):
        with pytest.raises(InvalidTransition):
            call()
    assert len(_events(ticket)) == 3


def test_resolve_an_open_ticket_without_text(deal):
    unit, _seller, order = deal
    ticket = _open(unit, order)
    ticket_resolve(actor=unit.admin, number=ticket.number)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.resolution) == ("resolved", "")


def test_respond_rules(deal):
    unit, seller, order = deal
    ticket = _open(unit, order)
    stranger = make_seller()
    with pytest.raises(PermissionDenied):
        ticket_respond(actor=unit.buyer, number=ticket.number, response="x")
    with pytest.raises(NotFound):
        ticket_respond(actor=stranger.admin, number=ticket.number, response="x")
    with pytest.raises(DomainError) as caught:
        ticket_respond(actor=seller.admin, number=ticket.number, response="")
    assert (caught.value.code, caught.value.field) == ("required", "response")
    staff = make_user(Role.SUPPLIER_STAFF, org=seller.supplier.organisation)
    ticket_respond(actor=staff, number=ticket.number, response="已安排")
    with pytest.raises(InvalidTransition):
        ticket_respond(actor=seller.admin, number=ticket.number, response="again")
    ticket.refresh_from_db()
    assert ticket.response == "已安排"


def test_reopen_gives_a_new_deadline(deal):
    unit, seller, order = deal
    with time_machine.travel(MONDAY, tick=False):
        ticket = _open(unit, order)
        ticket_respond(actor=seller.admin, number=ticket.number, response="已处理")
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=TZ), tick=False):
        with pytest.raises(DomainError) as caught:
            ticket_reopen(actor=unit.buyer, number=ticket.number, reason=" ")
        assert caught.value.code == "required"
        ticket_reopen(actor=unit.buyer, number=ticket.number, reason="仍然卡纸")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    # Thursday 5 March + 2 working days = Monday 9 March.
    assert ticket.response_deadline == datetime(2026, 3, 9, 23, 59, 59, tzinfo=TZ)
    event = Event.objects.get(object_id=str(ticket.pk), action="ticket.reopened")
    assert event.before["state"] == "responded"
    assert event.after["state"] == "open"
    assert event.after["reason"] == "仍然卡纸"
    note = Notification.objects.get(verb="ticket.reopened")
    assert note.recipient == seller.admin
    assert note.message == (
        f"After-sales ticket {ticket.number} was reopened: 仍然卡纸. Respond by 2026-03-09 23:59."
    )
    with pytest.raises(InvalidTransition):
        ticket_reopen(actor=unit.buyer, number=ticket.number, reason="again")
    with pytest.raises(PermissionDenied):
        ticket_reopen(actor=seller.admin, number=ticket.number, reason="x")


def _operator_for(division="150200"):
    operator = make_org(OrgKind.OPERATOR, division=division)
    return (
        operator,
        make_user(Role.OPERATOR_ADMIN, org=operator),
        make_user(Role.OPERATOR_REVIEWER, org=operator),
    )


def test_escalate_open_ticket_only_after_deadline(deal):
    unit, seller, order = deal
    operator_org, admin, reviewer = _operator_for()
    with time_machine.travel(MONDAY, tick=False):
        ticket = _open(unit, order)
    deadline = datetime(2026, 3, 4, 23, 59, 59, tzinfo=TZ)
    with time_machine.travel(deadline, tick=False), pytest.raises(DomainError) as caught:
        ticket_escalate(actor=unit.buyer, number=ticket.number, reason="无人响应")
    assert (caught.value.code, caught.value.status) == ("too_early_to_escalate", 409)
    assert caught.value.message == (
        "The supplier may respond until 2026-03-04 23:59; the ticket can be escalated after "
        "that, or once the supplier has responded."
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    after = deadline + timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        with pytest.raises(DomainError) as caught:
            ticket_escalate(actor=unit.buyer, number=ticket.number, reason="")
        assert caught.value.code == "required"
        ticket_escalate(actor=unit.buyer, number=ticket.number, reason="超期无人响应")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert (ticket.escalated_at, ticket.escalation_reason) == (after, "超期无人响应")
    recipients = set(
        Notification.objects.filter(verb="ticket.escalated").values_list("recipient", flat=True)
    )
    assert recipients == {admin.pk, reviewer.pk, seller.admin.pk}
    event = Event.objects.get(object_id=str(ticket.pk), action="ticket.escalated")
    assert event.after == {
        "state": "escalated",
        "reason": "超期无人响应",
        "operator": operator_org.pk,
    }
    for call in (
        lambda: ticket_respond(actor=seller.admin, number=ticket.number, response="x"),
        lambda: ticket_resolve(actor=unit.buyer, number=ticket.number),
        lambda: ticket_escalate(actor=unit.buyer, number=ticket.number, reason="x"),
    ):
        with pytest.raises(InvalidTransition):
            call()


def test_escalate_responded_ticket_any_time(deal):
    unit, seller, order = deal
    _org, admin, _reviewer = _operator_for()
    with time_machine.travel(MONDAY, tick=False):
        ticket = _open(unit, order)
        ticket_respond(actor=seller.admin, number=ticket.number, response="请自行重启")
        ticket_escalate(actor=unit.admin, number=ticket.number, reason="答复不解决问题")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert _events(ticket) == ["ticket.opened", "ticket.responded", "ticket.escalated"]
    note = Notification.objects.get(verb="ticket.escalated", recipient=admin)
    assert note.message == (
        f"After-sales ticket {ticket.number} on order {order.number} was escalated: 答复不解决问题"
    )


def test_escalation_goes_to_the_nearest_operator():
    unit = make_unit(division="150202")
    seller = make_seller()
    order = make_order(unit, [(seller.listing, 1)], state=OrderState.DELIVERED)
    _city, city_admin, _r = _operator_for("150200")
    _district, district_admin, _r2 = _operator_for("150202")
    ticket = _open(unit, order)
    ticket_respond(actor=seller.admin, number=ticket.number, response="x")
    ticket_escalate(actor=unit.buyer, number=ticket.number, reason="不满意")
    recipients = set(
        Notification.objects.filter(verb="ticket.escalated").values_list("recipient", flat=True)
    )
    assert district_admin.pk in recipients
    assert city_admin.pk not in recipients


def test_supervisors_see_but_do_not_act(deal):
    unit, _seller, order = deal
    _org, admin, _reviewer = _operator_for()
    ticket = _open(unit, order)
    with pytest.raises(PermissionDenied):
        ticket_resolve(actor=admin, number=ticket.number)
    with pytest.raises(PermissionDenied):
        ticket_respond(actor=admin, number=ticket.number, response="x")
    far = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150100"))
    with pytest.raises(NotFound):
        ticket_resolve(actor=far, number=ticket.number)
    assert _events(ticket) == ["ticket.opened"]
