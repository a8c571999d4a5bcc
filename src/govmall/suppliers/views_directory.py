"""The public directory of active suppliers: public fields only.

Shown: name, credit code (printed on every business licence), type, size, registered division,
business scope, intended categories, after-sales hotline hours and the date admitted. Never
shown: contacts (phone, email, contact person), the legal representative, addresses, documents,
credit-list details or internal ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from govmall.accounts.models import Division, DivisionLevel
from govmall.suppliers.models import Supplier, SupplierStatus, SupplierType

PAGE_SIZE = 25
REGION_CHOICES = [
    ("", gettext_lazy("Anywhere")),
    ("in", gettext_lazy("In the region")),
    ("out", gettext_lazy("Outside the region")),
]


@dataclass(frozen=True)
class DirectoryQuery:
    q: str = ""
    supplier_type: str = ""
    region: str = ""
    city: str = ""


def region_cities() -> list[tuple[str, str]]:
    return list(
        Division.objects.filter(
            level=DivisionLevel.CITY, code__startswith=settings.GOVMALL_REGION_PREFIX
        )
        .order_by("code")
        .values_list("code", "name_zh")
    )


def directory_suppliers(query: DirectoryQuery) -> QuerySet[Supplier]:
    """Active suppliers matching the query, by name; only public columns are loaded."""
    qs = Supplier.objects.filter(status=SupplierStatus.ACTIVE)
    text = query.q.strip()[:100]
    if text:
        qs = qs.filter(Q(organisation__name__icontains=text) | Q(credit_code=text.upper()))
    if query.supplier_type in SupplierType.values:
        qs = qs.filter(supplier_type=query.supplier_type)
    prefix = settings.GOVMALL_REGION_PREFIX
    if query.region == "in":
        qs = qs.filter(organisation__division__code__startswith=prefix)
    elif query.region == "out":
        qs = qs.exclude(organisation__division__code__startswith=prefix)
    if len(query.city) == 6 and query.city.isdigit() and query.city.startswith(prefix):
        qs = qs.filter(organisation__division__code__startswith=query.city[:4])
    return (
        qs.select_related("organisation__division__parent")
        .only(
            "credit_code",
            "supplier_type",
            "size",
            "business_scope",
            "intended_categories",
            "hotline_hours",
            "source",
            "activated_at",
            "organisation__name",
            "organisation__division__code",
            "organisation__division__name_zh",
            "organisation__division__parent__code",
            "organisation__division__parent__name_zh",
        )
        .order_by("organisation__name", "id")
    )


def public_supplier(supplier: Supplier) -> dict[str, Any]:
    division = supplier.organisation.division
    parent = division.parent
    return {
        "name": supplier.organisation.name,
        "credit_code": supplier.credit_code,
        "supplier_type": supplier.supplier_type,
        "supplier_type_label": str(supplier.get_supplier_type_display()),
        "size": supplier.size,
        "size_label": str(supplier.get_size_display()),
        "division_code": division.code,
        "division_name": (
            f"{parent.name_zh} {division.name_zh}" if parent is not None else division.name_zh
        ),
        "in_region": division.code.startswith(settings.GOVMALL_REGION_PREFIX),
        "business_scope": supplier.business_scope,
        "categories": list(supplier.intended_categories or []),
        "hotline_hours": supplier.hotline_hours,
        "shared": supplier.source == "shared",
        "admitted_on": (
            timezone.localdate(supplier.activated_at).isoformat() if supplier.activated_at else None
        ),
    }


def directory_page(query: DirectoryQuery, page_number: Any) -> Page:
    return Paginator(directory_suppliers(query), PAGE_SIZE).get_page(page_number)


class DirectoryForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or credit code"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        choices=[("", gettext_lazy("All types")), *SupplierType.choices],
    )
    region = forms.ChoiceField(
        label=gettext_lazy("Registered"), required=False, choices=REGION_CHOICES
    )
    city = forms.ChoiceField(label=gettext_lazy("City in the region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city = self.fields["city"]
        assert isinstance(city, forms.ChoiceField)
        city.choices = [("", gettext_lazy("All cities")), *region_cities()]


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query = DirectoryQuery(
        q=data.get("q") or "",
        supplier_type=data.get("type") or "",
        region=data.get("region") or "",
        city=data.get("city") or "",
    )
    page = directory_page(query, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    rows = [public_supplier(s) for s in page.object_list]
    # --- trading after-sales: public rating averages of the page's suppliers (one query) ---
    from govmall.trading.selectors_ratings import ratings_by_supplier

    ratings = ratings_by_supplier([s.pk for s in page.object_list])
    for supplier, row in zip(page.object_list, rows, strict=True):
        row["ratings"] = ratings[supplier.pk]
    # --- end of ratings ---
    return render(
        request,
        "suppliers/directory.html",
        {"form": form, "page": page, "rows": rows, "querystring": params.urlencode()},
    )
