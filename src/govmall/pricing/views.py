"""Reference price pages: search (operators, regulators), CSV import (regional operator
admins), an import's report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error
from govmall.pricing import selectors
from govmall.pricing.access import can_import_references, can_view_references
from govmall.pricing.csvimport import read_rows
from govmall.pricing.forms import SearchForm, UploadForm
from govmall.pricing.services import (
    FIELDS,
    LIMITS,
    reference_import,
    rows_duplicate,
)

IMPORTS_SHOWN = 10
MAX_FILE_BYTES = 20 * 1024 * 1024


def _viewer(request: HttpRequest) -> User:
    actor = request_user(request)
    if not can_view_references(actor):
        raise PermissionDenied
    return actor


@login_required
def references(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    form = SearchForm(request.GET or None)
    brand = model = source = ""
    if form.is_bound and form.is_valid():
        brand = form.cleaned_data["brand"]
        model = form.cleaned_data["model"]
        source = form.cleaned_data["source"]
    rows = selectors.references(brand=brand, model=model, source=source).select_related("batch")
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    lowest = None
    if brand.strip() and model.strip():
        lowest, _since = selectors.lowest_reference(brand, model)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pricing/references.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "searched": bool(brand or model or source),
            "lowest": lowest,
            "window_days": selectors.DEFAULT_WINDOW_DAYS,
            "may_import": can_import_references(actor),
            "imports": selectors.imports()[:IMPORTS_SHOWN],
        },
    )


def _import_page(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "pricing/import.html",
        {
            "form": form,
            "columns": FIELDS,
            "limit": LIMITS["csv"],
            "imports": selectors.imports()[:IMPORTS_SHOWN],
        },
        status=status,
    )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not can_import_references(actor):
        raise PermissionDenied
    if request.method != "POST":
        return _import_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise DomainError(
                "file_too_large",
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                field="file",
            )
        rows = read_rows(upload.read(), max_rows=LIMITS["csv"])
        imp = reference_import(
            actor=actor, rows=rows, channel="csv", file_name=upload.name or "references.csv"
        )
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        add_domain_error(form, exc)
        return _import_page(request, form, status=400)
    messages.success(
        request,
        _("Imported %(ok)d of %(total)d rows from %(name)s.")
        % {"ok": imp.rows_imported, "total": imp.rows_total, "name": imp.file_name},
    )
    return redirect("pricing:import_detail", import_id=imp.pk)


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    _viewer(request)
    imp = selectors.import_by_id(import_id)
    if imp is None:
        raise Http404
    return render(
        request,
        "pricing/import_detail.html",
        {"imp": imp, "duplicates": rows_duplicate(imp), "lines": imp.report},
    )
