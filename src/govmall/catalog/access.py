"""Who may see and act on listings, images and reviews. "Missing" and "not yours" are the same
404 (`NotFound`)."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import Listing, ListingImage, ListingReview, ListingState
from govmall.core.errors import NotFound

OPERATOR_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER)


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


def is_operator(actor: User | None) -> bool:
    return (
        is_authenticated(actor)
        and actor is not None
        and actor.organisation is not None
        and actor.organisation.kind == OrgKind.OPERATOR
        and actor.has_role(*OPERATOR_ROLES)
    )


def listing_for_actor(actor: User | None, number: str) -> Listing:
    """A listing of the actor's own supplier (its admin or staff); 404 otherwise."""
    if not is_authenticated(actor) or actor is None or actor.organisation_id is None:
        raise NotFound()
    if not actor.has_role(Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF):
        raise NotFound()
    listing = (
        Listing.objects.select_related("supplier__organisation__division", "category")
        .filter(number=str(number)[:30], supplier__organisation_id=actor.organisation_id)
        .first()
    )
    if listing is None:
        raise NotFound()
    return listing


def listing_for_supervisor(actor: User | None, number: str) -> Listing:
    """A listing an operator (admin/reviewer) supervising its supplier may act on; 404
    otherwise (suspend, reinstate)."""
    from govmall.suppliers.access import supervises

    if not is_operator(actor) or actor is None:
        raise NotFound()
    listing = (
        Listing.objects.select_related("supplier__organisation__division", "category")
        .filter(number=str(number)[:30])
        .first()
    )
    if listing is None or not supervises(actor, listing.supplier):
        raise NotFound()
    return listing


def review_for_actor(actor: User | None, review_id: int) -> ListingReview:
    """A manual review for the operator that owns it (its reviewers and admins); 404
    otherwise."""
    if not is_operator(actor) or actor is None:
        raise NotFound()
    review = (
        ListingReview.objects.select_related(
            "listing__supplier__organisation__division",
            "listing__category",
            "revision__category",
            "ruleset",
            "operator",
            "decided_by",
        )
        .filter(pk=review_id, operator_id=actor.organisation_id)
        .first()
    )
    if review is None:
        raise NotFound()
    return review


def manual_queue(actor: User | None) -> QuerySet[ListingReview]:
    """Open manual reviews owned by the actor's operator, the nearest deadline first."""
    from govmall.catalog.review_flow import open_manual_reviews

    if not is_operator(actor) or actor is None:
        return ListingReview.objects.none()
    return (
        open_manual_reviews()
        .filter(operator_id=actor.organisation_id)
        .select_related(
            "listing__supplier__organisation", "listing__category", "revision", "ruleset"
        )
        .order_by("deadline", "id")
    )


def image_is_live(image: ListingImage) -> bool:
    """Used by a listed listing (public pictures)."""
    live = Listing.objects.filter(supplier_id=image.supplier_id, state=ListingState.LISTED)
    if connection.vendor == "postgresql":
        return live.filter(image_ids__contains=[image.pk]).exists()
    # SQLite: JSON containment is not available; a text match narrows, Python decides.
    needle = str(image.pk)
    for ids in live.filter(image_ids__icontains=needle).values_list("image_ids", flat=True):
        if image.pk in {int(i) for i in ids or []}:
            return True
    return False


def can_view_any_image_of(actor: User | None, image: ListingImage) -> bool:
    """The supplier's own users, operators and regulators see every picture."""
    if not is_authenticated(actor) or actor is None:
        return False
    if actor.is_superuser:
        return True
    org = actor.organisation
    if org is None:
        return False
    if org.kind in (OrgKind.OPERATOR, OrgKind.REGULATOR):
        return True
    return org.kind == OrgKind.SUPPLIER and image.supplier.organisation_id == org.pk


def can_view_image(actor: User | None, image: ListingImage) -> bool:
    """Pictures of a live listing are public; others are for the supplier's own users,
    operators and regulators."""
    return can_view_any_image_of(actor, image) or image_is_live(image)
