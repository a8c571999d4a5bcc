"""What an order records about what was bought and who sold it, frozen at purchase.

Later edits of a listing, its category or its review never change a concluded purchase, so
each line carries a snapshot (product data and the outcome of the listing's latest passing
review) and the order carries the supplier's SME declaration (中小企业声明函).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q

from govmall.catalog.models import Listing, ListingReview, ManualDecision, ReviewOutcome
from govmall.suppliers.models import Supplier

# The standard sentence of the declaration, recorded verbatim on the order.
SME_DECLARATION_TEXT = (
    "本公司郑重声明，根据《政府采购促进中小企业发展管理办法》的规定，"
    "本公司为%(size)s企业，所提供的货物由本企业制造或销售，声明内容真实有效。"
)
SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def sme_declaration(supplier: Supplier, at: datetime) -> dict[str, Any]:
    size = supplier.size or ""
    return {
        "size": size,
        "declared": True,
        "text": SME_DECLARATION_TEXT % {"size": SIZE_ZH.get(size, size)},
        "at": at.isoformat(),
    }


def is_sme(declaration: dict[str, Any]) -> bool:
    return declaration.get("size") in ("medium", "small", "micro")


def passing_reviews(listing_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{listing id: {"outcome", "ruleset_version", "reviewed_at"}} of each listing's latest
    passing review (passed by the rules, or approved by an operator): one query."""
    ids = list(listing_ids)
    latest: dict[int, dict[str, Any]] = {}
    if not ids:
        return latest
    rows = (
        ListingReview.objects.filter(listing_id__in=ids)
        .filter(Q(outcome=ReviewOutcome.PASSED) | Q(decision=ManualDecision.APPROVED))
        .order_by("listing_id", "-id")
        .values_list("listing_id", "outcome", "ruleset__version", "created_at", "decided_at")
    )
    for listing_id, outcome, version, created_at, decided_at in rows:
        if listing_id not in latest:
            latest[listing_id] = review_summary(outcome, version, created_at, decided_at)
    return latest


def review_summary(
    outcome: str, version: int, created_at: datetime, decided_at: datetime | None
) -> dict[str, Any]:
    """A passing review as a line records it: a manual review counts as the operator's
    approval, at the time of the decision."""
    manual = outcome == ReviewOutcome.MANUAL
    reviewed_at = decided_at if manual and decided_at else created_at
    return {
        "outcome": "approved" if manual else outcome,
        "ruleset_version": version,
        "reviewed_at": reviewed_at.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class CategoryRow:
    code: str
    name_zh: str
    name_en: str
    gp_code: str


@dataclass(frozen=True, slots=True)
class ListingRow:
    """What an order line needs of a listing, as `order_place_fast` reads it: a plain object
    (a partial model instance cost more CPU than the rest of the line)."""

    pk: int
    number: str
    state: str
    supplier_id: int
    price: Decimal
    title: str
    brand: str
    model_no: str
    manufacturer: str
    unit: str
    attributes: Any
    energy_cert_no: str
    energy_cert_expiry: date | None
    warranty_months: int
    origin: str
    delivery_divisions: Any
    category: CategoryRow


def line_snapshot(listing: Listing | ListingRow, review: dict[str, Any] | None) -> dict[str, Any]:
    """The product data of one line (listing and category already loaded)."""
    category = listing.category
    return {
        "listing": listing.number,
        "title": listing.title,
        "brand": listing.brand,
        "model_no": listing.model_no,
        "manufacturer": listing.manufacturer,
        "unit": listing.unit,
        "category": {
            "code": category.code,
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "gp_code": category.gp_code,
        },
        "attributes": listing.attributes if isinstance(listing.attributes, dict) else {},
        "energy_cert_no": listing.energy_cert_no,
        "energy_cert_expiry": (
            listing.energy_cert_expiry.isoformat() if listing.energy_cert_expiry else None
        ),
        "warranty_months": listing.warranty_months,
        "origin": listing.origin,
        "price": str(listing.price),
        "review": review,
    }


def delivers_to(listing: Listing | ListingRow, division_path: str) -> bool:
    """A listing without delivery divisions delivers nationwide; a province or city code
    covers every division below it (its code is on the division's path)."""
    codes = listing.delivery_divisions or []
    if not codes:
        return True
    path = set(division_path.split("/"))
    return any(str(code) in path for code in codes)
