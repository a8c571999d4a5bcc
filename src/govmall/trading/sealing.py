"""Sealed quotes: the one place that decides whether anyone may see a quote (or that it
exists) — price, count and trail stay hidden until the quotation is opened.

Commitment: SHA-256 over "<salt>|<quotation number>|<supplier credit code>|<total>|<unit price>"
(amounts with 2 decimals). The salt is 32 random bytes (hex), new at every revision; the final
revision's salt and amounts are revealed in the opening event, so anyone can recompute the
commitment recorded at that revision. Earlier revisions never count and are never opened.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.audit.models import Event
    from govmall.trading.models import Quotation, Quote


def new_salt() -> str:
    return secrets.token_hex(32)


def commitment(
    *, salt: str, quotation_number: str, credit_code: str, total: Decimal, unit_price: Decimal
) -> str:
    text = f"{salt}|{quotation_number}|{credit_code}|{total:.2f}|{unit_price:.2f}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_open(quotation: Quotation) -> bool:
    """Quotes become visible when the quotation has been opened at its closing time."""
    return quotation.opened_at is not None


def quote_trail_visible_to(actor: User, quote: Quote) -> bool:
    """The quoting supplier always; others only after opening, if they may see the quotation."""
    from govmall.trading.access import actor_supplier, quotation_visible_to

    supplier = actor_supplier(actor)
    if supplier is not None and supplier.pk == quote.supplier_id:
        return True
    quotation = quote.quotation
    return is_open(quotation) and quotation_visible_to(actor, quotation)


def hide_sealed_events(events: QuerySet[Event]) -> QuerySet[Event]:
    """`events` without those of quotes not yet opened: for any list of events across objects
    (the back office's event list). Timelines go through `quote_trail_visible_to` instead."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from govmall.trading.models import Quote

    sealed = (
        Quote.objects.filter(quotation__opened_at__isnull=True)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return events.exclude(object_type="trading.quote", object_id__in=sealed)
