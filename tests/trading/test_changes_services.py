"""Returns and terminations: requesting, answering, verifying — every rule with exact values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.audit.models import Event
from govmall.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from govmall.core.models import Notification
from govmall.trading.models import (
    ChangeRequest,
    ChangeState,
    Contract,
    ContractState,
    FundMovement,
    Order,
    OrderLine,
    OrderState,
    Payment,
)
from govmall.trading.services_changes import (
    change_agree,
    change_approve,
    change_object,
    change_reject,
    change_request,
    change_withdraw,
)
from tests.trading.test_changes_world import (
    line_ids,
    make_world,
    mark_paid,
    order_of,
    reserved_of,
    stock_of,
    with_contract,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def world():
    return make_world()


def ask(world, order, **kw):
    args = {"kind": "return", "reason": "need_changed"} | kw
    return change_request(actor=world.unit.buyer, number=order.number, **args)


def agreed(world, order, **kw):
    change = ask(world, order, **kw)
    return change_agree(actor=world.seller.admin, number=change.number)


# ---- requesting -------------------------------------------------------------------------


def test_request_whole_return_sets_clock_operator_and_notifies_supplier(world):
    order = order_of(world)
    change = ask(world, order)
    assert change.number.startswith("RT-") and len(change.number) == len("RT-2026-000001")
    assert change.state == ChangeState.AWAITING_SUPPLIER
    assert change.whole is True and change.lines.count() == 0
    assert change.operator == world.operator
    assert change.requested_by == world.unit.buyer
    assert change.supplier_deadline > change.requested_at
    recipients = set(
        Notification.objects.filter(verb="change.requested").values_list("recipient", flat=True)
    )
    assert recipients == {world.seller.admin.pk, world.staff.pk}
    actions = list(
        Event.objects.filter(
            object_type="trading.changerequest", object_id=str(change.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["changerequest.requested"]
    assert Event.objects.filter(
        object_type="trading.order", object_id=str(order.pk), action="order.change_requested"
    ).exists()


def test_request_partial_return_records_lines(world):
    order = order_of(world)
    second = line_ids(order)[1]
    change = ask(world, order, lines=[(second, 2)])
    assert change.whole is False
    assert list(change.lines.values_list("line_id", "quantity")) == [(second, 2)]


def test_purchaser_admin_may_request_but_approver_may_not(world):
    order = order_of(world)
    change = change_request(
        actor=world.unit.admin, number=order.number, kind="terminate", reason="funds_adjusted"
    )
    assert change.kind == "terminate"
    with pytest.raises(PermissionDenied):
        change_request(
            actor=world.unit.approver,
            number=order_of(world).number,
            kind="return",
            reason="need_changed",
        )


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"kind": "cancel"}, "invalid_kind", "kind"),
        ({"reason": "whim"}, "invalid_reason", "reason"),
        ({"reason": "other"}, "required", "reason_text"),
        ({"reason": "other", "reason_text": "   "}, "required", "reason_text"),
        ({"reason": "other", "reason_text": "x" * 2001}, "too_long", "reason_text"),
        ({"lines": []}, "invalid_lines", "lines"),
        ({"lines": [(999999, 1)]}, "unknown_line", "lines"),
        ({"lines": "1"}, "invalid_lines", "lines"),
        ({"kind": "terminate", "lines": [(0, 1)]}, "lines_not_allowed", "lines"),
    ],
)
def test_request_bad_input_is_refused_and_writes_nothing(world, kw, code, field):
    order = order_of(world)
    with pytest.raises(DomainError) as exc:
        ask(world, order, **kw)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert ChangeRequest.objects.count() == 0


def test_request_line_quantities_are_bounded_by_what_is_left(world):
    order = order_of(world)
    first = line_ids(order)[0]
    OrderLine.objects.filter(pk=first).update(returned_quantity=1)
    for lines in ([(first, 3)], [(first, 0)], [(first, True)], [(first, "1")]):
        with pytest.raises(DomainError) as exc:
            ask(world, order, lines=lines)
        assert exc.value.code == "invalid_quantity"
        assert exc.value.details["max"] == 2
    with pytest.raises(DomainError) as exc:
        ask(world, order, lines=[(first, 1), (first, 1)])
    assert exc.value.code == "duplicate_line"
    assert ask(world, order, lines=[(first, 2)]).lines.get().quantity == 2


def test_line_of_another_order_is_unknown(world):
    order = order_of(world)
    other = order_of(world)
    with pytest.raises(DomainError) as exc:
        ask(world, order, lines=[(line_ids(other)[0], 1)])
    assert exc.value.code == "unknown_line"


@pytest.mark.parametrize("state", ["placed", "completed", "cancelled"])
def test_only_contract_orders_in_changeable_states(world, state):
    order = order_of(world, state="placed")
    Order.objects.filter(pk=order.pk).update(state=state)
    with pytest.raises(DomainError) as exc:
        ask(world, order)
    assert exc.value.code == "order_not_changeable" and exc.value.status == 409


@pytest.mark.parametrize("state", ["confirmed", "contracted", "shipped", "delivered", "accepted"])
def test_changeable_states(world, state):
    assert ask(world, order_of(world, state=state)).state == ChangeState.AWAITING_SUPPLIER


def test_one_open_request_per_order(world):
    order = order_of(world)
    first = ask(world, order)
    with pytest.raises(DomainError) as exc:
        ask(world, order, kind="terminate")
    assert exc.value.code == "change_already_open" and exc.value.status == 409
    change_agree(actor=world.seller.admin, number=first.number)
    with pytest.raises(DomainError):
        ask(world, order)
    change_reject(actor=world.reviewer, number=first.number, reasons="不符合条件")
    assert ask(world, order).state == ChangeState.AWAITING_SUPPLIER


def test_database_backs_one_open_request(world):
    from django.db import IntegrityError, transaction

    order = order_of(world)
    change = ask(world, order)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(
            number="RT-X",
            kind="return",
            state="awaiting_verification",
            order=order,
            reason="other",
            requested_by=world.unit.buyer,
            requested_at=change.requested_at,
            supplier_deadline=change.supplier_deadline,
            operator=world.operator,
        )


def test_others_cannot_request(world):
    order = order_of(world)
    with pytest.raises(NotFound):
        change_request(
            actor=world.other_unit.buyer, number=order.number, kind="return", reason="need_changed"
        )
    with pytest.raises(PermissionDenied):
        change_request(
            actor=world.seller.admin, number=order.number, kind="return", reason="need_changed"
        )
    with pytest.raises(PermissionDenied):
        change_request(
            actor=world.reviewer, number=order.number, kind="return", reason="need_changed"
        )
    assert ChangeRequest.objects.count() == 0


# ---- withdrawing and the supplier's answer ---------------------------------------------


def test_withdraw_only_while_awaiting_supplier(world):
    order = order_of(world)
    change = ask(world, order)
    with pytest.raises(PermissionDenied):
        change_withdraw(actor=world.seller.admin, number=change.number)
    assert change_withdraw(actor=world.unit.admin, number=change.number).state == "withdrawn"
    change = ask(world, order)
    change_agree(actor=world.seller.admin, number=change.number)
    with pytest.raises(InvalidTransition):
        change_withdraw(actor=world.unit.buyer, number=change.number)


def test_agree_starts_the_operator_clock_and_notifies_the_owner(world):
    order = order_of(world)
    change = agreed(world, order)
    assert change.state == ChangeState.AWAITING_VERIFICATION
    assert change.supplier_answered_by == world.seller.admin
    assert change.verify_deadline > change.supplier_answered_at
    recipients = set(
        Notification.objects.filter(verb="change.to_verify").values_list("recipient", flat=True)
    )
    assert recipients == {world.reviewer.pk, world.operator_admin.pk}
    # nothing happened to the order yet
    order.refresh_from_db()
    assert order.state == OrderState.CONTRACTED and order.reserved_amount == Decimal("4000.00")


def test_staff_may_answer_but_purchaser_and_others_may_not(world):
    change = ask(world, order_of(world))
    with pytest.raises(PermissionDenied):
        change_agree(actor=world.unit.buyer, number=change.number)
    with pytest.raises(NotFound):
        change_agree(actor=world.other_seller.admin, number=change.number)
    assert change_agree(actor=world.staff, number=change.number).state == "awaiting_verification"
    with pytest.raises(InvalidTransition):
        change_agree(actor=world.staff, number=change.number)


def test_objection_disputes_and_cancels_nothing(world):
    order, contract = with_contract(world)
    change = ask(world, order, kind="terminate")
    with pytest.raises(DomainError) as exc:
        change_object(actor=world.seller.admin, number=change.number, objection="  ")
    assert exc.value.field == "objection"
    change = change_object(actor=world.seller.admin, number=change.number, objection="已备货")
    assert change.state == ChangeState.DISPUTED and change.objection == "已备货"
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.CONTRACTED and contract.state == ContractState.SIGNED
    assert order.reserved_amount == Decimal("4000.00") and reserved_of(world) == Decimal("4000.00")
    assert stock_of(world.seller.listing) == 7
    recipients = set(
        Notification.objects.filter(verb="change.disputed").values_list("recipient", flat=True)
    )
    assert recipients == {
        world.unit.buyer.pk,
        world.unit.admin.pk,
        world.reviewer.pk,
        world.operator_admin.pk,
    }
    with pytest.raises(DomainError) as exc:
        change_approve(actor=world.reviewer, number=change.number)
    assert exc.value.code == "invalid_transition"


# ---- the operator's verification -------------------------------------------------------


def test_only_the_owning_operator_verifies(world):
    change = agreed(world, order_of(world))
    for actor in (world.regional, world.regulator, world.unit.admin, world.seller.admin):
        with pytest.raises(PermissionDenied):
            change_approve(actor=actor, number=change.number)
    with pytest.raises(NotFound):
        change_approve(actor=world.other_operator, number=change.number)
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.AWAITING_VERIFICATION


def test_approve_whole_return_restores_everything_and_terminates_contract(world):
    order, contract = with_contract(world, OrderState.SHIPPED)
    change = agreed(world, order, reason="funds_adjusted")
    change = change_approve(actor=world.reviewer, number=change.number, reasons="同意")
    assert change.state == ChangeState.APPROVED
    assert change.verified_by == world.reviewer and change.verify_reasons == "同意"
    assert change.refund_amount == Decimal("0.00")
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.RETURNED and order.closed_at is not None
    assert contract.state == ContractState.TERMINATED
    assert stock_of(world.seller.listing) == 10 and stock_of(world.listing2) == 20
    assert order.reserved_amount == Decimal("0.00") and reserved_of(world) == Decimal("0.00")
    assert list(order.lines.values_list("returned_quantity", flat=True)) == [3, 4]
    assert list(
        FundMovement.objects.filter(order=order, kind="release").values_list("amount", flat=True)
    ) == [Decimal("-4000.00")]
    assert Event.objects.filter(action="order.returned", object_id=str(order.pk)).exists()
    assert Event.objects.filter(action="contract.terminated", object_id=str(contract.pk)).exists()


def test_approve_termination_of_a_confirmed_order_with_unsigned_contract(world):
    order, contract = with_contract(world, OrderState.CONFIRMED)
    change = agreed(world, order, kind="terminate", reason="method_changed")
    change_approve(actor=world.operator_admin, number=change.number)
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.TERMINATED
    assert contract.state == ContractState.TERMINATED
    assert stock_of(world.seller.listing) == 10 and reserved_of(world) == Decimal("0.00")


def test_approve_without_contract_ends_the_order(world):
    order = order_of(world, OrderState.DELIVERED)
    change_approve(actor=world.reviewer, number=agreed(world, order, kind="terminate").number)
    order.refresh_from_db()
    assert (
        order.state == OrderState.TERMINATED and not Contract.objects.filter(order=order).exists()
    )


def test_approve_partial_return_keeps_the_order_going(world):
    order, contract = with_contract(world, OrderState.DELIVERED)
    first, second = line_ids(order)
    change = agreed(world, order, lines=[(second, 3)])
    change = change_approve(actor=world.reviewer, number=change.number)
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.DELIVERED and contract.state == ContractState.SIGNED
    assert dict(order.lines.values_list("pk", "returned_quantity")) == {first: 0, second: 3}
    assert stock_of(world.seller.listing) == 7 and stock_of(world.listing2) == 19
    assert order.reserved_amount == Decimal("3250.00") and reserved_of(world) == Decimal("3250.00")
    assert change.refund_amount == Decimal("0.00")
    # a second partial return of the rest of that line, then of everything left
    change = agreed(world, order, lines=[(second, 1)])
    change_approve(actor=world.reviewer, number=change.number)
    order.refresh_from_db()
    assert order.state == OrderState.DELIVERED and order.reserved_amount == Decimal("3000.00")
    change = agreed(world, order, lines=[(first, 3)])
    change_approve(actor=world.reviewer, number=change.number)
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.RETURNED and contract.state == ContractState.TERMINATED
    assert order.reserved_amount == Decimal("0.00") and reserved_of(world) == Decimal("0.00")
    assert stock_of(world.seller.listing) == 10 and stock_of(world.listing2) == 20


def test_whole_return_after_a_partial_one_returns_only_the_rest(world):
    order = order_of(world, OrderState.ACCEPTED)
    first, second = line_ids(order)
    change_approve(actor=world.reviewer, number=agreed(world, order, lines=[(first, 1)]).number)
    assert stock_of(world.seller.listing) == 8
    change_approve(actor=world.reviewer, number=agreed(world, order).number)
    order.refresh_from_db()
    assert dict(order.lines.values_list("pk", "returned_quantity")) == {first: 3, second: 4}
    assert stock_of(world.seller.listing) == 10 and stock_of(world.listing2) == 20
    assert reserved_of(world) == Decimal("0.00")


def test_refund_recorded_when_paid_more_than_now_payable(world):
    order = order_of(world, OrderState.ACCEPTED)
    mark_paid(order, "4000.00")
    first, second = line_ids(order)
    change = change_approve(
        actor=world.reviewer, number=agreed(world, order, lines=[(first, 2)]).number
    )
    assert change.refund_amount == Decimal("2000.00")
    order.refresh_from_db()
    assert order.refunded_total == Decimal("2000.00")
    refund = Payment.objects.get(order=order, kind="refund")
    assert (refund.amount, refund.voucher, refund.recorded_by) == (
        Decimal("2000.00"),
        change.number,
        world.reviewer,
    )
    # nothing more to refund for a partial return when paid exactly what is payable
    change = change_approve(
        actor=world.reviewer, number=agreed(world, order, lines=[(second, 1)]).number
    )
    assert change.refund_amount == Decimal("250.00")
    order.refresh_from_db()
    assert order.refunded_total == Decimal("2250.00")


def test_no_refund_when_paid_less_than_payable(world):
    order = order_of(world, OrderState.ACCEPTED)
    mark_paid(order, "1000.00")
    second = line_ids(order)[1]
    change = change_approve(
        actor=world.reviewer, number=agreed(world, order, lines=[(second, 4)]).number
    )
    assert change.refund_amount == Decimal("0.00")
    assert not Payment.objects.filter(order=order, kind="refund").exists()


def test_whole_return_refunds_everything_paid(world):
    order = order_of(world, OrderState.ACCEPTED)
    mark_paid(order, "4000.00")
    change = change_approve(actor=world.reviewer, number=agreed(world, order).number)
    assert change.refund_amount == Decimal("4000.00")
    order.refresh_from_db()
    assert order.refunded_total == Decimal("4000.00") and order.state == OrderState.RETURNED


def test_reject_keeps_everything_and_needs_reasons(world):
    order, contract = with_contract(world)
    change = agreed(world, order)
    with pytest.raises(DomainError) as exc:
        change_reject(actor=world.reviewer, number=change.number, reasons="")
    assert exc.value.field == "reasons"
    change = change_reject(actor=world.reviewer, number=change.number, reasons="理由不充分")
    assert change.state == ChangeState.REJECTED and change.verified_at is not None
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.state == OrderState.CONTRACTED and contract.state == ContractState.SIGNED
    assert order.reserved_amount == Decimal("4000.00") and stock_of(world.seller.listing) == 7


def test_approve_refused_when_order_moved_out_of_changeable_states(world):
    order = order_of(world, OrderState.ACCEPTED)
    change = agreed(world, order)
    Order.objects.filter(pk=order.pk).update(state=OrderState.COMPLETED)
    with pytest.raises(DomainError) as exc:
        change_approve(actor=world.reviewer, number=change.number)
    assert exc.value.code == "order_not_changeable"
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.AWAITING_VERIFICATION
    assert stock_of(world.seller.listing) == 7


def test_approve_twice_is_an_invalid_transition(world):
    change = agreed(world, order_of(world))
    change_approve(actor=world.reviewer, number=change.number)
    with pytest.raises(InvalidTransition):
        change_approve(actor=world.reviewer, number=change.number)
    with pytest.raises(InvalidTransition):
        change_reject(actor=world.reviewer, number=change.number, reasons="x")
    assert stock_of(world.seller.listing) == 10


def test_demo_changes(world):
    from govmall.catalog.models import Listing
    from govmall.trading.demo_changes import demo_changes

    Listing.objects.filter(pk=world.seller.listing.pk).update(stock=100)
    Listing.objects.filter(pk=world.listing2.pk).update(stock=100)
    orders = [
        order_of(world, state)
        for state in ("contracted", "shipped", "delivered", "accepted", "confirmed")
    ]
    made = demo_changes(orders)
    assert [c.state for c in made] == [
        "approved",
        "approved",
        "awaiting_verification",
        "disputed",
        "awaiting_supplier",
    ]
    states = [Order.objects.get(pk=o.pk).state for o in orders]
    assert states == ["returned", "terminated", "delivered", "accepted", "confirmed"]
    assert made[2].whole is False
