"""Reading quotations for the API and the pages, sealed by construction.

Nothing here returns a quote, a price or a count of quotes for an unopened quotation, except
`my_quote` (the asking supplier's own). The ranking exists only after opening (`sealing.is_open`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind
from govmall.trading import sealing
from govmall.trading.access import SUPERVISORY_KINDS, actor_supplier
from govmall.trading.models import Quotation, QuotationState, Quote, QuoteState


def visible_quotations(actor: User | None) -> QuerySet[Quotation]:
    """The unit's own, the invitations of a supplier, the jurisdiction of a supervisor."""
    base = Quotation.objects.select_related("purchaser", "category")
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return base.none()
    org = actor.organisation
    if org.kind == OrgKind.PURCHASER:
        return base.filter(purchaser_id=org.pk)
    if org.kind == OrgKind.SUPPLIER:
        supplier = actor_supplier(actor)
        if supplier is None:
            return base.none()
        return base.filter(invitations__supplier=supplier)
    if org.kind in SUPERVISORY_KINDS:
        return base.filter(purchaser__division__path__startswith=org.division.path)
    return base.none()


def my_quote(actor: User | None, quotation: Quotation) -> Quote | None:
    supplier = actor_supplier(actor)
    if supplier is None:
        return None
    return (
        Quote.objects.select_related("listing")
        .filter(quotation=quotation, supplier=supplier)
        .first()
    )


def opened_quotes(quotation: Quotation) -> list[Quote]:
    """The opened quotes, ranked ones first; [] while sealed (whoever asks)."""
    if not sealing.is_open(quotation):
        return []
    quotes = list(
        Quote.objects.select_related("supplier__organisation", "listing").filter(
            quotation=quotation
        )
    )
    quotes.sort(key=lambda q: (q.rank is None, q.rank or 0, q.total, q.pk))
    return quotes


def quote_row(quote: Quote) -> dict[str, Any]:
    """One opened quote as the API, the pages and the public result show it."""
    return {
        "id": quote.pk,
        "rank": quote.rank,
        "state": quote.state,
        "state_label": str(quote.get_state_display()),
        "supplier": quote.supplier.organisation.name,
        "credit_code": quote.supplier.credit_code,
        "sme": quote.sme_declaration.get("size", ""),
        "unit_price": quote.unit_price,
        "total": quote.total,
        "listing": quote.listing.number if quote.listing else "",
        "listing_title": quote.listing.title if quote.listing else "",
        "submitted_at": quote.submitted_at,
        "revision": quote.revision,
        "commitment": quote.commitment,
        "salt": quote.salt,
        "reasons": quote.reasons,
        "awarded_at": quote.awarded_at,
        "confirm_deadline": quote.confirm_deadline,
    }


def lowest_valid(quotation: Quotation) -> Quote | None:
    """The quote the purchaser may award or disqualify now (after opening, no offer pending)."""
    if quotation.state != QuotationState.EVALUATING:
        return None
    if quotation.quotes.filter(state=QuoteState.AWARDED).exists():
        return None
    return quotation.quotes.filter(state=QuoteState.VALID).order_by("rank", "id").first()


def pending_offer(quotation: Quotation) -> Quote | None:
    if not sealing.is_open(quotation):
        return None
    return (
        quotation.quotes.select_related("supplier__organisation")
        .filter(state=QuoteState.AWARDED)
        .first()
    )


def winner(quotation: Quotation) -> Quote | None:
    if quotation.state != QuotationState.AWARDED:
        return None
    return (
        quotation.quotes.select_related("supplier__organisation", "listing")
        .filter(state=QuoteState.WON)
        .first()
    )


def public_results() -> QuerySet[Quotation]:
    """Results published on the public portal (awarded or failed), newest first."""
    return (
        Quotation.objects.filter(result_published_at__isnull=False)
        .select_related("purchaser", "category")
        .order_by("-result_published_at", "-id")
    )


def order_of(quotation: Quotation) -> Any:
    return quotation.orders.order_by("id").first() if quotation.state == "awarded" else None
