"""Catalogue API: a supplier's listings (create, list, read, edit, submit, delist, stock, dry-run
check) and product pictures.

Bodies are parsed by `catalog.content` (the same parser as the pages and bulk import), so every
input error is the one error shape with a stable code and the field at fault: unknown_category,
category_not_leaf, invalid_attribute, unknown_attribute, invalid_price, invalid_warranty,
invalid_stock, unknown_division, invalid_date, unknown_image, too_many_images,
invalid_extra_fee, too_long, required, duplicate_sku, supplier_cannot_trade,
invalid_transition (409) …; another supplier's listing is the same 404 as a missing one.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from govmall.accounts.access import request_user
from govmall.catalog import selectors_listings as sel
from govmall.catalog import services_listings as services
from govmall.catalog.access import listing_for_actor
from govmall.catalog.content import parse_content, parse_content_errors, parse_stock
from govmall.catalog.models import Listing, ListingRevision
from govmall.catalog.services_images import image_upload
from govmall.core.api_base import ERRORS
from govmall.core.errors import DomainError

router = Router(tags=["catalog"])


# --- schemas --------------------------------------------------------------------------------


class ListingIn(Schema):
    """Listing content. `category` is the category code; `attributes` {key: value} by the
    category's template; `price` a string ("1999.00") or number; `image_ids` ids from
    POST /images; `delivery_divisions` division codes (empty = nationwide); `extra_fees`
    [{name, amount}]. Types are checked by the listing parser, not here."""

    model_config = ConfigDict(extra="ignore")

    category: Any = None
    title: Any = None
    brand: Any = None
    model_no: Any = None
    manufacturer: Any = None
    attributes: Any = None
    unit: Any = None
    price: Any = None
    warranty_months: Any = None
    delivery_divisions: Any = None
    origin: Any = None
    energy_cert_no: Any = None
    energy_cert_expiry: Any = None
    image_ids: Any = None
    description: Any = None
    extra_fees: Any = None
    no_extra_fees: Any = None
    after_sales: Any = None
    sku: Any = None
    stock: Any = None


class CheckIn(ListingIn):
    number: Any = Field(None, description="The listing being edited (excluded from duplicates)")


class StockIn(Schema):
    stock: Any = None


class ImageOut(Schema):
    id: int
    url: str
    thumb_url: str


class FailureOut(Schema):
    code: str
    severity: str
    message_zh: str
    message_en: str


class ReviewOut(Schema):
    id: int
    listing: str
    revision_id: int | None
    outcome: str
    ruleset_version: int
    created_at: datetime
    deadline: datetime | None
    overdue: bool
    operator_id: int | None
    decision: str
    decided_at: datetime | None
    reasons: str
    failures: list[FailureOut]
    results: list[dict[str, Any]] = []


class ContentOut(Schema):
    category: str
    category_name_zh: str
    category_name_en: str
    title: str
    brand: str
    model_no: str
    manufacturer: str
    attributes: dict[str, Any]
    unit: str
    price: str
    warranty_months: int
    delivery_divisions: list[str]
    origin: str
    energy_cert_no: str
    energy_cert_expiry: date | None
    image_ids: list[int]
    images: list[ImageOut]
    description: str
    extra_fees: list[dict[str, Any]]
    no_extra_fees: bool
    after_sales: str


class RevisionOut(Schema):
    id: int
    state: str
    created_at: datetime
    closed_at: datetime | None
    content: ContentOut
    review: ReviewOut | None


class ListingSummaryOut(ContentOut):
    number: str
    state: str
    sku: str
    stock: int
    created_at: datetime
    updated_at: datetime
    listed_at: datetime | None
    suspended_reason: str


class ListingOut(ListingSummaryOut):
    latest_review: ReviewOut | None
    pending_revision: RevisionOut | None


class ListingPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ListingSummaryOut]


class UpdateOut(Schema):
    listing: ListingOut
    revision: RevisionOut | None = Field(
        None, description="For a listed product: the revision the edit created, with its review"
    )


class SubmitOut(Schema):
    number: str
    state: str
    review: ReviewOut


class ErrorItem(Schema):
    code: str
    field: str | None
    message: str


class VerdictResultOut(Schema):
    code: str
    severity: str
    status: str
    message_zh: str
    message_en: str
    details: dict[str, Any]


class VerdictOut(Schema):
    outcome: str
    ruleset_version: int
    results: list[VerdictResultOut]


class CheckOut(Schema):
    errors: list[ErrorItem] = Field(..., description="Structural errors (then no review)")
    review: VerdictOut | None


class ListingQuery(Schema):
    state: str | None = Field(None, description="draft, pending, listed, rejected, delisted …")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(sel.PAGE_SIZE, ge=1, le=sel.MAX_PAGE_SIZE)


class UploadedImageOut(Schema):
    id: int
    width: int
    height: int
    url: str
    thumb_url: str


# --- helpers --------------------------------------------------------------------------------


def _body(payload: Schema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


def _reload(listing: Listing) -> Listing:
    return Listing.objects.select_related("category", "supplier").get(pk=listing.pk)


# --- endpoints ------------------------------------------------------------------------------


@router.post(
    "/listings",
    response={201: ListingOut, **ERRORS},
    summary="Create a draft listing (content, sku, stock)",
)
def create_listing(request: HttpRequest, payload: ListingIn) -> Status:
    actor = request_user(request)
    supplier = services.require_listing_actor(actor)
    raw = _body(payload)
    data = parse_content(raw, supplier=supplier)
    stock = parse_stock(raw.get("stock"))
    listing = services.listing_create(actor=actor, data=data, sku=raw.get("sku") or "", stock=stock)
    return Status(201, sel.listing_json(_reload(listing)))


@router.get(
    "/listings",
    response={200: ListingPageOut, **ERRORS},
    summary="My supplier's listings (newest change first), optionally by state",
)
def list_listings(request: HttpRequest, query: Query[ListingQuery]) -> dict[str, Any]:
    supplier = services.supplier_of(request_user(request))
    listings = sel.supplier_listings(supplier, query.state)
    count = listings.count()
    start = (query.page - 1) * query.page_size
    rows = listings[start : start + query.page_size]
    return {
        "count": count,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
        "results": [sel.listing_json(row, detail=False) for row in rows],
    }


@router.post(
    "/listings/check",
    response={200: CheckOut, **ERRORS},
    summary="Dry run: structural errors, or the review the rules would give now (no writes)",
)
def check_listing(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    actor = request_user(request)
    supplier = services.supplier_of(actor)
    raw = _body(payload)
    listing_id = None
    if raw.get("number"):
        listing_id = listing_for_actor(actor, str(raw["number"])).pk
    data, errors = parse_content_errors(raw, supplier=supplier)
    if errors or data is None:
        return {
            "errors": [{"code": e.code, "field": e.field, "message": e.message} for e in errors],
            "review": None,
        }
    verdict = services.review_preview(supplier=supplier, data=data, listing_id=listing_id)
    return {
        "errors": [],
        "review": {
            "outcome": verdict.outcome,
            "ruleset_version": verdict.ruleset_version,
            "results": [r.as_json() for r in verdict.results],
        },
    }


@router.get(
    "/listings/{number}",
    response={200: ListingOut, **ERRORS},
    summary="One of my supplier's listings, with its latest review and pending revision",
)
def get_listing(request: HttpRequest, number: str) -> dict[str, Any]:
    return sel.listing_json(listing_for_actor(request_user(request), number))


@router.patch(
    "/listings/{number}",
    response={200: UpdateOut, **ERRORS},
    summary="Edit a listing: the fields given replace the current ones",
    description="Draft/rejected/delisted: edited in place (rejected becomes draft). Listed: a "
    "revision reviewed at once; the live version stays on sale until it passes. Pending or "
    "suspended: 409 invalid_transition.",
)
def update_listing(request: HttpRequest, number: str, payload: ListingIn) -> dict[str, Any]:
    actor = request_user(request)
    listing = listing_for_actor(actor, number)
    changes = _body(payload)
    sku = changes.pop("sku", None)
    if "stock" in changes:
        raise DomainError(
            "invalid_stock",
            _("Stock is not content: change it with POST /listings/{number}/stock."),
            field="stock",
        )
    if sku is not None and not isinstance(sku, str):
        raise DomainError("invalid", _("Enter text."), field="sku")
    raw = {**sel.raw_from_row(listing), **changes}
    data = parse_content(raw, supplier=listing.supplier)
    result = services.listing_update(actor=actor, listing=listing, data=data, sku=sku)
    revision = result if isinstance(result, ListingRevision) else None
    return {
        "listing": sel.listing_json(_reload(listing)),
        "revision": sel.revision_json(revision) if revision is not None else None,
    }


@router.post(
    "/listings/{number}/submit",
    response={200: SubmitOut, **ERRORS},
    summary="Submit for review: listed at once, rejected with reasons, or queued for a human",
)
def submit_listing(request: HttpRequest, number: str) -> dict[str, Any]:
    actor = request_user(request)
    listing = listing_for_actor(actor, number)
    review = services.listing_submit(actor=actor, listing=listing)
    listing = _reload(listing)
    return {"number": listing.number, "state": listing.state, "review": sel.review_json(review)}


@router.post(
    "/listings/{number}/delist",
    response={200: ListingOut, **ERRORS},
    summary="Take a listed product off sale",
)
def delist_listing(request: HttpRequest, number: str) -> dict[str, Any]:
    actor = request_user(request)
    listing = listing_for_actor(actor, number)
    services.listing_delist(actor=actor, listing=listing)
    return sel.listing_json(_reload(listing))


@router.post(
    "/listings/{number}/stock",
    response={200: ListingOut, **ERRORS},
    summary="Set the stock (not reviewed; applies at once)",
)
def set_stock(request: HttpRequest, number: str, payload: StockIn) -> dict[str, Any]:
    actor = request_user(request)
    listing = listing_for_actor(actor, number)
    services.listing_set_stock(actor=actor, listing=listing, stock=payload.stock)
    return sel.listing_json(_reload(listing))


@router.post(
    "/images",
    response={201: UploadedImageOut, **ERRORS},
    summary="Upload a product picture (multipart `file`: JPEG, PNG or WebP, ≤ 8 MB, ≥ 200×200)",
    description="Decoded completely and re-encoded (EXIF and other metadata removed). Errors: "
    "invalid_image, image_too_small, image_too_large, supplier_cannot_trade.",
)
def upload_image(request: HttpRequest, file: File[UploadedFile]) -> Status:
    image = image_upload(actor=request_user(request), upload=file)
    return Status(
        201,
        {
            "id": image.pk,
            "width": image.width,
            "height": image.height,
            **{k: v for k, v in sel.image_urls(image.pk).items() if k != "id"},
        },
    )
