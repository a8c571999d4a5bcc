"""Sealed quotes: submitting (and revising) one, and opening them all at closing (the tick job
`quotation_close_job`).

A quote's price lives in its row, read by nobody but the quoting supplier before opening; its
events ("quote.submitted", "quote.revised") carry only the commitment, the revision number and
the submission time. At opening each quote's event ("quote.valid" / "quote.invalid") reveals
price, salt and commitment, so anyone can recompute `sealing.commitment` and check that the
opened price is the one committed to before closing (ADR 0007).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.catalog.models import Listing, ListingState
from govmall.core.calendar import add_working_days
from govmall.core.errors import DomainError, NotFound
from govmall.core.notify import notify
from govmall.core.text import clean_text
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Supplier
from govmall.trading import config, sealing, states
from govmall.trading import quotation_eligibility as elig
from govmall.trading.access import require_supplier
from govmall.trading.models import Quotation, QuotationState, Quote, QuoteState
from govmall.trading.order_snapshot import sme_declaration
from govmall.trading.services_quotations import detail_link, release_for_quotation

CENT = Decimal("0.01")


def _listing(supplier: Supplier, number: Any, quotation: Quotation) -> Listing:
    text = number.strip() if isinstance(number, str) else ""
    listing = (
        Listing.objects.select_related("category")
        .filter(number=text[:30], supplier=supplier, state=ListingState.LISTED)
        .first()
        if text
        else None
    )
    if listing is None or not elig.in_subtree(listing.category, quotation.category):
        raise DomainError(
            "invalid_listing",
            _("Choose one of your listed products in the requested category."),
            field="listing_number",
        )
    return listing


def quote_submit(
    *, actor: User | None, number: Any, unit_price: Any, listing_number: Any, note: Any = ""
) -> Quote:
    """Submit or revise the supplier's sealed quote; the last one before closing counts."""
    supplier = require_supplier(actor)
    assert actor is not None
    text = number if isinstance(number, str) else ""
    with transaction.atomic():
        quotation = (
            Quotation.objects.select_for_update(of=("self",))
            .select_related("category")
            .filter(number=text[:24])
            .first()
        )
        if quotation is None or not quotation.invitations.filter(supplier=supplier).exists():
            raise NotFound()
        now = timezone.now()
        if quotation.state != QuotationState.PUBLISHED or (
            quotation.closes_at is not None and now >= quotation.closes_at
        ):
            raise DomainError(
                "quotation_closed", _("The quotation is closed for quotes."), status=409
            )
        elig.require_may_trade(supplier)
        price = elig.parse_amount(unit_price, field="unit_price")
        total = (price * quotation.quantity).quantize(CENT)
        if total > quotation.ceiling_total:
            raise DomainError(
                "over_ceiling",
                _("The total %(total)s is above the ceiling of this quotation.")
                % {"total": f"{total:,.2f}"},
                field="unit_price",
            )
        listing = _listing(supplier, listing_number, quotation)
        note_text = clean_text(note, field="note", limit=elig.NOTE_LIMIT, required=False)
        salt = sealing.new_salt()
        digest = sealing.commitment(
            salt=salt,
            quotation_number=quotation.number,
            credit_code=supplier.credit_code,
            total=total,
            unit_price=price,
        )
        quote = (
            Quote.objects.select_for_update(of=("self",))
            .filter(quotation=quotation, supplier=supplier)
            .first()
        )
        values = {
            "unit_price": price,
            "total": total,
            "listing": listing,
            "note": note_text,
            "sme_declaration": sme_declaration(supplier, now),
            "salt": salt,
            "commitment": digest,
            "submitted_at": now,
            "submitted_by": actor,
        }
        if quote is None:
            quote = Quote.objects.create(
                quotation=quotation, supplier=supplier, state=QuoteState.SEALED, **values
            )
            action = "quote.submitted"
        else:
            for field, value in values.items():
                setattr(quote, field, value)
            quote.revision += 1
            quote.save(update_fields=[*values, "revision"])
            action = "quote.revised"
        record_event(
            obj=quote,
            action=action,
            actor=actor,
            after={"commitment": digest, "revision": quote.revision, "submitted_at": now},
        )
    return quote


def _invalid_reason(quote: Quote, quotation: Quotation) -> str:
    """Why an opened quote does not count ("" if it does)."""
    blockers = trading_blockers(quote.supplier)
    if blockers:
        return "supplier_cannot_trade: " + ", ".join(code for code, _m in blockers)
    listing = quote.listing
    if listing is None or listing.state != ListingState.LISTED:
        return "listing_not_listed"
    if not elig.in_subtree(listing.category, quotation.category):
        return "listing_out_of_category"
    if quote.total > quotation.ceiling_total:
        return "over_ceiling"
    expected = sealing.commitment(
        salt=quote.salt,
        quotation_number=quotation.number,
        credit_code=quote.supplier.credit_code,
        total=quote.total,
        unit_price=quote.unit_price,
    )
    if expected != quote.commitment:
        return "commitment_mismatch"
    return ""


def quotes_open(quotation: Quotation, *, now: datetime) -> list[dict[str, Any]]:
    """Inside the closing transaction (quotation locked): reveal every sealed quote in its own
    event, mark it valid or invalid, rank the valid ones by (total, final submission time, id).
    Returns the ranking as recorded on the quotation's event."""
    quotes = list(
        Quote.objects.select_for_update(of=("self",))
        .select_related("supplier__organisation", "listing__category")
        .filter(quotation=quotation, state=QuoteState.SEALED)
        .order_by("id")
    )
    valid: list[Quote] = []
    for quote in quotes:
        reason = _invalid_reason(quote, quotation)
        to = QuoteState.INVALID if reason else QuoteState.VALID
        if reason:
            quote.reasons = reason
        states.advance(
            quote,
            to,
            actor=None,
            fields=["reasons"] if reason else [],
            after={
                "opened_at": now,
                "unit_price": quote.unit_price,
                "total": quote.total,
                "salt": quote.salt,
                "commitment": quote.commitment,
                "revision": quote.revision,
                "submitted_at": quote.submitted_at,
                "listing": quote.listing.number if quote.listing else None,
                "sme_declaration": quote.sme_declaration,
                "reason": reason,
            },
        )
        if not reason:
            valid.append(quote)
    valid.sort(key=lambda q: (q.total, q.submitted_at, q.pk))
    ranking = []
    for position, quote in enumerate(valid, start=1):
        quote.rank = position
        Quote.objects.filter(pk=quote.pk).update(rank=position)
        ranking.append(
            {
                "rank": position,
                "quote": quote.pk,
                "supplier": quote.supplier.organisation.name,
                "credit_code": quote.supplier.credit_code,
                "unit_price": quote.unit_price,
                "total": quote.total,
                "submitted_at": quote.submitted_at,
            }
        )
    return ranking


# --- closing: open, count, rank -------------------------------------------------------------


def quotation_close(quotation_id: int, *, now: datetime | None = None) -> str | None:
    """Open one quotation whose closing time has passed (its own transaction); returns the new
    state, or None if there was nothing to do (already closed by a concurrent run)."""
    now = now or timezone.now()
    with transaction.atomic():
        quotation = (
            Quotation.objects.select_for_update(of=("self",))
            .select_related("category")
            .filter(pk=quotation_id, state=QuotationState.PUBLISHED, closes_at__lte=now)
            .first()
        )
        if quotation is None:
            return None
        ranking = quotes_open(quotation, now=now)
        quotation.opened_at = now
        quotation.valid_quotes = len(ranking)
        buyers = elig.unit_buyers(quotation.purchaser_id)
        quoted = list(quotation.quotes.values_list("supplier_id", flat=True))
        invited = list(quotation.invitations.values_list("supplier_id", flat=True))
        suppliers = elig.supplier_users(sorted(set(quoted) | set(invited)))
        if len(ranking) < config.get("QUOTATION_MIN_QUOTES"):
            released = release_for_quotation(quotation, actor=None)
            quotation.finished_at = now
            quotation.result_published_at = now
            states.advance(
                quotation,
                QuotationState.FAILED,
                actor=None,
                fields=["opened_at", "valid_quotes", "finished_at", "result_published_at"],
                after={
                    "opened_at": now,
                    "valid_quotes": len(ranking),
                    "ranking": ranking,
                    "released": released,
                },
            )
            notify(
                [*buyers, *suppliers],
                verb="quotation_failed",
                message=_(
                    "Quotation %(number)s “%(title)s” failed: fewer than %(min)d valid quotes."
                )
                % {
                    "number": quotation.number,
                    "title": quotation.title,
                    "min": config.get("QUOTATION_MIN_QUOTES"),
                },
                link=detail_link(quotation),
            )
            return QuotationState.FAILED
        assert quotation.closes_at is not None
        due = add_working_days(quotation.closes_at, config.get("AWARD_WORKING_DAYS"))
        quotation.award_deadline = due.deadline
        states.advance(
            quotation,
            QuotationState.EVALUATING,
            actor=None,
            fields=["opened_at", "valid_quotes", "award_deadline"],
            after={
                "opened_at": now,
                "valid_quotes": len(ranking),
                "ranking": ranking,
                "award_deadline": due.deadline,
                "calendar_known": due.calendar_known,
            },
        )
        notify(
            buyers,
            verb="quotation_opened",
            message=_("Quotation %(number)s opened with %(n)d valid quotes: award by %(at)s.")
            % {
                "number": quotation.number,
                "n": len(ranking),
                "at": due.deadline.strftime("%Y-%m-%d %H:%M"),
            },
            link=detail_link(quotation),
        )
        notify(
            suppliers,
            verb="quotation_opened",
            message=_("Quotation %(number)s has been opened; the ranking is on its page.")
            % {"number": quotation.number},
            link=detail_link(quotation),
        )
        return QuotationState.EVALUATING


def quotation_close_job() -> str:
    """Tick: open every quotation whose closing time has passed (idempotent)."""
    now = timezone.now()
    ids = list(
        Quotation.objects.filter(state=QuotationState.PUBLISHED, closes_at__lte=now)
        .order_by("closes_at", "id")
        .values_list("pk", flat=True)[:500]
    )
    outcomes = [quotation_close(pk, now=now) for pk in ids]
    evaluating = outcomes.count(QuotationState.EVALUATING)
    failed = outcomes.count(QuotationState.FAILED)
    return f"quotations opened: {evaluating} to award, {failed} failed"
