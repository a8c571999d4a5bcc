"""The public supplier directory API: active suppliers, public fields only."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from govmall.core.api_base import ERRORS
from govmall.suppliers.views_directory import (
    PAGE_SIZE,
    DirectoryQuery,
    directory_page,
    public_supplier,
)

router = Router(tags=["suppliers"])


class DirectoryFilters(Schema):
    q: str = ""
    type: str = ""
    region: str = ""
    city: str = ""
    page: int = 1


class PublicSupplierOut(Schema):
    name: str
    credit_code: str
    supplier_type: str
    supplier_type_label: str
    size: str
    size_label: str
    division_code: str
    division_name: str
    in_region: bool
    business_scope: str
    categories: list[str]
    hotline_hours: str
    shared: bool
    admitted_on: str | None


class DirectoryOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[PublicSupplierOut]


@router.get(
    "/suppliers/directory",
    auth=None,
    response={200: DirectoryOut, **ERRORS},
    summary="Public directory of active suppliers (public fields only)",
    description=(
        "q: part of the name or an exact credit code; type: enterprise, individual or other; "
        "region: in or out; city: a six-digit city code of the region (e.g. 150200); "
        f"page: 1-based, {PAGE_SIZE} per page (an out-of-range page gives the last one)."
    ),
)
def supplier_directory(request: HttpRequest, filters: Query[DirectoryFilters]) -> dict[str, object]:
    page = directory_page(
        DirectoryQuery(
            q=filters.q[:100], supplier_type=filters.type, region=filters.region, city=filters.city
        ),
        filters.page,
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": PAGE_SIZE,
        "results": [public_supplier(s) for s in page.object_list],
    }
