"""Closing: opening every sealed quote, validity, ranking and ties, failure (流标), relaunch."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.catalog.models import Listing
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.suppliers.models import Supplier
from govmall.trading import sealing, services_quotations, services_quotes
from govmall.trading.models import FundingSource, Quotation, QuotationState, Quote, QuoteState
from tests.trading.test_quotations_support import (
    AFTER_CLOSE,
    CLOSES,
    T0,
    at,
    close,
    make_market,
    opened_market,
    publish,
    quote_at,
)

pytestmark = pytest.mark.django_db


def test_nothing_opens_before_the_closing_time_and_the_job_is_idempotent() -> None:
    market, quotation = None, None
    market = make_market(3)
    quotation = publish(market)
    for i, seller in enumerate(market.sellers):
        quote_at(T0 + timedelta(hours=1 + i), seller, quotation, f"{5000 - i * 100}.00")
    with time_machine.travel(CLOSES - timedelta(seconds=1), tick=False):
        assert services_quotes.quotation_close_job() == ("quotations opened: 0 to award, 0 failed")
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.PUBLISHED and quotation.opened_at is None
    with time_machine.travel(CLOSES, tick=False):
        assert services_quotes.quotation_close_job() == ("quotations opened: 1 to award, 0 failed")
        assert services_quotes.quotation_close_job() == ("quotations opened: 0 to award, 0 failed")


def test_opening_reveals_each_quote_verifiably_and_ranks_by_total() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    assert quotation.state == QuotationState.EVALUATING
    assert quotation.opened_at == AFTER_CLOSE
    assert quotation.valid_quotes == 3
    # Two working days after closing (Thursday) end on Monday 23:59:59.
    assert quotation.award_deadline == at("2026-11-23 23:59:59")
    assert [q.rank for q in quotes] == [3, 1, 2]
    assert all(q.state == QuoteState.VALID for q in quotes)
    for quote in quotes:
        event = Event.objects.get(
            object_type="trading.quote", object_id=str(quote.pk), action="quote.valid"
        )
        after = event.after
        assert after["unit_price"] == str(quote.unit_price)
        assert after["total"] == str(quote.total)
        assert after["salt"] == quote.salt
        submitted = Event.objects.get(
            object_type="trading.quote", object_id=str(quote.pk), action="quote.submitted"
        )
        # Anyone can recompute the commitment recorded before closing from the opened values.
        assert submitted.after["commitment"] == sealing.commitment(
            salt=after["salt"],
            quotation_number=quotation.number,
            credit_code=quote.supplier.credit_code,
            total=Decimal(after["total"]),
            unit_price=Decimal(after["unit_price"]),
        )
    opened = Event.objects.get(object_type="trading.quotation", action="quotation.evaluating")
    assert [r["total"] for r in opened.after["ranking"]] == ["45000.00", "48000.00", "50000.00"]
    notes = Notification.objects.filter(verb="quotation_opened", recipient=market.unit.buyer)
    assert notes.count() == 1


def test_a_tie_goes_to_the_earliest_final_quote_and_a_revision_counts_its_own_time() -> None:
    market = make_market(4)
    quotation = publish(market)
    a, b, c, d = market.sellers
    qa = quote_at(T0 + timedelta(hours=1), a, quotation, "4000.00")
    qb = quote_at(T0 + timedelta(hours=2), b, quotation, "4000.00")
    qc = quote_at(T0 + timedelta(hours=3), c, quotation, "4200.00")
    quote_at(T0 + timedelta(hours=4), d, quotation, "4100.00")
    # a revises to the same price later: its final quote is now later than b's.
    quote_at(T0 + timedelta(hours=5), a, quotation, "4000.00")
    # c revises below everyone: the last quote counts.
    quote_at(T0 + timedelta(hours=6), c, quotation, "3900.00")
    close(quotation)
    ranks = {q.supplier_id: q.rank for q in Quote.objects.filter(quotation=quotation)}
    assert ranks == {c.supplier.pk: 1, b.supplier.pk: 2, a.supplier.pk: 3, d.supplier.pk: 4}
    qc.refresh_from_db()
    assert (qc.unit_price, qc.revision) == (Decimal("3900.00"), 2)
    assert qa.pk and qb.pk


def test_fewer_than_three_valid_quotes_fail_and_release_the_reserve() -> None:
    market = make_market(3)
    quotation = publish(market)
    quote_at(T0 + timedelta(hours=1), market.sellers[0], quotation, "5000.00")
    quote_at(T0 + timedelta(hours=2), market.sellers[1], quotation, "5100.00")
    quote_at(T0 + timedelta(hours=3), market.sellers[2], quotation, "5200.00")
    # One of the three is delisted before closing: it opens as invalid.
    Listing.objects.filter(pk=market.sellers[2].listing.pk).update(state="delisted")
    close(quotation)
    assert quotation.state == QuotationState.FAILED
    assert quotation.valid_quotes == 2
    assert quotation.reserved_amount == Decimal("0.00")
    assert quotation.result_published_at == AFTER_CLOSE
    assert FundingSource.objects.get(pk=market.unit.source.pk).reserved == Decimal("0.00")
    invalid = Quote.objects.get(supplier=market.sellers[2].supplier)
    assert (invalid.state, invalid.reasons, invalid.rank) == (
        QuoteState.INVALID,
        "listing_not_listed",
        None,
    )
    event = Event.objects.get(
        object_type="trading.quote", object_id=str(invalid.pk), action="quote.invalid"
    )
    assert event.after["unit_price"] == "5200.00" and event.after["reason"] == "listing_not_listed"
    recipients = set(
        Notification.objects.filter(verb="quotation_failed").values_list("recipient", flat=True)
    )
    assert recipients == {market.unit.buyer.pk, *(s.admin.pk for s in market.sellers)}


def test_a_supplier_failing_the_gate_at_opening_is_invalid() -> None:
    market = make_market(4)
    quotation = publish(market)
    for i, seller in enumerate(market.sellers):
        quote_at(T0 + timedelta(hours=1 + i), seller, quotation, f"{5000 + i}.00")
    Supplier.objects.filter(pk=market.sellers[0].supplier.pk).update(status="pending")
    close(quotation)
    assert quotation.state == QuotationState.EVALUATING and quotation.valid_quotes == 3
    bad = Quote.objects.get(supplier=market.sellers[0].supplier)
    assert bad.state == QuoteState.INVALID
    assert bad.reasons.startswith("supplier_cannot_trade")


def test_no_quotes_at_all_fails() -> None:
    market = make_market(3)
    quotation = close(publish(market))
    assert (quotation.state, quotation.valid_quotes) == (QuotationState.FAILED, 0)


def test_relaunch_copies_the_request_into_a_new_quotation() -> None:
    market = make_market(3)
    failed = close(publish(market))
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        new = services_quotations.quotation_relaunch(
            actor=market.unit.buyer,
            number=failed.number,
            closes_at="2026-11-26T10:00:00+08:00",
            delivery_date="2026-12-10",
        )
    assert new.number != failed.number and new.relaunch_of == failed
    assert new.state == QuotationState.PUBLISHED
    for field in (
        "title",
        "requirements",
        "required_attributes",
        "quantity",
        "unit",
        "ceiling_total",
    ):
        assert getattr(new, field) == getattr(failed, field)
    assert new.closes_at == at("2026-11-26 10:00").astimezone(TZ)
    assert new.reserved_amount == Decimal("60000.00")
    assert FundingSource.objects.get(pk=market.unit.source.pk).reserved == Decimal("60000.00")
    assert new.invitations.count() == 3
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=2), tick=False):
        with pytest.raises(DomainError) as info:
            services_quotations.quotation_relaunch(
                actor=market.unit.buyer,
                number=failed.number,
                closes_at="2026-11-26T10:00:00+08:00",
            )
        assert info.value.code == "already_relaunched"
        with pytest.raises(DomainError) as info:
            services_quotations.quotation_relaunch(
                actor=market.unit.buyer, number=new.number, closes_at="2026-11-26T10:00:00+08:00"
            )
        assert info.value.code == "not_failed"
    assert Quotation.objects.count() == 2
