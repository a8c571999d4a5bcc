"""The award: lowest first, disqualification with reasons, the winner's 72-hour window, pass-on,
the order and contract the confirmation creates, and the purchaser's overdue award."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.catalog.models import Listing
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.core.models import Notification
from govmall.trading import services_awards, services_quotations
from govmall.trading.models import (
    Contract,
    FundingSource,
    FundMovement,
    Order,
    QuotationState,
    Quote,
    QuoteState,
)
from tests.trading.test_quotations_support import AFTER_CLOSE, at, opened_market

pytestmark = pytest.mark.django_db

DAY1 = AFTER_CLOSE + timedelta(hours=1)


def _award(market, quotation, when=DAY1) -> Quote:
    with time_machine.travel(when, tick=False):
        return services_awards.quote_award(actor=market.unit.buyer, number=quotation.number)


def test_award_goes_to_the_lowest_with_a_72_hour_window() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    awarded = _award(market, quotation)
    assert awarded.pk == quotes[1].pk
    assert awarded.state == QuoteState.AWARDED
    assert awarded.awarded_at == DAY1
    assert awarded.confirm_deadline == DAY1 + timedelta(hours=72)
    quotation.refresh_from_db()
    assert quotation.awarded_quote_id == awarded.pk
    assert quotation.state == QuotationState.EVALUATING
    note = Notification.objects.get(verb="quotation_awarded")
    assert note.recipient_id == market.sellers[1].admin.pk
    # While the winner decides, no second award and no disqualification.
    for call in (
        lambda: services_awards.quote_award(actor=market.unit.buyer, number=quotation.number),
        lambda: services_awards.quote_disqualify(
            actor=market.unit.buyer, number=quotation.number, quote_id=quotes[2].pk, reasons="x"
        ),
    ):
        with time_machine.travel(DAY1, tick=False), pytest.raises(DomainError) as info:
            call()
        assert info.value.code == "award_pending"


def test_disqualify_only_the_lowest_with_reasons_then_the_next_is_lowest() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    buyer = market.unit.buyer
    with time_machine.travel(DAY1, tick=False):
        with pytest.raises(DomainError) as info:
            services_awards.quote_disqualify(
                actor=buyer, number=quotation.number, quote_id=quotes[2].pk, reasons="不符合"
            )
        assert info.value.code == "not_lowest"
        with pytest.raises(DomainError) as info:
            services_awards.quote_disqualify(
                actor=buyer, number=quotation.number, quote_id=quotes[1].pk, reasons=" "
            )
        assert info.value.code == "required"
        out = services_awards.quote_disqualify(
            actor=buyer, number=quotation.number, quote_id=quotes[1].pk, reasons="参数不符合要求"
        )
    assert (out.state, out.reasons, out.decided_at) == (
        QuoteState.DISQUALIFIED,
        "参数不符合要求",
        DAY1,
    )
    event = Event.objects.get(
        object_type="trading.quote", object_id=str(out.pk), action="quote.disqualified"
    )
    assert event.actor_id == buyer.pk and event.after["reasons"] == "参数不符合要求"
    awarded = _award(market, quotation)
    assert awarded.pk == quotes[2].pk


def test_disqualifying_every_quote_fails_the_quotation_and_releases_the_reserve() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    with time_machine.travel(DAY1, tick=False):
        for quote in (quotes[1], quotes[2], quotes[0]):
            services_awards.quote_disqualify(
                actor=market.unit.buyer, number=quotation.number, quote_id=quote.pk, reasons="不符"
            )
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.FAILED
    assert quotation.reserved_amount == Decimal("0.00")
    assert quotation.result_published_at == DAY1
    assert FundingSource.objects.get(pk=market.unit.source.pk).reserved == Decimal("0.00")


def test_confirmation_creates_the_order_and_contract_and_moves_the_reservation() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    _award(market, quotation)
    winner = market.sellers[1]
    when = DAY1 + timedelta(hours=10)
    with time_machine.travel(when, tick=False):
        order = services_awards.quote_confirm_award(actor=winner.admin, number=quotation.number)
    order.refresh_from_db()
    assert (order.source, order.state, order.quotation_id) == (
        "quotation",
        "confirmed",
        quotation.pk,
    )
    assert order.supplier_id == winner.supplier.pk and order.purchaser_id == market.unit.org.pk
    assert order.total == Decimal("45000.00")
    assert order.reserved_amount == Decimal("45000.00")
    assert order.confirmed_at == when
    assert order.sme_declaration["size"] == "small"
    line = order.lines.get()
    assert (line.listing_id, line.quantity, line.unit_price, line.amount) == (
        winner.listing.pk,
        10,
        Decimal("4500.00"),
        Decimal("45000.00"),
    )
    assert line.snapshot["listing"] == winner.listing.number
    assert line.snapshot["quotation"] == {"number": quotation.number, "rank": 1}
    # Stock is not taken for a quotation order.
    assert Listing.objects.get(pk=winner.listing.pk).stock == 5
    source = FundingSource.objects.get(pk=market.unit.source.pk)
    assert source.reserved == Decimal("45000.00")
    kinds = list(FundMovement.objects.order_by("id").values_list("kind", "amount", "order_id"))
    assert kinds == [
        ("reserve", Decimal("60000.00"), None),
        ("release", Decimal("-60000.00"), None),
        ("reserve", Decimal("45000.00"), order.pk),
    ]
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.AWARDED
    assert (quotation.reserved_amount, quotation.finished_at, quotation.result_published_at) == (
        Decimal("0.00"),
        when,
        when,
    )
    assert Quote.objects.get(pk=quotes[1].pk).state == QuoteState.WON
    contract = Contract.objects.get(order=order)
    assert contract.state == "awaiting_signatures" and contract.total == Decimal("45000.00")
    assert Event.objects.filter(object_type="trading.order", action="order.confirmed").count() == 1


def test_only_the_awarded_supplier_confirms_and_not_after_the_window() -> None:
    market, quotation, _quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    _award(market, quotation)
    with time_machine.travel(DAY1 + timedelta(hours=1), tick=False):
        with pytest.raises(DomainError) as info:
            services_awards.quote_confirm_award(
                actor=market.sellers[0].admin, number=quotation.number
            )
        assert info.value.code == "no_award"
        with pytest.raises(PermissionDenied):
            services_awards.quote_confirm_award(actor=market.unit.buyer, number=quotation.number)
    with time_machine.travel(DAY1 + timedelta(hours=72, seconds=1), tick=False):
        with pytest.raises(DomainError) as info:
            services_awards.quote_confirm_award(
                actor=market.sellers[1].admin, number=quotation.number
            )
        assert info.value.code == "confirm_window_closed"
    assert Order.objects.count() == 0


def test_decline_passes_the_award_to_the_next_quote() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    _award(market, quotation)
    when = DAY1 + timedelta(hours=3)
    with time_machine.travel(when, tick=False):
        declined = services_awards.quote_decline_award(
            actor=market.sellers[1].admin, number=quotation.number, reason="无法按期供货"
        )
    assert declined.state == QuoteState.DECLINED
    nxt = Quote.objects.get(pk=quotes[2].pk)
    assert nxt.state == QuoteState.AWARDED
    assert nxt.confirm_deadline == when + timedelta(hours=72)
    assert Notification.objects.filter(
        verb="quotation_awarded", recipient=market.sellers[2].admin
    ).exists()


def test_lapse_after_72_hours_passes_on_and_the_last_one_fails() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    _award(market, quotation)
    with time_machine.travel(DAY1 + timedelta(hours=72), tick=False):
        assert services_awards.award_lapse_job() == "quotation awards lapsed: 0"
    t1 = DAY1 + timedelta(hours=72, minutes=1)
    with time_machine.travel(t1, tick=False):
        assert services_awards.award_lapse_job() == "quotation awards lapsed: 1"
        assert services_awards.award_lapse_job() == "quotation awards lapsed: 0"
    assert Quote.objects.get(pk=quotes[1].pk).state == QuoteState.LAPSED
    second = Quote.objects.get(pk=quotes[2].pk)
    assert (second.state, second.confirm_deadline) == (QuoteState.AWARDED, t1 + timedelta(hours=72))
    t2 = t1 + timedelta(hours=73)
    with time_machine.travel(t2, tick=False):
        services_awards.award_lapse_job()
    third = Quote.objects.get(pk=quotes[0].pk)
    assert third.state == QuoteState.AWARDED
    with time_machine.travel(t2 + timedelta(hours=73), tick=False):
        services_awards.award_lapse_job()
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.FAILED
    assert quotation.reserved_amount == Decimal("0.00")
    assert FundingSource.objects.get(pk=market.unit.source.pk).reserved == Decimal("0.00")
    assert set(Quote.objects.filter(quotation=quotation).values_list("state", flat=True)) == {
        QuoteState.LAPSED
    }


def test_overdue_award_is_notified_once() -> None:
    market, quotation, _quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    assert quotation.award_deadline == at("2026-11-23 23:59:59")
    with time_machine.travel(at("2026-11-23 23:59:59"), tick=False):
        assert services_awards.award_overdue_job().endswith(": 0")
    with time_machine.travel(at("2026-11-24 00:00:00"), tick=False):
        assert services_awards.award_overdue_job().endswith(": 1")
        assert services_awards.award_overdue_job().endswith(": 0")
    notes = Notification.objects.filter(verb="quotation_award_overdue")
    assert [n.recipient_id for n in notes] == [market.unit.buyer.pk]
    assert Event.objects.filter(action="quotation.award_overdue_notified").count() == 1


def test_award_by_others_is_refused() -> None:
    market, quotation, _quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    with time_machine.travel(DAY1, tick=False):
        with pytest.raises(PermissionDenied):
            services_awards.quote_award(actor=market.unit.approver, number=quotation.number)
        with pytest.raises(PermissionDenied):
            services_awards.quote_award(actor=market.sellers[0].admin, number=quotation.number)
        with pytest.raises(NotFound):
            services_awards.quote_award(actor=None, number=quotation.number)
    assert not Quote.objects.filter(state=QuoteState.AWARDED).exists()


def test_recompute_moves_the_award_deadline_when_the_calendar_changes() -> None:
    from govmall.core.models import CalendarOverride

    _market, quotation, _quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    CalendarOverride.objects.create(date=at("2026-11-20 00:00").date(), is_working=False)
    assert services_quotations.recompute_award_deadlines({2026}, None) == 1
    quotation.refresh_from_db()
    assert quotation.award_deadline == at("2026-11-24 23:59:59")
    assert services_quotations.recompute_award_deadlines({2026}, None) == 0
