"""Taking and restoring listing stock with conditional single-statement updates."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from govmall.catalog.models import Listing, ListingState
from govmall.core.errors import DomainError


def take(listing_id: int, quantity: int, *, number: str = "") -> None:
    """Decrement stock if enough is left and the listing is on sale; else `out_of_stock`."""
    updated = Listing.objects.filter(
        pk=listing_id, state=ListingState.LISTED, stock__gte=quantity
    ).update(stock=F("stock") - quantity)
    if not updated:
        raise out_of_stock(number or str(listing_id))


def out_of_stock(number: str) -> DomainError:
    return DomainError(
        "out_of_stock",
        _("Not enough stock left for %(listing)s.") % {"listing": number},
        status=409,
        listing=number,
    )


def restore(listing_id: int, quantity: int) -> None:
    if quantity > 0:
        Listing.objects.filter(pk=listing_id).update(stock=F("stock") + quantity)
