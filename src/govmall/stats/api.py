"""Statistics API: public figures, computed from the data on every request."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from govmall.core.api_base import ERRORS
from govmall.stats.compliance import change_compliance, parse_period
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


class ChangeFiguresOut(Schema):
    decided: int
    approved: int
    rejected: int
    within_deadline: int
    within_deadline_share: str
    median_hours: str | None
    disputed: int


class ChangeOperatorOut(ChangeFiguresOut):
    operator_id: int
    operator: str


class ChangeComplianceOut(ChangeFiguresOut):
    from_: date | None = Field(None, alias="from")
    to: date | None
    awaiting_verification: int
    overdue_now: int
    by_operator: list[ChangeOperatorOut]


class PeriodQuery(Schema):
    from_: str | None = Field(None, alias="from", description="First day (YYYY-MM-DD), inclusive")
    to: str | None = Field(None, description="Last day (YYYY-MM-DD), inclusive")


@router.get(
    "/changes",
    auth=None,
    response={200: ChangeComplianceOut, **ERRORS},
    by_alias=True,
    summary="Returns and terminations: verification within 1 working day (public)",
    description=(
        "Requests approved or rejected by the owning operator with the decision in the period "
        "(Beijing dates, inclusive): how many, the share verified by the deadline (percentage "
        'with two decimals, e.g. "95.00"), the median hours from the supplier\'s agreement to '
        "the decision (one decimal), and the requests that became disputes (objection or "
        "silence) in the period; overall and per owning operator. Errors: invalid_date, "
        "invalid_period."
    ),
)
def change_statistics(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, object]:
    start, end = parse_period(query.from_, query.to)
    return change_compliance(start, end)
