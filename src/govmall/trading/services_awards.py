"""The award after opening: the purchaser awards the lowest remaining valid quote or disqualifies
it with reasons; the winner confirms within WINNER_CONFIRM_HOURS or declines; a lapsed or
declined award passes to the next valid quote; with none left the quotation fails (流标).

Only the current lowest valid quote can be awarded or disqualified, and only while no award
awaits the winner's answer: the order of the ranking is the rule, not the purchaser's choice.
The winner's confirmation creates the order (source=quotation, CONFIRMED) and its contract.
Stock is not taken for a quotation order: the supplier commits to deliver the requested quantity
by the delivery date, and the listing's stock is the catalogue's ready-stock figure for direct
purchase (a quote may exceed it); so returns of such orders restore no stock either.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.catalog.models import ListingState
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError, NotFound
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.core.text import clean_text
from govmall.trading import config, funds, states
from govmall.trading import quotation_eligibility as elig
from govmall.trading.access import quotation_for_actor, require_supplier
from govmall.trading.models import (
    Order,
    OrderLine,
    OrderSource,
    OrderState,
    Quotation,
    QuotationState,
    Quote,
    QuoteState,
)
from govmall.trading.order_snapshot import line_snapshot, passing_reviews
from govmall.trading.services_quotations import (
    detail_link,
    invited_users,
    lock,
    release_for_quotation,
    require_unit_buyer,
)


def _fmt(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _pending_offer(quotation: Quotation) -> Quote | None:
    return quotation.quotes.filter(state=QuoteState.AWARDED).first()


def _lowest_valid(quotation: Quotation) -> Quote | None:
    return (
        Quote.objects.select_for_update(of=("self",))
        .select_related("supplier__organisation")
        .filter(quotation=quotation, state=QuoteState.VALID)
        .order_by("rank", "id")
        .first()
    )


def _require_evaluating(quotation: Quotation) -> None:
    if quotation.state != QuotationState.EVALUATING:
        raise DomainError(
            "not_evaluating",
            _("Awards are made only after opening, while the quotation is being evaluated."),
            status=409,
            state=quotation.state,
        )
    if _pending_offer(quotation) is not None:
        raise DomainError(
            "award_pending",
            _("The award awaits the winner's confirmation."),
            status=409,
        )


def _offer(quotation: Quotation, quote: Quote, *, actor: User | None, now: datetime) -> Quote:
    """Award `quote` (the lowest valid one): the supplier confirms within the window."""
    quote.awarded_at = now
    quote.confirm_deadline = now + timedelta(hours=config.get("WINNER_CONFIRM_HOURS"))
    states.advance(
        quote,
        QuoteState.AWARDED,
        actor=actor,
        organisation=quotation.purchaser,
        fields=["awarded_at", "confirm_deadline"],
        after={"confirm_deadline": quote.confirm_deadline, "rank": quote.rank},
    )
    quotation.awarded_quote = quote
    quotation.save(update_fields=["awarded_quote"])
    record_event(
        obj=quotation,
        action="quotation.award_offered",
        actor=actor,
        organisation=quotation.purchaser,
        after={
            "quote": quote.pk,
            "supplier": quote.supplier.organisation.name,
            "rank": quote.rank,
            "total": quote.total,
            "confirm_deadline": quote.confirm_deadline,
        },
    )
    notify(
        elig.supplier_users([quote.supplier_id]),
        verb="quotation_awarded",
        message=_("Your quote on %(number)s was awarded: confirm by %(at)s.")
        % {"number": quotation.number, "at": _fmt(quote.confirm_deadline)},
        link=detail_link(quotation),
    )
    return quote


def _fail(quotation: Quotation, *, actor: User | None, now: datetime, why: str) -> None:
    """No valid quote left to award: the quotation fails and its reserve is released."""
    released = release_for_quotation(quotation, actor=actor)
    quotation.finished_at = now
    quotation.result_published_at = now
    quotation.awarded_quote = None
    states.advance(
        quotation,
        QuotationState.FAILED,
        actor=actor,
        organisation=quotation.purchaser,
        fields=["finished_at", "result_published_at", "awarded_quote"],
        after={"why": why, "released": released},
    )
    notify(
        [*elig.unit_buyers(quotation.purchaser_id), *invited_users(quotation)],
        verb="quotation_failed",
        message=_("Quotation %(number)s “%(title)s” failed: no valid quote is left to award.")
        % {"number": quotation.number, "title": quotation.title},
        link=detail_link(quotation),
    )


def _pass_on(quotation: Quotation, *, actor: User | None, now: datetime) -> Quote | None:
    """Offer the award to the next valid quote, or fail the quotation."""
    nxt = _lowest_valid(quotation)
    if nxt is None:
        _fail(quotation, actor=actor, now=now, why="no_valid_quote_left")
        return None
    return _offer(quotation, nxt, actor=actor, now=now)


# --- the purchaser ---------------------------------------------------------------------------


def quote_award(*, actor: User | None, number: Any) -> Quote:
    """Award the lowest remaining valid quote."""
    with transaction.atomic():
        user, quotation = require_unit_buyer(actor, number)
        _require_evaluating(quotation)
        lowest = _lowest_valid(quotation)
        if lowest is None:
            raise DomainError("no_valid_quote", _("No valid quote is left."), status=409)
        return _offer(quotation, lowest, actor=user, now=timezone.now())


def quote_disqualify(*, actor: User | None, number: Any, quote_id: Any, reasons: Any) -> Quote:
    """Disqualify the lowest remaining valid quote (not compliant) with reasons; the next one
    becomes the lowest for the purchaser to award or disqualify; none left → failed."""
    reasons_text = clean_text(reasons, field="reasons", limit=elig.REASONS_LIMIT)
    pk = elig.parse_id(quote_id, field="quote_id")
    with transaction.atomic():
        user, quotation = require_unit_buyer(actor, number)
        _require_evaluating(quotation)
        quote = quotation.quotes.filter(pk=pk).first()
        if quote is None:
            raise NotFound()
        lowest = _lowest_valid(quotation)
        if lowest is None or lowest.pk != quote.pk:
            raise DomainError(
                "not_lowest",
                _("Only the lowest remaining valid quote can be disqualified."),
                status=409,
                field="quote_id",
            )
        now = timezone.now()
        lowest.reasons = reasons_text
        lowest.decided_at = now
        states.advance(
            lowest,
            QuoteState.DISQUALIFIED,
            actor=user,
            fields=["reasons", "decided_at"],
            after={"reasons": reasons_text},
        )
        notify(
            elig.supplier_users([lowest.supplier_id]),
            verb="quote_disqualified",
            message=_("Your quote on %(number)s was disqualified: %(reasons)s")
            % {"number": quotation.number, "reasons": reasons_text},
            link=detail_link(quotation),
        )
        if _lowest_valid(quotation) is None:
            _fail(quotation, actor=user, now=now, why="no_valid_quote_left")
        return lowest


# --- the winner ------------------------------------------------------------------------------


def _own_offer(actor: User | None, number: Any) -> tuple[User, Quotation, Quote]:
    text = number if isinstance(number, str) else ""
    found = quotation_for_actor(actor, text[:24])
    supplier = require_supplier(actor)
    assert actor is not None
    quotation = lock(found.number)
    quote = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("supplier__organisation", "listing__category")
        .filter(quotation=quotation, supplier=supplier, state=QuoteState.AWARDED)
        .first()
    )
    if quote is None:
        raise DomainError("no_award", _("You have no award to answer here."), status=409)
    return actor, quotation, quote


def quote_confirm_award(*, actor: User | None, number: Any) -> Order:
    """The winner accepts within the window: quote WON, quotation AWARDED, the order (and its
    contract) made, the reservation moved from the quotation to the order."""
    with transaction.atomic():
        user, quotation, quote = _own_offer(actor, number)
        now = timezone.now()
        assert quote.confirm_deadline is not None
        if now > quote.confirm_deadline:
            raise DomainError(
                "confirm_window_closed",
                _("The time to confirm this award has run out."),
                status=409,
            )
        elig.require_may_trade(quote.supplier)
        listing = quote.listing
        if listing is None or listing.state != ListingState.LISTED:
            raise DomainError(
                "listing_not_listed",
                _("The quoted product is no longer listed: decline the award instead."),
                status=409,
            )
        quote.decided_at = now
        states.advance(quote, QuoteState.WON, actor=user, fields=["decided_at"])
        order = _create_order(quotation, quote, actor=user, now=now)
        quotation.finished_at = now
        quotation.result_published_at = now
        states.advance(
            quotation,
            QuotationState.AWARDED,
            actor=user,
            organisation=quotation.purchaser,
            fields=["finished_at", "result_published_at"],
            after={
                "quote": quote.pk,
                "supplier": quote.supplier.organisation.name,
                "total": quote.total,
                "order": order.number,
            },
        )
        from govmall.trading.services_contracts import contract_generate

        contract_generate(order=order, actor=user)
        notify(
            elig.unit_buyers(quotation.purchaser_id),
            verb="quotation_award_confirmed",
            message=_("%(supplier)s confirmed the award of %(number)s: order %(order)s.")
            % {
                "supplier": quote.supplier.organisation.name,
                "number": quotation.number,
                "order": order.number,
            },
            link=detail_link(quotation),
        )
    return order


def _create_order(quotation: Quotation, quote: Quote, *, actor: User, now: datetime) -> Order:
    listing = quote.listing
    assert listing is not None
    order = Order.objects.create(
        number=next_number("ORD"),
        source=OrderSource.QUOTATION,
        state=OrderState.CONFIRMED,
        purchaser_id=quotation.purchaser_id,
        buyer_id=quotation.buyer_id,
        supplier=quote.supplier,
        funding_source_id=quotation.funding_source_id,
        quotation=quotation,
        total=quote.total,
        reserved_amount=0,
        sme_declaration=quote.sme_declaration,
        delivery_division_id=quotation.delivery_division_id,
        delivery_address=quotation.delivery_address,
        required_by=quotation.delivery_date,
        note=quotation.title,
        created_at=now,
        placed_at=now,
        confirmed_at=now,
    )
    snapshot = line_snapshot(listing, passing_reviews([listing.pk]).get(listing.pk))
    snapshot["quotation"] = {"number": quotation.number, "rank": quote.rank}
    OrderLine.objects.create(
        order=order,
        listing=listing,
        quantity=quotation.quantity,
        unit_price=quote.unit_price,
        amount=quote.total,
        snapshot=snapshot,
    )
    released = release_for_quotation(quotation, actor=actor)
    funds.reserve(quotation.funding_source_id, quote.total, order=order, actor=actor)
    order.reserved_amount = quote.total
    order.save(update_fields=["reserved_amount"])
    record_event(
        obj=order,
        action="order.confirmed",
        actor=actor,
        after={
            "state": order.state,
            "source": order.source,
            "quotation": quotation.number,
            "total": order.total,
            "reserved": order.reserved_amount,
            "quotation_released": released,
        },
    )
    return order


def quote_decline_award(*, actor: User | None, number: Any, reason: Any = "") -> Quote:
    """The winner turns the award down; it passes to the next valid quote."""
    reason_text = clean_text(reason, field="reason", limit=elig.REASONS_LIMIT, required=False)
    with transaction.atomic():
        user, quotation, quote = _own_offer(actor, number)
        now = timezone.now()
        quote.decided_at = now
        quote.reasons = reason_text
        states.advance(
            quote,
            QuoteState.DECLINED,
            actor=user,
            fields=["decided_at", "reasons"],
            after={"reason": reason_text},
        )
        _pass_on(quotation, actor=user, now=now)
    return quote


# --- time ------------------------------------------------------------------------------------


def award_lapse_job() -> str:
    """Tick: awards not confirmed within the window lapse and pass on (idempotent)."""
    now = timezone.now()
    ids = list(
        Quote.objects.filter(state=QuoteState.AWARDED, confirm_deadline__lt=now)
        .order_by("confirm_deadline", "id")
        .values_list("pk", "quotation_id")[:500]
    )
    lapsed = 0
    for quote_id, quotation_id in ids:
        with transaction.atomic():
            quotation = Quotation.objects.select_for_update(of=("self",)).get(pk=quotation_id)
            quote = (
                Quote.objects.select_for_update(of=("self",))
                .filter(pk=quote_id, state=QuoteState.AWARDED, confirm_deadline__lt=now)
                .first()
            )
            if quote is None:
                continue
            quote.decided_at = now
            states.advance(quote, QuoteState.LAPSED, actor=None, fields=["decided_at"])
            notify(
                elig.supplier_users([quote.supplier_id]),
                verb="quotation_award_lapsed",
                message=_("Your award on %(number)s lapsed: it was not confirmed in time.")
                % {"number": quotation.number},
                link=detail_link(quotation),
            )
            _pass_on(quotation, actor=None, now=now)
            lapsed += 1
    return f"quotation awards lapsed: {lapsed}"


def award_overdue_job() -> str:
    """Tick: tell the buyers once when the award deadline has passed and nothing was awarded."""
    from govmall.trading.overdue import notify_once

    now = timezone.now()
    overdue = (
        Quotation.objects.filter(state=QuotationState.EVALUATING, award_deadline__lt=now)
        .exclude(quotes__state=QuoteState.AWARDED)
        .order_by("award_deadline", "id")
    )
    notified = 0
    for quotation in overdue[:500]:
        assert quotation.award_deadline is not None
        with transaction.atomic():
            if notify_once(
                quotation,
                action="quotation.award_overdue_notified",
                key=quotation.award_deadline.isoformat(),
                deadline=quotation.award_deadline,
                recipients=elig.unit_buyers(quotation.purchaser_id),
                verb="quotation_award_overdue",
                message=_("The award of %(number)s was due by %(at)s.")
                % {"number": quotation.number, "at": _fmt(quotation.award_deadline)},
                link=detail_link(quotation),
                organisation=quotation.purchaser,
            ):
                notified += 1
    return f"quotation awards overdue, newly notified: {notified}"
