"""The operator's listing review pages: the manual queue of the operator's organisation ordered
by deadline (overdue ones marked), and one review with every rule outcome, the listing (or the
revision beside the live version), approve/reject with reasons, and suspend/reinstate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.catalog import access as catalog_access
from govmall.catalog import services_listings
from govmall.catalog.forms_listings import DecisionForm, SuspendForm
from govmall.catalog.models import Listing, ListingReview, ListingState, RevisionState
from govmall.catalog.views_listings import (
    attribute_rows,
    content_rows,
    image_rows,
    page_error,
    product_url,
    review_rows,
    revision_in_review,
    rule_rows,
    safe_url,
)
from govmall.core.errors import DomainError

OPERATOR_ROLES = (Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER)


def _operator(request: HttpRequest) -> User:
    actor = request_user(request)
    if not actor.has_role(*OPERATOR_ROLES):
        raise DjangoPermissionDenied()
    return actor


def _review_failures(review: ListingReview, severity: str | None = None) -> list[dict[str, Any]]:
    rows = [r for r in rule_rows(review.results or []) if r["status"] == "fail"]
    if severity:
        rows = [r for r in rows if r["severity"] == severity]
    return rows


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    actor = _operator(request)
    try:
        queue = catalog_access.manual_queue(actor)
    except DomainError as exc:
        raise page_error(exc) from exc
    queue = queue.select_related(
        "listing__supplier__organisation", "listing__category", "revision"
    ).order_by("deadline", "id")
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "review": review,
            "listing": review.listing,
            "title": review.revision.title if review.revision else review.listing.title,
            "overdue": bool(review.deadline and review.deadline < now),
            "failures": _review_failures(review, "review"),
        }
        for review in page.object_list
    ]
    return render(
        request,
        "catalog/reviews/queue.html",
        {
            "rows": rows,
            "page": page,
            "organisation": actor.organisation,
            "overdue_count": sum(1 for r in rows if r["overdue"]),
        },
    )


def _diff_rows(review: ListingReview) -> list[dict[str, Any]]:
    """Proposed (revision) beside live content, with changed rows marked."""
    assert review.revision is not None
    proposed = content_rows(review.revision)
    live = dict(content_rows(review.listing))
    return [
        {
            "label": label,
            "value": value,
            "live": live.get(label, ""),
            "changed": live.get(label) != value,
        }
        for label, value in proposed
    ]


def _supervise(
    request: HttpRequest, actor: User, listing: Listing, action: str, form: forms.Form
) -> bool:
    """Suspend or reinstate; False (errors on the form) if refused."""
    if not form.is_valid():
        return False
    try:
        if action == "suspend":
            services_listings.listing_suspend(
                actor=actor, listing=listing, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(number)s suspended.") % {"number": listing.number})
        else:
            services_listings.listing_reinstate(actor=actor, listing=listing)
            messages.success(request, _("%(number)s reinstated.") % {"number": listing.number})
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise page_error(exc) from exc
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
        return False
    return True


def _decide(request: HttpRequest, actor: User, review: ListingReview, form: DecisionForm) -> bool:
    if not form.is_valid():
        return False
    number = review.listing.number
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services_listings.review_decide(
            actor=actor, review=review, approve=approve, reasons=form.cleaned_data["reasons"]
        )
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise page_error(exc) from exc
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
        return False
    if approve:
        messages.success(request, _("%(number)s approved.") % {"number": number})
    else:
        messages.success(request, _("%(number)s rejected.") % {"number": number})
    return True


class ReinstateForm(forms.Form):
    pass


def _supervision_forms(request: HttpRequest, action: str) -> dict[str, forms.Form]:
    data = request.POST if request.method == "POST" else None
    return {
        "suspend": SuspendForm(data if action == "suspend" else None, prefix="suspend"),
        "reinstate": ReinstateForm(data if action == "reinstate" else None),
    }


def _supervision_context(listing: Listing, supervise: dict[str, forms.Form]) -> dict[str, Any]:
    return {
        "suspend_form": supervise["suspend"],
        "reinstate_errors": supervise["reinstate"].non_field_errors()
        if supervise["reinstate"].is_bound
        else [],
        "may_suspend": listing.state == ListingState.LISTED,
        "may_reinstate": listing.state == ListingState.SUSPENDED,
        "product_url": product_url(listing) if listing.state == ListingState.LISTED else "",
        "timeline_url": safe_url("audit:timeline", "catalog.listing", listing.pk),
    }


def _is_open(review: ListingReview) -> bool:
    if review.outcome != "manual" or review.decided_at is not None:
        return False
    if review.revision is not None:
        return review.revision.state == RevisionState.PENDING
    return review.listing.state == ListingState.PENDING


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = _operator(request)
    try:
        review = catalog_access.review_for_actor(actor, review_id)
    except DomainError as exc:
        raise page_error(exc) from exc
    action = request.POST.get("action", "") if request.method == "POST" else ""
    decide_form = DecisionForm(request.POST if action == "decide" else None, prefix="decide")
    supervise = _supervision_forms(request, action)
    if request.method == "POST":
        if action == "decide":
            if _decide(request, actor, review, decide_form):
                return redirect("catalog:review_queue")
        elif action in supervise:
            if _supervise(request, actor, review.listing, action, supervise[action]):
                return redirect("catalog:review_detail", review.pk)
        else:
            messages.error(request, _("Unknown action."))
    listing = review.listing
    listing.refresh_from_db()
    if review.revision is not None:
        review.revision.refresh_from_db()
    content: Any = review.revision or listing
    open_manual = _is_open(review)
    return render(
        request,
        "catalog/reviews/detail.html",
        {
            "review": review,
            "listing": listing,
            "supplier": listing.supplier,
            "content": content,
            "rows": _diff_rows(review) if review.revision else None,
            "content_rows": content_rows(content),
            "attributes": attribute_rows(content),
            "images": image_rows(list(content.image_ids or [])),
            "live_images": image_rows(list(listing.image_ids or [])) if review.revision else [],
            "rules": rule_rows(review.results or []),
            "version": review.ruleset.version,
            "open": open_manual,
            "overdue": bool(open_manual and review.deadline and review.deadline < timezone.now()),
            "decide_form": decide_form,
            "listing_url": reverse("catalog:listing_supervise", args=[listing.number]),
            "action": action,
            **_supervision_context(listing, supervise),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_supervise(request: HttpRequest, number: str) -> HttpResponse:
    """The listing page for operators supervising its supplier: content, state, review
    history, suspend/reinstate with a reason."""
    actor = _operator(request)
    try:
        listing = catalog_access.listing_for_supervisor(actor, number)
    except DomainError as exc:
        raise page_error(exc) from exc
    action = request.POST.get("action", "") if request.method == "POST" else ""
    supervise = _supervision_forms(request, action)
    if request.method == "POST":
        if action in supervise:
            if _supervise(request, actor, listing, action, supervise[action]):
                return redirect("catalog:listing_supervise", listing.number)
        else:
            messages.error(request, _("Unknown action."))
        listing.refresh_from_db()
    return render(
        request,
        "catalog/reviews/listing.html",
        {
            "listing": listing,
            "supplier": listing.supplier,
            "rows": content_rows(listing),
            "attributes": attribute_rows(listing),
            "images": image_rows(list(listing.image_ids or [])),
            "reviews": review_rows(listing),
            "own_reviews": {
                r.pk for r in listing.reviews.filter(operator_id=actor.organisation_id).only("pk")
            },
            "revision": revision_in_review(listing),
            "action": action,
            **_supervision_context(listing, supervise),
        },
    )
