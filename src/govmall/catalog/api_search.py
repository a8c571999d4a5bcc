"""Catalogue API: public search, product detail and comparison (listed products only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from govmall.catalog.search.products import compare_table, parse_numbers, product_detail
from govmall.catalog.search.query import parse_query
from govmall.catalog.search.service import search
from govmall.core.api_base import ERRORS

router = Router(tags=["catalog"])


class SearchParams(Schema):
    """Documented parameters (all strings: the service validates them and answers with
    stable error codes). Attribute filters come as `attr.<key>=<value>`."""

    q: str = ""
    category: str = ""
    brand: str = ""
    min_price: str = ""
    max_price: str = ""
    division: str = ""
    delivers_to: str = ""
    sort: str = ""
    page: str = ""
    page_size: str = ""


class ResultOut(Schema):
    number: str
    title: str
    brand: str
    model_no: str
    price: str
    unit: str
    category_code: str
    category_name: str
    energy_status: str
    supplier_name: str
    supplier_division: str
    thumbnail_url: str | None
    listed_at: str | None


class CategoryFacetOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    depth: int
    parent: str | None
    count: int


class BrandFacetOut(Schema):
    id: int
    name: str
    key: str
    count: int


class PriceFacetOut(Schema):
    min: str
    max: str | None
    count: int


class FacetsOut(Schema):
    categories: list[CategoryFacetOut]
    brands: list[BrandFacetOut]
    price_ranges: list[PriceFacetOut]
    sampled: bool


class SearchOut(Schema):
    count: int
    count_is_estimate: bool
    results: list[ResultOut]
    facets: FacetsOut
    page: int
    page_size: int
    sort: str


@router.get(
    "/search",
    auth=None,
    response={200: SearchOut, **ERRORS},
    summary="Search listed products (public)",
    description=(
        "q: words (jieba; every word must match) or an exact brand/model in any case or "
        "width; category: a category code (its descendants included); brand: a brand name "
        "(repeat for any of several); min_price/max_price: inclusive CNY; division: the "
        "supplier's division (or an ancestor); delivers_to: a division the product is "
        "delivered to; attr.<key>=<value>: filterable attributes; sort: relevance (default "
        "with q), newest (default without), price, price_desc; page (1-based) and page_size "
        "(20, at most 50). Counts above the search cap are estimates (count_is_estimate) and "
        "facets then come from the newest matches (facets.sampled); relevance ranks within "
        "those; pages beyond the cap are empty. Errors: invalid_price, invalid_price_range, "
        "unknown_category, unknown_division, invalid_sort, invalid_page, invalid_page_size, "
        "invalid_query, invalid_attribute_filter."
    ),
)
def catalog_search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    return search(parse_query(request.GET)).as_dict()


class NamedCode(Schema):
    code: str
    name: str


class CategoryPathOut(Schema):
    code: str
    name_zh: str
    name_en: str


class CategoryOut(Schema):
    code: str
    name_zh: str
    name_en: str
    name: str
    path: list[CategoryPathOut]


class AttributeOut(Schema):
    key: str
    name_zh: str
    name_en: str
    name: str
    kind: str
    unit: str
    value: Any = None
    display: str


class ImageOut(Schema):
    id: int
    url: str | None
    thumb_url: str | None


class FeeOut(Schema):
    name: str
    amount: str


class SupplierOut(Schema):
    name: str
    division_code: str
    division_name: str


class ProductOut(Schema):
    number: str
    title: str
    brand: str
    model_no: str
    manufacturer: str
    category: CategoryOut
    energy_status: str
    energy_cert_no: str
    energy_cert_expiry: str | None
    price: str
    unit: str
    stock: int
    warranty_months: int
    origin: str
    origin_label: str
    nationwide: bool
    delivery_divisions: list[NamedCode]
    attributes: list[AttributeOut]
    images: list[ImageOut]
    description: str
    extra_fees: list[FeeOut]
    no_extra_fees: bool
    after_sales: str
    supplier: SupplierOut
    listed_at: str | None


@router.get(
    "/products/{number}",
    auth=None,
    response={200: ProductOut, **ERRORS},
    summary="A listed product (public); anything not on sale is 404",
)
def catalog_product(request: HttpRequest, number: str) -> dict[str, Any]:
    return product_detail(number.strip().upper()[:30])


class CompareParams(Schema):
    numbers: str = ""


class CompareProductOut(Schema):
    number: str
    title: str
    brand: str
    model_no: str
    price: str
    unit: str
    warranty_months: int
    origin: str
    origin_label: str
    category_code: str
    category_name: str
    energy_status: str
    supplier_name: str
    thumbnail_url: str | None


class CompareRowOut(Schema):
    key: str
    name: str
    display: list[str]
    differs: bool


class CompareAttributeOut(Schema):
    key: str
    name: str
    name_zh: str
    name_en: str
    unit: str
    values: list[Any]
    display: list[str]
    differs: bool


class CompareOut(Schema):
    products: list[CompareProductOut]
    basics: list[CompareRowOut]
    attributes: list[CompareAttributeOut]


@router.get(
    "/compare",
    auth=None,
    response={200: CompareOut, **ERRORS},
    summary="Compare 2–4 listed products, attributes aligned by key (public)",
    description=(
        "numbers: product numbers separated by commas (or the parameter repeated). Errors: "
        "compare_too_few, compare_too_many (422), unknown_product (404, details.numbers)."
    ),
)
def catalog_compare(request: HttpRequest, params: Query[CompareParams]) -> dict[str, Any]:
    return compare_table(parse_numbers(request.GET.getlist("numbers")))
