"""The operator's manual decision on a listing (or a revision) the rules sent to a human, and
the dry-run review the live editor shows."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.catalog import review_flow as flow
from govmall.catalog.content import candidate_for
from govmall.catalog.models import (
    Listing,
    ListingReview,
    ListingState,
    ManualDecision,
    ReviewOutcome,
    RevisionState,
)
from govmall.catalog.types import ListingData, Verdict
from govmall.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from govmall.core.text import clean_text
from govmall.suppliers.models import Supplier

REASONS_LIMIT = 2000


def require_decider(actor: User | None, review: ListingReview) -> User:
    """Reviewers and admins of the operator that owns the review."""
    if not is_authenticated(actor) or actor is None or actor.organisation_id is None:
        raise NotFound()
    if review.operator_id is None or actor.organisation_id != review.operator_id:
        raise NotFound()
    if not actor.has_role(Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN):
        raise PermissionDenied()
    return actor


def _already_decided(review: ListingReview) -> InvalidTransition:
    return InvalidTransition(
        _("This review is no longer open for a decision."),
        review=review.pk,
        decision=review.decision,
    )


def review_decide(
    *, actor: User, review: ListingReview, approve: bool, reasons: str = ""
) -> ListingReview:
    """Approve (list the listing, or apply the revision) or reject (reasons required) a
    manual review. The decision is recorded on the review and as an event on the listing."""
    decider = require_decider(actor, review)
    if not isinstance(approve, bool):
        raise DomainError("invalid", _("Approve must be true or false."), field="approve")
    reasons = clean_text(
        reasons,
        field="reasons",
        limit=REASONS_LIMIT,
        required=not approve,
        required_code="reasons_required",
        required_message=_("Give the reasons for rejecting."),
    )
    now = timezone.now()
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("supplier__organisation", "category")
            .get(pk=review.listing_id)
        )
        locked = (
            ListingReview.objects.select_for_update(of=("self",))
            .select_related("ruleset", "revision")
            .get(pk=review.pk)
        )
        if locked.outcome != ReviewOutcome.MANUAL or locked.decided_at is not None:
            raise _already_decided(locked)
        revision = locked.revision
        if revision is None and listing.state != ListingState.PENDING:
            raise _already_decided(locked)
        if revision is not None:
            revision.refresh_from_db()
            if revision.state != RevisionState.PENDING or listing.state != ListingState.LISTED:
                raise _already_decided(locked)
        locked.decision = ManualDecision.APPROVED if approve else ManualDecision.REJECTED
        locked.decided_by = decider
        locked.decided_at = now
        locked.reasons = reasons
        locked.save(update_fields=["decision", "decided_by", "decided_at", "reasons"])
        if revision is not None:
            if approve:
                flow.apply_revision(listing, revision, actor=decider, now=now, review=locked)
            else:
                flow.reject_revision(
                    listing, revision, actor=decider, now=now, review=locked, reasons=reasons
                )
        else:
            target = ListingState.LISTED if approve else ListingState.REJECTED
            flow.require_transition(listing, target, _("decided"))
            listing.state = target
            listing.updated_at = now
            update = ["state", "updated_at"]
            if approve:
                listing.listed_at = now
                update.append("listed_at")
            listing.save(update_fields=update)
            after: dict[str, Any] = {"state": target, "review": locked.pk}
            if reasons:
                after["reasons"] = reasons
            record_event(
                obj=listing,
                action="listing.approved" if approve else "listing.rejected",
                actor=decider,
                before={"state": ListingState.PENDING},
                after=after,
            )
            if approve:
                flow.sync([listing.pk])
    review.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_state")})
    return locked


def review_preview(*, supplier: Supplier, data: ListingData, listing_id: int | None) -> Verdict:
    """The verdict the rules would give now (the live editor); nothing is written."""
    from govmall.catalog.rules import engine

    candidate = candidate_for(data, supplier_id=supplier.pk, listing_id=listing_id)
    [verdict] = engine.review([candidate])
    return verdict
