"""Who may see and act on listings, images and reviews."""

from __future__ import annotations

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind
from govmall.catalog.models import Listing


def can_view_listing_trail(actor: User | None, listing: Listing) -> bool:
    """The supplier's own users, operators and regulators."""
    if not is_authenticated(actor) or actor is None:
        return False
    if actor.is_superuser:
        return True
    org = actor.organisation
    if org is None:
        return False
    if org.pk == listing.supplier.organisation_id:
        return True
    return org.kind in (OrgKind.OPERATOR, OrgKind.REGULATOR)
