"""Publishing a quotation request: validation, the ceiling reserve, invitations, cancel."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.core.models import Notification
from govmall.trading import services_quotations
from govmall.trading.models import (
    FundingSource,
    FundMovement,
    Quotation,
    QuotationInvitation,
    QuotationState,
)
from tests.factories import make_user
from tests.trading.factories import make_seller
from tests.trading.test_quotations_support import (
    CLOSES,
    T0,
    make_market,
    publish,
    request_fields,
)

pytestmark = pytest.mark.django_db


def _refused(market, code: str, field: str | None = None, **overrides) -> DomainError:
    before = (Quotation.objects.count(), Event.objects.count(), FundMovement.objects.count())
    with time_machine.travel(T0, tick=False), pytest.raises(DomainError) as info:
        services_quotations.quotation_publish(
            actor=market.unit.buyer, **request_fields(market, **overrides)
        )
    assert info.value.code == code, info.value.message
    if field is not None:
        assert info.value.field == field
    after = (Quotation.objects.count(), Event.objects.count(), FundMovement.objects.count())
    assert after == before
    return info.value


def test_publish_reserves_the_ceiling_invites_eligible_suppliers_and_notifies_them() -> None:
    market = make_market(3)
    # Not eligible: listed in another category; suspended; not active; unsigned commitment.
    make_seller()
    flagged = make_seller(category=market.sellers[0].category, status="pending")
    quotation = publish(market)

    assert quotation.number.startswith("QUO-2026-")
    assert quotation.state == QuotationState.PUBLISHED
    assert quotation.published_at == T0
    assert quotation.closes_at == CLOSES
    assert quotation.required_attributes == {"cpu": "8核", "ram_gb": "16"}
    assert quotation.reserved_amount == Decimal("60000.00")
    source = FundingSource.objects.get(pk=market.unit.source.pk)
    assert source.reserved == Decimal("60000.00")
    movement = FundMovement.objects.get(source=source, kind="reserve")
    assert (movement.amount, movement.order_id, movement.note) == (
        Decimal("60000.00"),
        None,
        quotation.number,
    )
    invited = set(
        QuotationInvitation.objects.filter(quotation=quotation).values_list(
            "supplier_id", flat=True
        )
    )
    assert invited == {s.supplier.pk for s in market.sellers}
    assert flagged.supplier.pk not in invited
    event = Event.objects.get(object_type="trading.quotation", action="quotation.published")
    assert event.after["invited"] == 3
    assert event.after["ceiling_total"] == "60000.00"
    notes = Notification.objects.filter(verb="quotation_invited")
    assert {n.recipient_id for n in notes} == {s.admin.pk for s in market.sellers}
    for note in notes:
        assert quotation.number in note.message
        assert "60000" not in note.message and "60,000" not in note.message


def test_subcategory_listing_makes_a_supplier_eligible_but_a_sibling_does_not() -> None:
    market = make_market(1)
    from tests.catalog.factories import make_category

    sibling = make_category(name_zh="笔记本")
    other = make_seller(category=sibling)
    quotation = publish(market)
    ids = set(quotation.invitations.values_list("supplier_id", flat=True))
    assert ids == {market.sellers[0].supplier.pk}
    assert other.supplier.pk not in ids


def test_ceiling_must_be_below_the_public_tender_threshold() -> None:
    market = make_market(1)
    _refused(market, "over_tender_threshold", "ceiling_total", ceiling_total="4000000.00")
    FundingSource.objects.filter(pk=market.unit.source.pk).update(amount=Decimal("5000000.00"))
    quotation = publish(market, ceiling_total="3999999.99")
    assert quotation.ceiling_total == Decimal("3999999.99")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"ceiling_total": "0"}, "invalid_amount", "ceiling_total"),
        ({"ceiling_total": "12.345"}, "invalid_amount", "ceiling_total"),
        ({"quantity": 0}, "invalid_quantity", "quantity"),
        ({"quantity": "abc"}, "invalid_quantity", "quantity"),
        ({"title": ""}, "required", "title"),
        ({"title": "x" * 201}, "too_long", "title"),
        ({"category_code": "NOPE"}, "unknown_category", "category_code"),
        ({"required_attributes": {"colour": "red"}}, "unknown_attribute", None),
        ({"required_attributes": {"ram_gb": "lots"}}, "invalid_attribute", None),
        ({"required_attributes": ["cpu"]}, "invalid_attribute", "required_attributes"),
        ({"delivery_division": "999999"}, "unknown_division", "delivery_division"),
        ({"delivery_date": "2026-11-19"}, "delivery_before_closing", "delivery_date"),
        ({"delivery_date": "soon"}, "invalid_date", "delivery_date"),
        ({"closes_at": "tomorrow"}, "invalid_datetime", "closes_at"),
        ({"funding_source_id": 999999}, "unknown_funding_source", "funding_source_id"),
        ({"funding_source_id": "x"}, "invalid_id", "funding_source_id"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(overrides, code, field) -> None:
    market = make_market(1)
    _refused(market, code, field, **overrides)


def test_closing_must_be_at_least_the_end_of_the_second_working_day() -> None:
    market = make_market(1)
    # Published Monday 10:00 → earliest close Wednesday 23:59:59.
    error = _refused(market, "closes_too_soon", "closes_at", closes_at="2026-11-18T23:59:00+08:00")
    assert error.details["earliest"] == "2026-11-18T23:59:59+08:00"
    quotation = publish(market, closes_at="2026-11-18T23:59:59+08:00")
    assert quotation.closes_at == datetime(2026, 11, 18, 23, 59, 59, tzinfo=TZ)


def test_closing_counts_working_days_over_a_weekend() -> None:
    market = make_market(1)
    with time_machine.travel(datetime(2026, 11, 20, 16, 0, tzinfo=TZ), tick=False):
        # Friday → Monday, Tuesday: the earliest close is Tuesday 23:59:59.
        with pytest.raises(DomainError) as info:
            services_quotations.quotation_publish(
                actor=market.unit.buyer,
                **request_fields(market, closes_at="2026-11-23T23:59:59+08:00"),
            )
        assert info.value.details["earliest"] == "2026-11-24T23:59:59+08:00"


def test_funds_short_is_refused() -> None:
    market = make_market(1)
    FundingSource.objects.filter(pk=market.unit.source.pk).update(amount=Decimal("59999.99"))
    _refused(market, "insufficient_funds", "funding_source_id")


def test_only_a_buyer_publishes_and_only_from_own_funds() -> None:
    market = make_market(1)
    with time_machine.travel(T0, tick=False):
        for actor in (market.unit.approver, market.sellers[0].admin, make_user("regulator")):
            with pytest.raises(PermissionDenied):
                services_quotations.quotation_publish(actor=actor, **request_fields(market))
        other = make_market(1)
        with pytest.raises(DomainError) as info:
            services_quotations.quotation_publish(
                actor=market.unit.buyer,
                **request_fields(market, funding_source_id=other.unit.source.pk),
            )
        assert info.value.code == "unknown_funding_source"
    assert Quotation.objects.count() == 0


def test_cancel_before_closing_releases_the_reserve_and_tells_invited_suppliers() -> None:
    market = make_market(2)
    quotation = publish(market)
    with time_machine.travel(T0.replace(hour=15), tick=False):
        services_quotations.quotation_cancel(
            actor=market.unit.buyer, number=quotation.number, reason="需求变化"
        )
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.CANCELLED
    assert quotation.reserved_amount == Decimal("0.00")
    assert FundingSource.objects.get(pk=market.unit.source.pk).reserved == Decimal("0.00")
    release = FundMovement.objects.get(kind="release")
    assert (release.amount, release.note) == (Decimal("-60000.00"), quotation.number)
    notes = Notification.objects.filter(verb="quotation_cancelled")
    assert {n.recipient_id for n in notes} == {s.admin.pk for s in market.sellers}
    event = Event.objects.get(action="quotation.cancelled")
    assert event.after == {"state": "cancelled", "reason": "需求变化", "released": "60000.00"}


def test_cancel_after_closing_time_or_by_others_is_refused() -> None:
    market = make_market(1)
    quotation = publish(market)
    with time_machine.travel(CLOSES, tick=False):
        with pytest.raises(DomainError) as info:
            services_quotations.quotation_cancel(
                actor=market.unit.buyer, number=quotation.number, reason="x"
            )
        assert info.value.code == "quotation_closed"
    with time_machine.travel(T0, tick=False):
        other = make_market(1)
        with pytest.raises(NotFound):
            services_quotations.quotation_cancel(
                actor=other.unit.buyer, number=quotation.number, reason="x"
            )
        with pytest.raises(PermissionDenied):
            services_quotations.quotation_cancel(
                actor=market.sellers[0].admin, number=quotation.number, reason="x"
            )
        with pytest.raises(DomainError) as info:
            services_quotations.quotation_cancel(
                actor=market.unit.buyer, number=quotation.number, reason=""
            )
        assert info.value.code == "required"
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.PUBLISHED
