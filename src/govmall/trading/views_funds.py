"""Funds pages: the regulator's overview, a unit's sources, a source with its ledger, the CSV
import; a purchasing unit's read-only "Our funds"; its admin's approval limit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govmall.accounts.access import request_user
from govmall.accounts.roles import Role
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error
from govmall.trading import selectors_funds as sel
from govmall.trading.funds_import import read_rows
from govmall.trading.models import FundMovement
from govmall.trading.services_funds import (
    MAX_IMPORT_ROWS,
    funding_source_create,
    funding_source_import,
    funding_source_update,
)
from govmall.trading.services_policy import policy_set_limit

MAX_FILE_BYTES = 5 * 1024 * 1024
LEDGER_PAGE = 50


# --- forms (text fields: the services validate and name the field at fault) -----------------


class SourceForm(forms.Form):
    fiscal_year = forms.CharField(label=gettext_lazy("Fiscal year"), max_length=4)
    budget_line = forms.CharField(
        label=gettext_lazy("Budget line code (预算项目编码)"),
        max_length=60,
        help_text=gettext_lazy("Letters, digits and hyphens, as in the budget system."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    amount = forms.CharField(
        label=gettext_lazy("Amount (yuan)"),
        max_length=30,
        help_text=gettext_lazy("For example 500000.00"),
    )


class AmountForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("New amount (yuan)"), max_length=30)
    note = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Kept in the ledger, e.g. the budget adjustment document number."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Funds file (CSV)"),
        help_text=gettext_lazy(
            "UTF-8 or GB18030. Good rows are applied, faulty rows are reported."
        ),
    )


class PolicyForm(forms.Form):
    approval_limit = forms.CharField(
        label=gettext_lazy("Approval limit (yuan)"),
        max_length=30,
        required=False,
        help_text=gettext_lazy(
            "Orders above this amount wait for the unit's approver. Leave empty for no "
            "approval step; 0 sends every order to the approver."
        ),
    )


# --- plumbing -------------------------------------------------------------------------------


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refusals that are not form errors become the usual 403/404 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            if exc.status in (401, 403):
                raise DjangoPermissionDenied from exc
            raise

    return login_required(wrapper)


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _year_options() -> list[int]:
    from django.utils import timezone

    this = timezone.localdate().year
    return list(range(this + 1, this - 4, -1))


# --- regulator pages ------------------------------------------------------------------------


@domain_errors
def funds(request: HttpRequest) -> HttpResponse:
    """Units in the regulator's jurisdiction with their totals."""
    actor = request_user(request)
    query = request.GET.get("q", "").strip()[:100]
    year = _year(request)
    units = sel.unit_overview(actor, query=query, fiscal_year=year)
    page = Paginator(units, sel.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "trading/funds/overview.html",
        {
            "page": page,
            "q": query,
            "year": year,
            "years": _year_options(),
            "querystring": params.urlencode(),
            "jurisdiction": actor.organisation.division if actor.organisation else None,
        },
    )


@domain_errors
def funds_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One unit's sources and the form adding one."""
    actor = request_user(request)
    unit = sel.unit_for_regulator_view(actor, unit_id)
    form = SourceForm(request.POST or None, initial={"fiscal_year": _year_options()[1]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                source = funding_source_create(actor=actor, unit_id=unit.pk, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Funding source %(line)s added.") % {"line": source.budget_line},
                )
                return redirect("trading:funds_unit", unit_id=unit.pk)
        status = 400
    sources = sel.unit_sources(unit)
    return render(
        request,
        "trading/funds/unit.html",
        {
            "unit": unit,
            "sources": sources,
            "totals": sel.totals(sources),
            "form": form,
            "limit": sel.approval_limit(unit.pk),
        },
        status=status,
    )


@domain_errors
def funds_source(request: HttpRequest, source_id: int) -> HttpResponse:
    """A source with its ledger. Regulators change its amount and (de)activate it; members
    of the unit read it."""
    actor = request_user(request)
    source = sel.source_for_actor(actor, source_id)
    may_edit = sel.is_regulator(actor)
    form = AmountForm(initial={"amount": source.amount}) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise DjangoPermissionDenied
        action = request.POST.get("action", "amount")
        try:
            if action in ("deactivate", "reactivate"):
                funding_source_update(
                    actor=actor, source_id=source.pk, active=action == "reactivate"
                )
                messages.success(request, _("Funding source updated."))
                return redirect("trading:funds_source", source_id=source.pk)
            form = AmountForm(request.POST)
            if form.is_valid():
                funding_source_update(actor=actor, source_id=source.pk, **form.cleaned_data)
                messages.success(request, _("Amount changed."))
                return redirect("trading:funds_source", source_id=source.pk)
        except DomainError as exc:
            if form is None or exc.status in (403, 404):
                raise
            add_domain_error(form, exc)
        status = 400
    movements = Paginator(sel.ledger(source), LEDGER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trading/funds/source.html",
        {
            "source": source,
            "form": form,
            "may_edit": may_edit,
            "movements": movements,
            "ledger_rows": [_ledger_row(m) for m in movements.object_list],
        },
        status=status,
    )


def _ledger_row(movement: FundMovement) -> dict[str, Any]:
    number = movement.order.number if movement.order is not None else ""
    url = ""
    if number:
        try:  # the order page belongs to the orders area
            url = reverse("trading:order_detail", args=[number])
        except NoReverseMatch:
            url = ""
    actor = movement.actor
    return {
        "at": movement.at,
        "kind": movement.kind,
        "kind_label": movement.get_kind_display(),
        "amount": movement.amount,
        "order_number": number,
        "order_url": url,
        "note": movement.note,
        "actor_label": (actor.display_name or actor.username) if actor is not None else "",
    }


@domain_errors
def funds_import(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not sel.is_regulator(actor):
        raise DjangoPermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size is not None and upload.size > MAX_FILE_BYTES:
                    raise DomainError(
                        "file_too_large",
                        _("The file is larger than %(mb)d MB.")
                        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                        field="file",
                    )
                rows = read_rows(upload.read(), max_rows=MAX_IMPORT_ROWS)
                report = funding_source_import(actor=actor, rows=rows, file_name=upload.name or "")
                status = 200
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(
        request,
        "trading/funds/import.html",
        {"form": form, "report": report, "limit": MAX_IMPORT_ROWS},
        status=status,
    )


# --- purchaser pages ------------------------------------------------------------------------


def _member(request: HttpRequest) -> Any:
    actor = request_user(request)
    if not sel.is_unit_member(actor):
        raise DjangoPermissionDenied
    return actor


@domain_errors
def unit_funds(request: HttpRequest) -> HttpResponse:
    """Our funds: read-only; amounts come from the finance department."""
    actor = _member(request)
    sources = sel.unit_sources(actor.organisation)
    return render(
        request,
        "trading/funds/unit_funds.html",
        {
            "unit": actor.organisation,
            "sources": sources,
            "totals": sel.totals(sources),
            "limit": sel.approval_limit(actor.organisation_id),
            "may_set_limit": actor.has_role(Role.PURCHASER_ADMIN),
        },
    )


@domain_errors
def policy(request: HttpRequest) -> HttpResponse:
    """The unit's approval limit: its admin sets it; other members read it."""
    actor = _member(request)
    current = sel.policy_of(actor.organisation_id)
    may_edit = actor.has_role(Role.PURCHASER_ADMIN)
    limit = current.approval_limit if current is not None else None
    form = PolicyForm(initial={"approval_limit": limit if limit is not None else ""})
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise DjangoPermissionDenied
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                policy_set_limit(actor=actor, limit=form.cleaned_data["approval_limit"].strip())
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Approval limit saved."))
                return redirect("trading:policy")
        status = 400
    return render(
        request,
        "trading/funds/policy.html",
        {"policy": current, "limit": limit, "form": form if may_edit else None},
        status=status,
    )
