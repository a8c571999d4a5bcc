"""Catalogue API: the operator's manual review queue and decisions, and suspending/reinstating
a listed product (operator admins and reviewers)."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from govmall.accounts.access import request_user
from govmall.catalog import selectors_listings as sel
from govmall.catalog.access import (
    is_operator,
    listing_for_supervisor,
    manual_queue,
    review_for_actor,
)
from govmall.catalog.api_listings import ContentOut, ListingOut, ReviewOut
from govmall.catalog.models import Listing
from govmall.catalog.services_listings import listing_reinstate, listing_suspend
from govmall.catalog.services_reviews import review_decide
from govmall.core.api_base import ERRORS
from govmall.core.errors import PermissionDenied

router = Router(tags=["catalog"])


class QueueItemOut(ReviewOut):
    kind: str  # listing | revision
    title: str
    supplier_name: str


class QueueOut(Schema):
    count: int
    overdue: int
    page: int
    pages: int
    results: list[QueueItemOut]


class ReviewDetailOut(QueueItemOut):
    listing_state: str
    live: ContentOut
    proposed: ContentOut | None = Field(None, description="The revision's content, if any")


class DecideIn(Schema):
    approve: Any = Field(..., description="true approves, false rejects")
    reasons: Any = Field("", description="Required to reject")


class ReasonIn(Schema):
    reason: Any = ""


class QueueQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(sel.PAGE_SIZE, ge=1, le=sel.MAX_PAGE_SIZE)


def _item(review: Any) -> dict[str, Any]:
    subject = review.revision or review.listing
    return {
        **sel.review_json(review, results=False),
        "kind": "revision" if review.revision_id else "listing",
        "title": subject.title,
        "supplier_name": review.listing.supplier.organisation.name,
    }


@router.get(
    "/reviews/queue",
    response={200: QueueOut, **ERRORS},
    summary="My operator's open manual reviews, the nearest deadline first",
)
def review_queue(request: HttpRequest, query: Query[QueueQuery]) -> dict[str, Any]:
    actor = request_user(request)
    if not is_operator(actor):
        raise PermissionDenied()
    from django.utils import timezone

    queue = manual_queue(actor)
    count = queue.count()
    overdue = queue.filter(deadline__lt=timezone.now()).count()
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "overdue": overdue,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
        "results": [_item(r) for r in queue[start : start + query.page_size]],
    }


def _detail(review: Any) -> dict[str, Any]:
    return {
        **_item(review),
        "results": review.results,
        "listing_state": review.listing.state,
        "live": sel.content_json(review.listing),
        "proposed": sel.content_json(review.revision) if review.revision else None,
    }


@router.get(
    "/reviews/{review_id}",
    response={200: ReviewDetailOut, **ERRORS},
    summary="One review of my operator: every rule's outcome, the live and proposed content",
)
def get_review(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return _detail(review_for_actor(request_user(request), review_id))


@router.post(
    "/reviews/{review_id}/decide",
    response={200: ReviewDetailOut, **ERRORS},
    summary="Approve or reject a manual review (reasons required to reject)",
)
def decide_review(request: HttpRequest, review_id: int, payload: DecideIn) -> dict[str, Any]:
    actor = request_user(request)
    review = review_for_actor(actor, review_id)
    review_decide(actor=actor, review=review, approve=payload.approve, reasons=payload.reasons)
    return _detail(review_for_actor(actor, review_id))


def _listing_out(listing: Listing) -> dict[str, Any]:
    fresh = Listing.objects.select_related("category").get(pk=listing.pk)
    return sel.listing_json(fresh)


@router.post(
    "/listings/{number}/suspend",
    response={200: ListingOut, **ERRORS},
    summary="Suspend a listed product (operators supervising the supplier; reason required)",
)
def suspend_listing(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    actor = request_user(request)
    listing = listing_for_supervisor(actor, number)
    listing_suspend(actor=actor, listing=listing, reason=payload.reason)
    return _listing_out(listing)


@router.post(
    "/listings/{number}/reinstate",
    response={200: ListingOut, **ERRORS},
    summary="Put a suspended listing back on sale (operators supervising the supplier)",
)
def reinstate_listing(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    actor = request_user(request)
    listing = listing_for_supervisor(actor, number)
    listing_reinstate(actor=actor, listing=listing, reason=payload.reason or "")
    return _listing_out(listing)
