"""The shapes shared by listing services, the rules engine, bulk import and search: validated
listing content, a candidate for review, and the review's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from govmall.catalog.models import Category

# The content fields a Listing and a ListingRevision share (ListingContent), in form order.
CONTENT_FIELDS: list[str] = [
    "category",
    "title",
    "brand",
    "model_no",
    "manufacturer",
    "attributes",
    "unit",
    "price",
    "warranty_months",
    "delivery_divisions",
    "origin",
    "energy_cert_no",
    "energy_cert_expiry",
    "image_ids",
    "description",
    "extra_fees",
    "no_extra_fees",
    "after_sales",
]


@dataclass
class ListingData:
    """Content whose types are right (category exists, price a positive Decimal, attribute
    values of their kinds, images the supplier's own); the rules judge the rest."""

    category: Category
    title: str
    brand: str
    model_no: str
    unit: str
    price: Decimal
    manufacturer: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    warranty_months: int = 0
    delivery_divisions: list[str] = field(default_factory=list)
    origin: str = "domestic"
    energy_cert_no: str = ""
    energy_cert_expiry: date | None = None
    image_ids: list[int] = field(default_factory=list)
    description: str = ""
    extra_fees: list[dict[str, str]] = field(default_factory=list)
    no_extra_fees: bool = False
    after_sales: str = ""

    def as_fields(self) -> dict[str, Any]:
        """Model field values (for Listing/ListingRevision)."""
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


@dataclass(frozen=True)
class ImageInfo:
    id: int
    width: int
    height: int


@dataclass
class Candidate:
    """One listing (or revision) to review. `listing_id` is excluded from the duplicate check;
    `images` are the resolved image_ids, in order."""

    data: ListingData
    supplier_id: int
    listing_id: int | None = None
    images: list[ImageInfo] = field(default_factory=list)


@dataclass
class RuleResult:
    code: str
    severity: str  # reject | review
    status: str  # pass | fail | no_reference | skipped
    message_zh: str = ""
    message_en: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "status": self.status,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": self.details,
        }


@dataclass
class Verdict:
    ruleset_version: int
    outcome: str  # passed | rejected | manual (ReviewOutcome values)
    results: list[RuleResult]

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.failed]
