"""The supplier's listing pages: the list, one listing with its reviews and revision, and the
actions on it (submit, delist, stock). The editor lives in `views_listing_editor`.

Views are thin: the services write and the rules engine judges content. A DomainError lands in
a message; never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govmall.catalog import services_listings

# Re-exported: the operator's review pages import these display helpers from here.
from govmall.catalog.display import (
    attribute_rows,
    content_rows,
    image_rows,
    product_url,
    review_rows,
    rule_rows,
    safe_url,
)
from govmall.catalog.forms_listings import StockForm
from govmall.catalog.listing_pages import (
    EDITABLE,
    SUBMITTABLE,
    blocker_messages,
    own_listing,
    page_error,
    review_message,
    revision_in_review,
    supplier_actor,
)
from govmall.catalog.models import Listing, ListingRevision, ListingState, RevisionState
from govmall.core.errors import DomainError

__all__ = [
    "attribute_rows",
    "content_rows",
    "image_rows",
    "listing_delist",
    "listing_detail",
    "listing_stock",
    "listing_submit",
    "my_listings",
    "page_error",
    "product_url",
    "review_rows",
    "revision_in_review",
    "rule_rows",
    "safe_url",
]

# ---- the list ------------------------------------------------------------------------------

STATE_TABS = [
    ("", gettext_lazy("All")),
    (ListingState.LISTED, gettext_lazy("Listed")),
    (ListingState.PENDING, gettext_lazy("Pending review")),
    (ListingState.DRAFT, gettext_lazy("Drafts")),
    (ListingState.REJECTED, gettext_lazy("Rejected")),
    (ListingState.DELISTED, gettext_lazy("Delisted")),
    (ListingState.SUSPENDED, gettext_lazy("Suspended")),
]


@login_required
@require_GET
def my_listings(request: HttpRequest) -> HttpResponse:
    who = supplier_actor(request)
    state = request.GET.get("state", "")
    if state not in ListingState.values:
        state = ""
    mine = Listing.objects.filter(supplier=who.supplier)
    counts = {row["state"]: row["n"] for row in mine.values("state").annotate(n=Count("id"))}
    tabs = [
        {
            "key": key,
            "label": label,
            "count": sum(counts.values()) if key == "" else counts.get(key, 0),
        }
        for key, label in STATE_TABS
    ]
    rows = mine.filter(state=state) if state else mine
    page = Paginator(rows.select_related("category").order_by("-updated_at", "-id"), 25).get_page(
        request.GET.get("page")
    )
    listing_ids = [listing.pk for listing in page.object_list]
    in_revision = set(
        ListingRevision.objects.filter(
            listing_id__in=listing_ids, state=RevisionState.PENDING
        ).values_list("listing_id", flat=True)
    )
    blockers = blocker_messages(who.supplier)
    return render(
        request,
        "catalog/listings/list.html",
        {
            "supplier": who.supplier,
            "page": page,
            "tabs": tabs,
            "state": state,
            "in_revision": in_revision,
            "blockers": blockers,
            "submittable": [s.value for s in SUBMITTABLE],
            "editable": [s.value for s in EDITABLE],
        },
    )


# ---- one listing ---------------------------------------------------------------------------


@login_required
@require_GET
def listing_detail(request: HttpRequest, number: str) -> HttpResponse:
    who = supplier_actor(request)
    listing = own_listing(who, number)
    revision = revision_in_review(listing)
    reviews = review_rows(listing)
    latest = reviews[0] if reviews else None
    latest_listing_review = next((r for r in reviews if not r["is_revision"]), None)
    latest_revision = listing.revisions.order_by("-id").first()
    return render(
        request,
        "catalog/listings/detail.html",
        {
            "listing": listing,
            "rows": content_rows(listing),
            "attributes": attribute_rows(listing),
            "images": image_rows(list(listing.image_ids or [])),
            "reviews": reviews,
            "latest": latest,
            "latest_listing_review": latest_listing_review,
            "revision": revision,
            "latest_revision": latest_revision,
            "revision_review": next(
                (
                    r
                    for r in reviews
                    if latest_revision and r["review"].revision_id == latest_revision.pk
                ),
                None,
            ),
            "stock_form": StockForm(initial={"stock": listing.stock}),
            "product_url": product_url(listing) if listing.state == ListingState.LISTED else "",
            "may_submit": listing.state in SUBMITTABLE,
            "may_edit": listing.state in EDITABLE,
            "may_delist": listing.state == ListingState.LISTED,
            "blockers": blocker_messages(who.supplier),
            "timeline_url": safe_url("audit:timeline", "catalog.listing", listing.pk),
        },
    )


@login_required
@require_POST
def listing_submit(request: HttpRequest, number: str) -> HttpResponse:
    who = supplier_actor(request)
    listing = own_listing(who, number)
    try:
        review = services_listings.listing_submit(actor=who.user, listing=listing)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, exc.message)
    else:
        review_message(request, review)
    return redirect("catalog:listing_detail", listing.number)


@login_required
@require_POST
def listing_delist(request: HttpRequest, number: str) -> HttpResponse:
    who = supplier_actor(request)
    listing = own_listing(who, number)
    try:
        services_listings.listing_delist(actor=who.user, listing=listing)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The product was delisted."))
    if request.POST.get("next") == "list":
        return redirect("catalog:my_listings")
    return redirect("catalog:listing_detail", listing.number)


@login_required
@require_POST
def listing_stock(request: HttpRequest, number: str) -> HttpResponse:
    who = supplier_actor(request)
    listing = own_listing(who, number)
    form = StockForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, f"{_('Stock')}: {message}")
        return redirect("catalog:listing_detail", listing.number)
    try:
        services_listings.listing_set_stock(
            actor=who.user, listing=listing, stock=form.cleaned_data["stock"]
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stock updated."))
    return redirect("catalog:listing_detail", listing.number)
