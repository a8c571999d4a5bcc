"""The first steps of an order: approval, rejection, cancellation, the supplier's confirmation
or refusal, the confirmation timeout job and the deadline recompute."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from govmall.audit.models import Event
from govmall.catalog.models import Listing
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError
from govmall.core.models import CalendarOverride, Notification
from govmall.suppliers.models import Supplier
from govmall.trading.models import Contract, FundingSource, FundMovement, Order, PurchasingPolicy
from govmall.trading.services_orders import (
    confirm_timeout_job,
    order_approve,
    order_cancel,
    order_confirm,
    order_decline,
    order_place,
    order_reject,
    recompute_confirm_deadlines,
)
from govmall.trading.states import OrderState
from tests.factories import make_user
from tests.permissions import database_fingerprint
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def events(order):
    return list(
        Event.objects.filter(object_type="trading.order", object_id=str(order.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def place(unit, seller, qty=2, *, at=MONDAY):
    with time_machine.travel(at, tick=False):
        return order_place(
            actor=unit.buyer,
            lines=[(seller.listing.number, qty)],
            funding_source_id=unit.source.pk,
            delivery_division="150202",
            delivery_address="地址",
        )


def refused(code, call, **kw):
    before = database_fingerprint()
    with pytest.raises(DomainError) as info:
        call(**kw)
    assert info.value.code == code, info.value.as_dict()
    assert database_fingerprint() == before
    return info.value


def stock_of(seller):
    return Listing.objects.get(pk=seller.listing.pk).stock


def reserved(unit):
    return FundingSource.objects.get(pk=unit.source.pk).reserved


def pending(unit, seller):
    PurchasingPolicy.objects.create(
        organisation=unit.org, approval_limit=Decimal("100.00"), updated_at=timezone.now()
    )
    order = place(unit, seller)
    assert order.state == OrderState.PENDING_APPROVAL
    return order


def test_approve_sends_to_supplier_with_a_deadline():
    unit, seller = make_unit(), make_seller()
    order = pending(unit, seller)
    refused("forbidden", order_approve, actor=unit.buyer, number=order.number)
    refused("not_found", order_approve, actor=make_unit().approver, number=order.number)
    refused("forbidden", order_approve, actor=seller.admin, number=order.number)
    with time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=TZ), tick=False):  # a Friday
        order_approve(actor=unit.approver, number=order.number)
    order.refresh_from_db()
    assert order.state == OrderState.PLACED
    assert order.approved_by_id == unit.approver.pk
    assert order.confirm_deadline == datetime(2026, 3, 10, 23, 59, 59, tzinfo=TZ)
    assert events(order) == ["order.pending_approval", "order.placed"]
    assert Notification.objects.filter(verb="order.placed", recipient=seller.admin).count() == 1
    refused("invalid_transition", order_approve, actor=unit.approver, number=order.number)


def test_reject_releases_stock_and_funds():
    unit, seller = make_unit(), make_seller(stock=10, price="1000.00")
    order = pending(unit, seller)
    assert (stock_of(seller), reserved(unit)) == (8, Decimal("2000.00"))
    refused("required", order_reject, actor=unit.approver, number=order.number, reason=" ")
    order_reject(actor=unit.approver, number=order.number, reason="预算不足")
    order.refresh_from_db()
    assert order.state == OrderState.REJECTED
    assert order.close_reason == "预算不足" and order.reserved_amount == Decimal("0.00")
    assert (stock_of(seller), reserved(unit)) == (10, Decimal("0.00"))
    assert list(FundMovement.objects.filter(order=order).values_list("kind", "amount")) == [
        ("reserve", Decimal("2000.00")),
        ("release", Decimal("-2000.00")),
    ]
    last = Event.objects.filter(object_id=str(order.pk), object_type="trading.order").last()
    assert last.action == "order.rejected"
    assert last.after["stock_restored"] == {seller.listing.number: 2}
    assert last.after["funds_released"] == "2000.00"
    refused(
        "invalid_transition", order_reject, actor=unit.approver, number=order.number, reason="x"
    )


def test_cancel_by_buyer_or_admin_while_pending_or_placed():
    unit, seller = make_unit(), make_seller()
    order = place(unit, seller)
    refused("forbidden", order_cancel, actor=unit.approver, number=order.number, reason="x")
    refused("forbidden", order_cancel, actor=seller.admin, number=order.number, reason="x")
    refused("not_found", order_cancel, actor=make_unit().buyer, number=order.number, reason="x")
    order_cancel(actor=unit.admin, number=order.number, reason="需求变化")
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED and stock_of(seller) == 10
    assert reserved(unit) == Decimal("0.00")
    assert Notification.objects.filter(verb="order.cancelled", recipient=seller.admin).exists()
    refused("invalid_transition", order_cancel, actor=unit.buyer, number=order.number, reason="x")
    second = pending(unit, seller)
    order_cancel(actor=unit.buyer, number=second.number, reason="不要了")
    assert Order.objects.get(pk=second.pk).state == OrderState.CANCELLED


def test_confirm_generates_the_contract_and_checks_the_gate():
    unit, seller = make_unit(), make_seller()
    order = place(unit, seller, at=timezone.now())
    refused("forbidden", order_confirm, actor=unit.buyer, number=order.number)
    refused("not_found", order_confirm, actor=make_seller().admin, number=order.number)
    Supplier.objects.filter(pk=seller.supplier.pk).update(status="suspended")
    refused("supplier_cannot_trade", order_confirm, actor=seller.admin, number=order.number)
    Supplier.objects.filter(pk=seller.supplier.pk).update(status="active")
    staff = make_user("supplier_staff", org=seller.supplier.organisation)
    order_confirm(actor=staff, number=order.number)
    order.refresh_from_db()
    assert order.state == OrderState.CONFIRMED and order.confirmed_at is not None
    assert Contract.objects.filter(order=order).count() == 1
    assert events(order)[:2] == ["order.placed", "order.confirmed"]
    assert stock_of(seller) == 8  # stock stays taken
    refused("invalid_transition", order_confirm, actor=seller.admin, number=order.number)
    refused("invalid_transition", order_cancel, actor=unit.buyer, number=order.number, reason="x")
    refused(
        "invalid_transition", order_decline, actor=seller.admin, number=order.number, reason="x"
    )


def test_confirming_a_pending_or_late_order_is_refused():
    unit, seller = make_unit(), make_seller()
    order = pending(unit, seller)
    refused("invalid_transition", order_confirm, actor=seller.admin, number=order.number)
    late = make_order(unit, [(seller.listing, 1)])
    Order.objects.filter(pk=late.pk).update(confirm_deadline=timezone.now() - timedelta(hours=1))
    refused("confirm_deadline_passed", order_confirm, actor=seller.admin, number=late.number)


def test_decline_releases():
    unit, seller = make_unit(), make_seller()
    order = place(unit, seller)
    order_decline(actor=seller.admin, number=order.number, reason="缺货")
    order.refresh_from_db()
    assert order.state == OrderState.DECLINED and order.close_reason == "缺货"
    assert (stock_of(seller), reserved(unit)) == (10, Decimal("0.00"))
    assert Notification.objects.filter(verb="order.declined", recipient=unit.buyer).exists()


def test_confirm_timeout_job_cancels_once_and_releases(english):
    unit, seller = make_unit(), make_seller()
    order = place(unit, seller)  # Monday: deadline Wednesday 23:59:59
    kept = place(unit, seller, at=datetime(2026, 3, 4, 10, 0, tzinfo=TZ))
    with time_machine.travel(datetime(2026, 3, 4, 23, 59, 0, tzinfo=TZ), tick=False):
        assert confirm_timeout_job() == "0 unconfirmed orders cancelled"
    with time_machine.travel(datetime(2026, 3, 5, 0, 0, 1, tzinfo=TZ), tick=False):
        assert confirm_timeout_job() == "1 unconfirmed orders cancelled"
        assert confirm_timeout_job() == "0 unconfirmed orders cancelled"
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED and order.closed_at is not None
    assert order.close_reason == "The supplier did not confirm the order by its deadline."
    assert Order.objects.get(pk=kept.pk).state == OrderState.PLACED
    assert stock_of(seller) == 8 and reserved(unit) == Decimal("2000.00")
    last = Event.objects.filter(object_id=str(order.pk), object_type="trading.order").last()
    assert (last.action, last.actor_id) == ("order.cancelled", None)
    assert (
        Notification.objects.filter(verb="order.confirm_timeout", recipient=unit.buyer).count() == 1
    )


def test_recompute_confirm_deadlines_after_a_calendar_change():
    unit, seller = make_unit(), make_seller()
    order = place(unit, seller)
    assert order.confirm_deadline == datetime(2026, 3, 4, 23, 59, 59, tzinfo=TZ)
    CalendarOverride.objects.create(date=datetime(2026, 3, 3).date(), is_working=False, note="停工")
    assert recompute_confirm_deadlines({2025}, None) == 0
    assert recompute_confirm_deadlines({2026}, None) == 1
    order.refresh_from_db()
    assert order.confirm_deadline == datetime(2026, 3, 5, 23, 59, 59, tzinfo=TZ)
    assert events(order)[-1] == "order.confirm_deadline_recomputed"
    assert recompute_confirm_deadlines({2026}, None) == 0
