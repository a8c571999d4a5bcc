"""Who is asking on the supplier's listing pages, and the bits every one of those pages shares
(the state sets, the 404/403 mapping, the review outcome message)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.catalog import access as catalog_access
from govmall.catalog.models import (
    Listing,
    ListingReview,
    ListingRevision,
    ListingState,
    RevisionState,
)
from govmall.core.errors import DomainError, NotFound
from govmall.suppliers.access import own_supplier
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Supplier

SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)
SUBMITTABLE = (ListingState.DRAFT, ListingState.REJECTED, ListingState.DELISTED)
EDITABLE = (*SUBMITTABLE, ListingState.LISTED)


def page_error(exc: DomainError) -> Exception:
    """404 for missing/not yours, 403 for not allowed; other errors are the caller's."""
    if isinstance(exc, NotFound) or exc.status == 404:
        return Http404()
    if exc.status in (401, 403):
        return DjangoPermissionDenied(exc.message)
    return exc


def revision_in_review(listing: Listing) -> ListingRevision | None:
    """The change waiting for review while the live version stays on sale, if any."""
    return listing.revisions.filter(state=RevisionState.PENDING).order_by("-id").first()


@dataclass
class SupplierActor:
    user: User
    supplier: Supplier


def supplier_actor(request: HttpRequest) -> SupplierActor:
    """The supplier staff member asking; 404/403 otherwise, so no page leaks another's data."""
    actor = request_user(request)
    try:
        supplier = own_supplier(actor)
    except DomainError as exc:
        raise page_error(exc) from exc
    if not actor.has_role(*SUPPLIER_ROLES):
        raise DjangoPermissionDenied()
    return SupplierActor(actor, supplier)


def own_listing(who: SupplierActor, number: str) -> Listing:
    """The asker's own listing; "missing" and "not yours" give the same 404."""
    try:
        listing = catalog_access.listing_for_actor(who.user, number[:40])
    except DomainError as exc:
        raise page_error(exc) from exc
    if listing.supplier_id != who.supplier.pk:
        raise Http404()
    return listing


def blocker_messages(supplier: Supplier) -> list[str]:
    """Why the company may not trade now, as messages for the page."""
    return [message for _code, message in trading_blockers(supplier)]


def when_text(value: Any) -> str:
    """A time in local time, to the minute, or "—"."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def review_message(request: HttpRequest, review: ListingReview) -> None:
    """Tell the supplier what the automatic review decided about a submission."""
    if review.outcome == "passed":
        messages.success(request, _("All rules pass: the product is listed and live."))
    elif review.outcome == "manual":
        messages.info(
            request,
            _("The product waits for an operator's check, due by %(deadline)s.")
            % {"deadline": when_text(review.deadline)},
        )
    else:
        messages.error(request, _("The product was rejected: correct what the rules name."))
