"""Catalogue API: the supplier bulk upsert (≤ 1,000 listings per call, idempotent by SKU)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govmall.accounts.access import request_user
from govmall.catalog import services_bulk
from govmall.core.api_base import ERRORS, ErrorOut

router = Router(tags=["catalog"])


class BulkIn(Schema):
    """`items`: listing fields as in the listing API (category code, title, brand, model_no,
    unit, price, attributes {key: value}, image_ids …) plus `sku` (required) and `stock`."""

    items: list[Any]


class FailureOut(Schema):
    code: str
    severity: str
    message_zh: str
    message_en: str


class ReviewOut(Schema):
    outcome: str
    ruleset_version: int
    failures: list[FailureOut]


class RowErrorOut(Schema):
    code: str
    field: str | None
    message: str


class ItemOut(Schema):
    index: int
    sku: str
    number: str
    state: str
    outcome: str
    review: ReviewOut | None
    errors: list[RowErrorOut]


class BulkOut(Schema):
    results: list[ItemOut]
    summary: dict[str, int]


@router.post(
    "/bulk/listings",
    response={200: BulkOut, **ERRORS, 413: ErrorOut},
    summary="Create or update many listings by SKU",
    description=(
        "Upsert up to 1,000 of your listings by SKU in one transaction. Every item is reviewed "
        "by the listing rules and its outcome returned (created, updated, unchanged, "
        "revision_applied, revision_pending, revision_rejected or error). Bad items are "
        "reported with their errors and skipped; the good ones go through. Sending the same "
        "items again changes nothing (all unchanged). More than 1,000 items: 413 "
        "`bulk_too_large`, nothing written."
    ),
)
def bulk_listings(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    outcomes = services_bulk.listings_bulk_upsert(actor=request_user(request), items=payload.items)
    return {
        "results": [o.as_json() for o in outcomes],
        "summary": services_bulk.summary_of(outcomes),
    }
