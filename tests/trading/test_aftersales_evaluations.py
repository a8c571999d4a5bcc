"""Evaluation (评价): once per accepted order, scores 1–5, comment cleaned, audited on the order,
the supplier notified; supplier averages exact to 2 places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.core.models import Notification
from govmall.trading.models import Evaluation, OrderState
from govmall.trading.selectors_ratings import (
    ratings_by_supplier,
    ratings_json,
    supplier_ratings,
)
from govmall.trading.services_evaluations import evaluation_submit
from tests.factories import make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def deal():
    unit = make_unit()
    seller = make_seller(stock=50)
    order = make_order(unit, [(seller.listing, 2)], state=OrderState.ACCEPTED)
    return unit, seller, order


def _events(order, action):
    return list(
        Event.objects.filter(object_type="trading.order", object_id=str(order.pk), action=action)
    )


def test_buyer_rates_accepted_order(deal):
    unit, seller, order = deal
    evaluation = evaluation_submit(
        actor=unit.buyer,
        number=order.number,
        quality=5,
        delivery="4",
        service=3,
        comment="  送货及时，质量很好  ",
    )
    evaluation.refresh_from_db()
    assert (evaluation.quality, evaluation.delivery, evaluation.service) == (5, 4, 3)
    assert evaluation.comment == "送货及时，质量很好"
    assert evaluation.supplier_id == seller.supplier.pk
    assert evaluation.by == unit.buyer
    [event] = _events(order, "order.evaluated")
    assert event.actor_id == unit.buyer.pk
    assert event.after == {
        "evaluation": evaluation.pk,
        "quality": 5,
        "delivery": 4,
        "service": 3,
        "comment": "送货及时，质量很好",
    }
    [note] = Notification.objects.filter(verb="order.evaluated")
    assert note.recipient == seller.admin
    assert note.message == (f"Order {order.number} was rated: quality 5, delivery 4, service 3.")


def test_completed_order_and_purchaser_admin(deal):
    unit, seller, _order = deal
    done = make_order(unit, [(seller.listing, 1)], state=OrderState.COMPLETED)
    evaluation = evaluation_submit(
        actor=unit.admin, number=done.number, quality=1, delivery=1, service=1
    )
    assert evaluation.comment == ""


@pytest.mark.parametrize(
    "state",
    [
        OrderState.PLACED,
        OrderState.CONFIRMED,
        OrderState.CONTRACTED,
        OrderState.SHIPPED,
        OrderState.DELIVERED,
    ],
)
def test_not_before_acceptance(deal, state):
    unit, seller, _order = deal
    order = make_order(unit, [(seller.listing, 1)], state=state)
    with pytest.raises(DomainError) as caught:
        evaluation_submit(actor=unit.buyer, number=order.number, quality=5, delivery=5, service=5)
    assert caught.value.code == "not_accepted_yet"
    assert caught.value.status == 409
    assert not Evaluation.objects.exists()
    assert _events(order, "order.evaluated") == []


def test_once_per_order(deal):
    unit, _seller, order = deal
    evaluation_submit(actor=unit.buyer, number=order.number, quality=4, delivery=4, service=4)
    with pytest.raises(DomainError) as caught:
        evaluation_submit(actor=unit.admin, number=order.number, quality=1, delivery=1, service=1)
    assert caught.value.code == "already_evaluated"
    assert Evaluation.objects.get().quality == 4
    assert len(_events(order, "order.evaluated")) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quality", 0),
        ("quality", 6),
        ("delivery", "5.0"),
        ("delivery", None),
        ("service", True),
        ("service", 4.5),
        ("service", "abc"),
        ("quality", -1),
        ("quality", "100"),
    ],
)
def test_scores_must_be_integers_1_to_5(deal, field, value):
    unit, _seller, order = deal
    scores = {"quality": 3, "delivery": 3, "service": 3, field: value}
    with pytest.raises(DomainError) as caught:
        evaluation_submit(actor=unit.buyer, number=order.number, **scores)
    assert (caught.value.code, caught.value.field) == ("invalid_score", field)
    assert caught.value.message == "Give a whole number from 1 to 5."
    assert not Evaluation.objects.exists()


def test_comment_limits(deal):
    unit, _seller, order = deal
    with pytest.raises(DomainError) as caught:
        evaluation_submit(
            actor=unit.buyer,
            number=order.number,
            quality=3,
            delivery=3,
            service=3,
            comment="好" * 1001,
        )
    assert (caught.value.code, caught.value.field) == ("too_long", "comment")
    with pytest.raises(DomainError) as caught:
        evaluation_submit(
            actor=unit.buyer,
            number=order.number,
            quality=3,
            delivery=3,
            service=3,
            comment="a\x00b",
        )
    assert (caught.value.code, caught.value.field) == ("invalid", "comment")
    evaluation = evaluation_submit(
        actor=unit.buyer,
        number=order.number,
        quality=3,
        delivery=3,
        service=3,
        comment="好" * 1000,
    )
    assert len(evaluation.comment) == 1000


def test_who_may_rate(deal):
    unit, seller, order = deal
    other = make_unit(name="其他单位")
    operator = make_user(Role.OPERATOR_ADMIN, division="150200")
    with pytest.raises(PermissionDenied):
        evaluation_submit(
            actor=unit.approver, number=order.number, quality=5, delivery=5, service=5
        )
    with pytest.raises(PermissionDenied):
        evaluation_submit(actor=seller.admin, number=order.number, quality=5, delivery=5, service=5)
    with pytest.raises(PermissionDenied):
        evaluation_submit(actor=operator, number=order.number, quality=5, delivery=5, service=5)
    with pytest.raises(NotFound):
        evaluation_submit(actor=other.buyer, number=order.number, quality=5, delivery=5, service=5)
    with pytest.raises(NotFound):
        evaluation_submit(
            actor=unit.buyer, number="ORD-2026-999999", quality=5, delivery=5, service=5
        )
    assert not Evaluation.objects.exists()


def test_ratings_averages_exact(deal):
    unit, seller, order = deal
    assert supplier_ratings(seller.supplier) == {
        "count": 0,
        "quality": None,
        "delivery": None,
        "service": None,
        "overall": None,
    }
    second = make_order(unit, [(seller.listing, 1)], state=OrderState.COMPLETED)
    third = make_order(unit, [(seller.listing, 1)], state=OrderState.ACCEPTED)
    evaluation_submit(actor=unit.buyer, number=order.number, quality=5, delivery=4, service=3)
    evaluation_submit(actor=unit.buyer, number=second.number, quality=4, delivery=4, service=5)
    evaluation_submit(actor=unit.admin, number=third.number, quality=4, delivery=2, service=5)
    ratings = supplier_ratings(seller.supplier)
    # quality 13/3 = 4.333…, delivery 10/3 = 3.333…, service 13/3, overall 36/9 = 4
    assert ratings == {
        "count": 3,
        "quality": Decimal("4.33"),
        "delivery": Decimal("3.33"),
        "service": Decimal("4.33"),
        "overall": Decimal("4.00"),
    }
    assert ratings_json(ratings) == {
        "count": 3,
        "quality": "4.33",
        "delivery": "3.33",
        "service": "4.33",
        "overall": "4.00",
    }
    other = make_seller(stock=5)
    assert ratings_by_supplier([seller.supplier.pk, other.supplier.pk]) == {
        seller.supplier.pk: ratings,
        other.supplier.pk: supplier_ratings(other.supplier),
    }


def test_rounding_half_up(deal):
    unit, seller, order = deal
    orders = [order] + [
        make_order(unit, [(seller.listing, 1)], state=OrderState.ACCEPTED) for _ in range(7)
    ]
    # quality: seven 5s and one 4 = 39/8 = 4.875 → 4.88 (half up, not half even)
    for index, row in enumerate(orders):
        evaluation_submit(
            actor=unit.buyer,
            number=row.number,
            quality=4 if index == 0 else 5,
            delivery=1,
            service=2,
        )
    ratings = supplier_ratings(seller.supplier)
    assert ratings["quality"] == Decimal("4.88")
    assert ratings["delivery"] == Decimal("1.00")
    assert ratings["service"] == Decimal("2.00")
    # overall (39 + 8 + 16) / 24 = 2.625 → 2.63
    assert ratings["overall"] == Decimal("2.63")
