"""Reads about listings and reviews, shared by the API and the pages: a supplier's listings,
the latest review and the pending revision of a listing, JSON shapes, and the raw content of
a stored listing (the starting point of a partial edit)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.catalog.models import (
    Listing,
    ListingReview,
    ListingRevision,
    ListingState,
    RevisionState,
)
from govmall.catalog.types import CONTENT_FIELDS
from govmall.core.errors import DomainError
from govmall.suppliers.models import Supplier

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def supplier_listings(supplier: Supplier, state: str | None = None) -> QuerySet[Listing]:
    if state and state not in ListingState.values:
        raise DomainError(
            "invalid_state",
            _("Unknown state: choose one of %(states)s.")
            % {"states": ", ".join(ListingState.values)},
            field="state",
        )
    listings = Listing.objects.filter(supplier=supplier).select_related("category")
    if state:
        listings = listings.filter(state=state)
    return listings.order_by("-updated_at", "-id")


def latest_review(listing: Listing) -> ListingReview | None:
    return (
        ListingReview.objects.select_related("ruleset", "revision", "listing")
        .filter(listing=listing)
        .order_by("-id")
        .first()
    )


def pending_revision(listing: Listing) -> ListingRevision | None:
    return (
        ListingRevision.objects.filter(listing=listing, state=RevisionState.PENDING)
        .select_related("category")
        .first()
    )


def latest_revision(listing: Listing) -> ListingRevision | None:
    return ListingRevision.objects.filter(listing=listing).select_related("category").first()


def raw_from_row(row: Listing | ListingRevision) -> dict[str, Any]:
    """The content as an API body (category as its code, amounts as strings)."""
    raw: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = getattr(row, name)
        if name == "category":
            value = row.category.code
        elif name == "price":
            value = str(value)
        elif name == "energy_cert_expiry":
            value = value.isoformat() if value else None
        raw[name] = value
    return raw


def image_urls(image_id: int) -> dict[str, Any]:
    return {
        "id": image_id,
        "url": reverse("catalog:image", kwargs={"image_id": image_id}),
        "thumb_url": reverse("catalog:image_thumb", kwargs={"image_id": image_id}),
    }


def content_json(row: Listing | ListingRevision) -> dict[str, Any]:
    out = raw_from_row(row)
    out["category_name_zh"] = row.category.name_zh
    out["category_name_en"] = row.category.name_en
    out["images"] = [image_urls(int(i)) for i in row.image_ids or []]
    return out


def is_overdue(review: ListingReview, now: Any = None) -> bool:
    return (
        review.outcome == "manual"
        and review.decided_at is None
        and review.deadline is not None
        and review.deadline < (now or timezone.now())
    )


def review_json(review: ListingReview, *, results: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": review.pk,
        "listing": review.listing.number,
        "revision_id": review.revision_id,
        "outcome": review.outcome,
        "ruleset_version": review.ruleset.version,
        "created_at": review.created_at,
        "deadline": review.deadline,
        "overdue": is_overdue(review),
        "operator_id": review.operator_id,
        "decision": review.decision,
        "decided_at": review.decided_at,
        "reasons": review.reasons,
        "failures": [
            {
                "code": r.get("code", ""),
                "severity": r.get("severity", ""),
                "message_zh": r.get("message_zh", ""),
                "message_en": r.get("message_en", ""),
            }
            for r in review.results
            if r.get("status") == "fail"
        ],
    }
    if results:
        out["results"] = review.results
    return out


def revision_json(revision: ListingRevision) -> dict[str, Any]:
    review = (
        ListingReview.objects.select_related("ruleset", "listing")
        .filter(revision=revision)
        .order_by("-id")
        .first()
    )
    return {
        "id": revision.pk,
        "state": revision.state,
        "created_at": revision.created_at,
        "closed_at": revision.closed_at,
        "content": content_json(revision),
        "review": review_json(review) if review else None,
    }


def listing_json(listing: Listing, *, detail: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": listing.number,
        "state": listing.state,
        "sku": listing.sku,
        "stock": listing.stock,
        **content_json(listing),
        "created_at": listing.created_at,
        "updated_at": listing.updated_at,
        "listed_at": listing.listed_at,
        "suspended_reason": listing.suspended_reason,
    }
    if detail:
        review = latest_review(listing)
        revision = pending_revision(listing)
        out["latest_review"] = review_json(review) if review else None
        out["pending_revision"] = revision_json(revision) if revision else None
    return out
