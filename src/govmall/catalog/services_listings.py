"""Listing verbs: create, edit (in place, or as a revision of a listed product), submit for
review, delist, stock, and the operator's suspend/reinstate. Each runs in one transaction,
locks the listing, checks the transition table (`review_flow.TRANSITIONS`), writes its audit
event on the listing and keeps the search table in step.

Who: the supplier admin/staff of the listing's supplier (others: the same 404 as a missing
listing); create/edit/submit need a supplier that may trade (`supplier_cannot_trade`).
Suspend/reinstate: operator admins/reviewers whose organisation supervises the supplier.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import record_event
from govmall.catalog import review_flow as flow
from govmall.catalog.content import data_from_row, parse_stock, storage_fields
from govmall.catalog.models import (
    Listing,
    ListingImage,
    ListingReview,
    ListingRevision,
    ListingState,
    ReviewOutcome,
)
from govmall.catalog.services_reviews import review_decide, review_preview
from govmall.catalog.types import ListingData
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.core.numbers import next_number
from govmall.core.text import clean_text
from govmall.suppliers.models import Supplier

__all__ = [
    "listing_create",
    "listing_delist",
    "listing_reinstate",
    "listing_set_stock",
    "listing_submit",
    "listing_suspend",
    "listing_update",
    "require_listing_actor",
    "review_decide",
    "review_preview",
]

S = ListingState
SKU_LIMIT = 64
REASON_LIMIT = 1000
LISTING_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)
OPERATOR_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER)


# --- who ------------------------------------------------------------------------------------


def supplier_of(actor: User | None) -> Supplier:
    """The supplier the actor lists for (supplier admin or staff); else 404/403."""
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        raise NotFound()
    if actor.organisation.kind != OrgKind.SUPPLIER or not actor.has_role(*LISTING_ROLES):
        raise PermissionDenied()
    supplier = (
        Supplier.objects.select_related("organisation__division")
        .filter(organisation_id=actor.organisation.pk)
        .first()
    )
    if supplier is None:
        raise NotFound()
    return supplier


def require_trading(supplier: Supplier) -> None:
    from govmall.suppliers.gate import trading_blockers

    blockers = trading_blockers(supplier)
    if blockers:
        raise DomainError(
            "supplier_cannot_trade",
            _("The supplier may not list products now: %(reasons)s")
            % {"reasons": " ".join(message for _code, message in blockers)},
            status=403,
            blockers=[code for code, _message in blockers],
        )


def require_listing_actor(actor: User | None) -> Supplier:
    """Supplier admin/staff of a supplier that may trade."""
    supplier = supplier_of(actor)
    require_trading(supplier)
    return supplier


def _own(actor: User | None, listing: Listing) -> Supplier:
    supplier = supplier_of(actor)
    if listing.supplier_id != supplier.pk:
        raise NotFound()
    return supplier


def require_supervising_operator(actor: User | None, listing: Listing) -> User:
    from govmall.suppliers.access import supervises

    if not is_authenticated(actor) or actor is None:
        raise NotFound()
    org = actor.organisation
    if org is None or org.kind != OrgKind.OPERATOR or not actor.has_role(*OPERATOR_ROLES):
        raise PermissionDenied()
    if not supervises(actor, listing.supplier):
        raise NotFound()
    return actor


def _lock(listing: Listing) -> Listing:
    locked = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("supplier__organisation__division", "category")
        .get(pk=listing.pk)
    )
    return locked


def _refresh(target: Listing, source: Listing) -> Listing:
    """Copy the locked row's state onto the caller's instance (and return the locked one)."""
    target.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_state")})
    return source


# --- input checks --------------------------------------------------------------------------


def _clean_sku(sku: Any) -> str:
    return clean_text(sku, field="sku", limit=SKU_LIMIT, required=False)


def _sku_taken(supplier: Supplier, sku: str, exclude: int | None) -> bool:
    if not sku:
        return False
    taken = Listing.objects.filter(supplier=supplier, sku=sku)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def _duplicate_sku(sku: str) -> DomainError:
    return DomainError(
        "duplicate_sku",
        _("You already have a listing with SKU %(sku)s.") % {"sku": sku},
        field="sku",
    )


def _check_images(supplier: Supplier, data: ListingData) -> None:
    ids = set(data.image_ids)
    if not ids:
        return
    own = set(
        ListingImage.objects.filter(supplier=supplier, pk__in=ids).values_list("pk", flat=True)
    )
    if own != ids:
        raise DomainError(
            "unknown_image",
            _("Image %(id)s is not one of your uploaded images.") % {"id": sorted(ids - own)[0]},
            field="image_ids",
        )


def _check_content(supplier: Supplier, data: ListingData) -> None:
    if not isinstance(data, ListingData):
        raise DomainError("invalid_content", _("The listing content is not valid."))
    _check_images(supplier, data)


# --- create / update -------------------------------------------------------------------------


def listing_create(*, actor: User, data: ListingData, sku: str = "", stock: int = 0) -> Listing:
    """A new draft listing of the actor's supplier."""
    supplier = require_listing_actor(actor)
    _check_content(supplier, data)
    sku = _clean_sku(sku)
    stock = parse_stock(stock)
    fields = storage_fields(data)
    now = timezone.now()
    with transaction.atomic():
        locked = Supplier.objects.select_for_update(of=("self",)).get(pk=supplier.pk)
        if _sku_taken(locked, sku, None):
            raise _duplicate_sku(sku)
        try:
            with transaction.atomic():
                listing = Listing.objects.create(
                    number=next_number("LST"),
                    supplier=locked,
                    sku=sku,
                    state=S.DRAFT,
                    stock=stock,
                    created_by=actor,
                    created_at=now,
                    updated_at=now,
                    **fields,
                )
        except IntegrityError:
            raise _duplicate_sku(sku) from None
        record_event(
            obj=listing,
            action="listing.created",
            actor=actor,
            after={
                "number": listing.number,
                "state": S.DRAFT,
                "sku": sku,
                "stock": stock,
                **flow.event_fields(fields),
            },
        )
    return listing


def listing_update(
    *, actor: User, listing: Listing, data: ListingData, sku: str | None = None
) -> Listing | ListingRevision:
    """Draft, rejected or delisted: edited in place (a rejected listing becomes a draft).
    Listed: a revision replacing any pending one, reviewed at once — passed: applied to the
    listing; rejected: kept as rejected; manual: pending in the operator's queue. The live
    content stays on sale until a revision passes. Pending or suspended: invalid_transition.
    """
    supplier = _own(actor, listing)
    require_trading(supplier)
    _check_content(supplier, data)
    new_sku = None if sku is None else _clean_sku(sku)
    fields = storage_fields(data)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(listing)
        if locked.state not in flow.EDITABLE_IN_PLACE and locked.state != S.LISTED:
            raise flow.invalid_transition(locked, _("edited"))
        sku_changed = new_sku is not None and new_sku != locked.sku
        if sku_changed and _sku_taken(supplier, new_sku or "", locked.pk):
            raise _duplicate_sku(new_sku or "")
        if locked.state == S.LISTED:
            result = _update_listed(locked, data, fields, actor=actor, now=now)
            if sku_changed:
                _set_sku(locked, new_sku or "", actor=actor, now=now)
            _refresh(listing, locked)
            return result
        before, after = flow.content_diff(flow.row_fields(locked), fields)
        if sku_changed:
            before["sku"], after["sku"] = locked.sku, new_sku
            locked.sku = new_sku or ""
        if not after:
            return _refresh(listing, locked)
        if locked.state == S.REJECTED:
            flow.require_transition(locked, S.DRAFT, _("edited"))
            before["state"], after["state"] = locked.state, S.DRAFT
            locked.state = S.DRAFT
        flow.apply_fields(locked, fields)
        locked.updated_at = now
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise _duplicate_sku(new_sku or "") from None
        record_event(obj=locked, action="listing.updated", actor=actor, before=before, after=after)
        return _refresh(listing, locked)


def _set_sku(locked: Listing, sku: str, *, actor: User, now: Any) -> None:
    before = {"sku": locked.sku}
    locked.sku = sku
    locked.updated_at = now
    try:
        with transaction.atomic():
            locked.save(update_fields=["sku", "updated_at"])
    except IntegrityError:
        raise _duplicate_sku(sku) from None
    record_event(
        obj=locked, action="listing.updated", actor=actor, before=before, after={"sku": sku}
    )


def _update_listed(
    locked: Listing,
    data: ListingData,
    fields: dict[str, Any],
    *,
    actor: User,
    now: Any,
) -> Listing | ListingRevision:
    live = flow.event_fields(flow.row_fields(locked))
    proposed = flow.event_fields(fields)
    current = flow.pending_revision(locked)
    if proposed == live:
        # Back to the live content: nothing to review; an open revision is withdrawn.
        if current is not None:
            flow.withdraw_pending_revision(locked, actor=actor, now=now, why="reverted")
        return locked
    if current is not None and flow.event_fields(flow.row_fields(current)) == proposed:
        return current  # the same edit again: idempotent
    if current is not None:
        flow.withdraw_pending_revision(locked, actor=actor, now=now, why="replaced")
    revision = flow.new_revision(locked, data, actor=actor, now=now)
    ruleset, verdict = flow.run_review(data, supplier_id=locked.supplier_id, listing_id=locked.pk)
    review = flow.record_review(
        listing=locked, revision=revision, ruleset=ruleset, verdict=verdict, now=now
    )
    before, after = flow.content_diff(flow.row_fields(locked), fields)
    record_event(
        obj=locked,
        action="listing.revision_submitted",
        actor=actor,
        before=before,
        after={**after, "revision": revision.pk, **flow.review_summary(review)},
    )
    if verdict.outcome == ReviewOutcome.PASSED:
        flow.apply_revision(locked, revision, actor=actor, now=now, review=review)
    elif verdict.outcome == ReviewOutcome.REJECTED:
        flow.reject_revision(locked, revision, actor=actor, now=now, review=review)
    revision.refresh_from_db()
    return revision


# --- submit ---------------------------------------------------------------------------------


def listing_submit(*, actor: User, listing: Listing) -> ListingReview:
    """Review a draft, rejected or delisted listing at once: passed → listed (live now),
    rejected → rejected (every failing rule in the review), manual → pending in the owning
    operator's queue with a deadline of 1 working day."""
    supplier = _own(actor, listing)
    require_trading(supplier)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(listing)
        if locked.state not in flow.SUBMITTABLE:
            raise flow.invalid_transition(locked, _("submitted"))
        data = data_from_row(locked)
        ruleset, verdict = flow.run_review(
            data, supplier_id=locked.supplier_id, listing_id=locked.pk
        )
        target = flow.OUTCOME_STATE[ReviewOutcome(verdict.outcome)]
        flow.require_transition(locked, target, _("submitted"))
        review = flow.record_review(
            listing=locked, revision=None, ruleset=ruleset, verdict=verdict, now=now
        )
        before_state = locked.state
        record_event(
            obj=locked,
            action="listing.submitted",
            actor=actor,
            before={"state": before_state},
            after=flow.review_summary(review),
        )
        locked.state = target
        locked.updated_at = now
        update = ["state", "updated_at"]
        if target == S.LISTED:
            locked.listed_at = now
            update.append("listed_at")
        locked.save(update_fields=update)
        action = {
            S.LISTED: "listing.listed",
            S.REJECTED: "listing.rejected",
            S.PENDING: "listing.queued",
        }[target]
        after: dict[str, Any] = {"state": target, "review": review.pk}
        if target == S.PENDING:
            after["operator"] = review.operator_id
            after["deadline"] = review.deadline
        record_event(
            obj=locked,
            action=action,
            actor=actor,
            before={"state": before_state},
            after=after,
        )
        if target == S.LISTED:
            flow.sync([locked.pk])
        _refresh(listing, locked)
    return review


# --- delist / stock ---------------------------------------------------------------------------


def listing_delist(*, actor: User, listing: Listing) -> Listing:
    """The supplier takes a listed product off sale (a pending revision is withdrawn)."""
    _own(actor, listing)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(listing)
        flow.require_transition(locked, S.DELISTED, _("delisted"))
        flow.withdraw_pending_revision(locked, actor=actor, now=now, why="delisted")
        locked.state = S.DELISTED
        locked.updated_at = now
        locked.save(update_fields=["state", "updated_at"])
        record_event(
            obj=locked,
            action="listing.delisted",
            actor=actor,
            before={"state": S.LISTED},
            after={"state": S.DELISTED},
        )
        flow.sync([locked.pk])
        return _refresh(listing, locked)


def listing_set_stock(*, actor: User, listing: Listing, stock: int) -> Listing:
    """Stock is not reviewed: it changes at once, in any state."""
    _own(actor, listing)
    value = parse_stock(stock)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(listing)
        if locked.stock == value:
            return _refresh(listing, locked)
        before = {"stock": locked.stock}
        locked.stock = value
        locked.updated_at = now
        locked.save(update_fields=["stock", "updated_at"])
        record_event(
            obj=locked,
            action="listing.stock_set",
            actor=actor,
            before=before,
            after={"stock": value},
        )
        return _refresh(listing, locked)


# --- operator -------------------------------------------------------------------------------


def listing_suspend(*, actor: User, listing: Listing, reason: str) -> Listing:
    """An operator supervising the supplier takes a listed product off sale; reason required.
    A pending revision is withdrawn."""
    operator = require_supervising_operator(actor, listing)
    reason = clean_text(
        reason,
        field="reason",
        limit=REASON_LIMIT,
        required_code="reason_required",
        required_message=_("Give the reason for suspending the listing."),
    )
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(listing)
        flow.require_transition(locked, S.SUSPENDED, _("suspended"))
        flow.withdraw_pending_revision(locked, actor=operator, now=now, why="suspended")
        locked.state = S.SUSPENDED
        locked.suspended_reason = reason
        locked.updated_at = now
        locked.save(update_fields=["state", "suspended_reason", "updated_at"])
        record_event(
            obj=locked,
            action="listing.suspended",
            actor=operator,
            before={"state": S.LISTED},
            after={"state": S.SUSPENDED, "reason": reason},
        )
        flow.sync([locked.pk])
        return _refresh(listing, locked)


def listing_reinstate(*, actor: User, listing: Listing, reason: str = "") -> Listing:
    """The operator puts a suspended listing back on sale."""
    operator = require_supervising_operator(actor, listing)
    reason = clean_text(reason, field="reason", limit=REASON_LIMIT, required=False)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(listing)
        flow.require_transition(locked, S.LISTED, _("reinstated"))
        before = {"state": S.SUSPENDED, "reason": locked.suspended_reason}
        locked.state = S.LISTED
        locked.suspended_reason = ""
        locked.updated_at = now
        locked.save(update_fields=["state", "suspended_reason", "updated_at"])
        after: dict[str, Any] = {"state": S.LISTED}
        if reason:
            after["reason"] = reason
        record_event(
            obj=locked, action="listing.reinstated", actor=operator, before=before, after=after
        )
        flow.sync([locked.pk])
        return _refresh(listing, locked)
