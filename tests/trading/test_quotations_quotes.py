"""Sealed quotes: who may quote, the ceiling, closing time, revisions, the commitment trail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.catalog.models import Listing
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.suppliers.models import Supplier
from govmall.trading import sealing, services_quotes
from govmall.trading.models import Quote, QuoteState
from tests.factories import make_user
from tests.trading.factories import make_seller
from tests.trading.test_quotations_support import (
    CLOSES,
    T0,
    make_market,
    publish,
    quote_at,
)

pytestmark = pytest.mark.django_db

H1 = T0 + timedelta(hours=1)


def _state() -> tuple[int, int, list[tuple]]:
    return (
        Quote.objects.count(),
        Event.objects.count(),
        list(Quote.objects.order_by("id").values_list("unit_price", "revision", "commitment")),
    )


def _refused(seller, quotation, price, code, *, when=H1, listing=None, actor=None):
    before = _state()
    with time_machine.travel(when, tick=False), pytest.raises(DomainError) as info:
        services_quotes.quote_submit(
            actor=actor or seller.admin,
            number=quotation.number,
            unit_price=price,
            listing_number=listing if listing is not None else seller.listing.number,
        )
    assert info.value.code == code, info.value.message
    assert _state() == before
    return info.value


def test_first_quote_is_sealed_with_a_commitment_and_an_event_without_the_price() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    quote = quote_at(H1, seller, quotation, "5432.10")

    assert quote.state == QuoteState.SEALED
    assert (quote.unit_price, quote.total, quote.revision) == (
        Decimal("5432.10"),
        Decimal("54321.00"),
        1,
    )
    assert quote.submitted_at == H1
    assert quote.listing == seller.listing
    assert quote.sme_declaration["size"] == "small"
    assert quote.commitment == sealing.commitment(
        salt=quote.salt,
        quotation_number=quotation.number,
        credit_code=seller.supplier.credit_code,
        total=Decimal("54321.00"),
        unit_price=Decimal("5432.10"),
    )
    event = Event.objects.get(object_type="trading.quote", object_id=str(quote.pk))
    assert event.action == "quote.submitted"
    assert set(event.after) == {"commitment", "revision", "submitted_at"}
    assert event.after["commitment"] == quote.commitment
    assert event.before == {}
    text = f"{event.before}{event.after}"
    for secret in ("5432", "54321", quote.salt, seller.listing.number):
        assert secret not in text
    # Nothing was written on the quotation itself.
    assert (
        not Event.objects.filter(object_type="trading.quotation", object_id=str(quotation.pk))
        .exclude(action="quotation.published")
        .exists()
    )


def test_a_revision_overwrites_the_quote_with_a_new_salt_and_time() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    first = quote_at(H1, seller, quotation, "5000.00")
    old_salt, old_commitment = first.salt, first.commitment
    later = H1 + timedelta(hours=2)
    second = quote_at(later, seller, quotation, "4800.00")

    assert second.pk == first.pk
    assert Quote.objects.filter(quotation=quotation).count() == 1
    assert (second.revision, second.unit_price, second.total) == (
        2,
        Decimal("4800.00"),
        Decimal("48000.00"),
    )
    assert second.submitted_at == later
    assert second.salt != old_salt and second.commitment != old_commitment
    events = list(
        Event.objects.filter(object_type="trading.quote", object_id=str(first.pk)).order_by("seq")
    )
    assert [e.action for e in events] == ["quote.submitted", "quote.revised"]
    assert events[1].after["revision"] == 2
    assert events[1].after["commitment"] == second.commitment
    assert set(events[1].after) == {"commitment", "revision", "submitted_at"}


def test_above_the_ceiling_is_refused_and_nothing_changes() -> None:
    market = make_market(3)
    quotation = publish(market)  # ceiling 60,000 for 10
    seller = market.sellers[0]
    _refused(seller, quotation, "6000.01", "over_ceiling")
    quote_at(H1, seller, quotation, "6000.00")  # exactly the ceiling is allowed
    error = _refused(seller, quotation, "6100.00", "over_ceiling")
    assert error.field == "unit_price"
    assert Quote.objects.get().unit_price == Decimal("6000.00")


def test_late_is_refused_and_nothing_changes() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    quote_at(H1, seller, quotation, "5000.00")
    _refused(seller, quotation, "4000.00", "quotation_closed", when=CLOSES)
    _refused(market.sellers[1], quotation, "4000.00", "quotation_closed", when=CLOSES)
    assert Quote.objects.get().unit_price == Decimal("5000.00")


def test_bad_prices_and_listings_are_refused() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    for price in ("0", "-5", "abc", "12.345", None, True):
        _refused(seller, quotation, price, "invalid_amount")
    _refused(seller, quotation, "100", "invalid_listing", listing="")
    _refused(seller, quotation, "100", "invalid_listing", listing=market.sellers[1].listing.number)
    outside = make_seller()
    _refused(seller, quotation, "100", "invalid_listing", listing=outside.listing.number)
    Listing.objects.filter(pk=seller.listing.pk).update(state="delisted")
    _refused(seller, quotation, "100", "invalid_listing")


def test_only_invited_suppliers_quote_others_get_404() -> None:
    market = make_market(3)
    quotation = publish(market)
    late_comer = make_seller(category=market.sellers[0].category)  # listed after publication
    with time_machine.travel(H1, tick=False):
        with pytest.raises(NotFound):
            services_quotes.quote_submit(
                actor=late_comer.admin,
                number=quotation.number,
                unit_price="100",
                listing_number=late_comer.listing.number,
            )
        with pytest.raises(NotFound):
            services_quotes.quote_submit(
                actor=market.sellers[0].admin,
                number="QUO-2026-999999",
                unit_price="100",
                listing_number=market.sellers[0].listing.number,
            )
        for actor in (market.unit.buyer, make_user("operator_admin")):
            with pytest.raises(PermissionDenied):
                services_quotes.quote_submit(
                    actor=actor, number=quotation.number, unit_price="100", listing_number="x"
                )
    assert Quote.objects.count() == 0


def test_the_gate_is_checked_at_submission() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    Supplier.objects.filter(pk=seller.supplier.pk).update(status="pending")
    error = _refused(seller, quotation, "100", "supplier_cannot_trade")
    assert "supplier_not_active" in error.details["blockers"]


def test_staff_of_the_supplier_may_quote_for_it() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    staff = make_user("supplier_staff", org=seller.supplier.organisation)
    with time_machine.travel(H1, tick=False):
        quote = services_quotes.quote_submit(
            actor=staff,
            number=quotation.number,
            unit_price="100.00",
            listing_number=seller.listing.number,
        )
    assert quote.submitted_by == staff
