"""Statistics API: public figures, computed from the data on every request."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from govmall.core.api_base import ERRORS
from govmall.stats.selectors import supplier_stats

router = Router(tags=["stats"])


class BreakdownOut(Schema):
    key: str
    label: str
    count: int
    share: str


class DivisionOut(Schema):
    code: str
    name: str
    in_region: bool
    count: int
    share: str


class VerificationOut(Schema):
    completed: int
    within_deadline: int
    within_deadline_share: str
    median_hours: str | None


class SupplierStatsOut(Schema):
    total: int
    in_region: int
    in_region_share: str
    out_of_region: int
    out_of_region_share: str
    individual_businesses: int
    individual_business_share: str
    by_type: list[BreakdownOut]
    by_size: list[BreakdownOut]
    by_division: list[DivisionOut]
    verification: VerificationOut


@router.get(
    "/suppliers",
    auth=None,
    response={200: SupplierStatsOut, **ERRORS},
    summary="Supplier statistics over active suppliers (public)",
    description=(
        'Shares are percentages as strings with two decimals and no % sign ("83.17"). '
        "In-region: registered division 15xxxx. by_division: in-region suppliers by city "
        "(first four digits + 00), others by province. verification: applications decided by "
        "approve, return or reject; median_hours from submission to decision (one decimal)."
    ),
)
def supplier_statistics(request: HttpRequest) -> dict[str, object]:
    return supplier_stats()
