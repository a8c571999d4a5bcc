"""Quotation pages: the buyer's request form, the lists, the detail page and the buyer's actions
(cancel, relaunch, award, disqualify). The supplier's quote and award answers are in
`views_quotes`.

Sealed: before opening, the detail page shows the request and nothing about quotes to anyone
but the quoting supplier (its own quote only) — no count, no price.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.attribute_template import template_for
from govmall.catalog.models import Category
from govmall.core.calendar import TZ, add_working_days
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.trading import config, sealing, services_awards, services_quotations
from govmall.trading import selectors_quotations as sel
from govmall.trading.access import actor_supplier, quotation_for_actor, supervises
from govmall.trading.models import FundingSource, Quotation, QuotationState
from govmall.trading.quotation_eligibility import earliest_close, listed_in_subtree

STATE_TABS = [("", gettext_lazy("All")), *QuotationState.choices]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def page_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotFound) or exc.status == 404:
        return Http404()
    if exc.status in (401, 403):
        return DjangoPermissionDenied(exc.message)
    return exc


def visible(request: HttpRequest, number: str) -> Quotation:
    try:
        return quotation_for_actor(request_user(request), number[:24])
    except DomainError as exc:
        raise page_error(exc) from exc


def default_close() -> datetime:
    """A suggested closing time: 10:00 on the working day after the earliest allowed closing."""
    later = add_working_days(timezone.now(), config.get("QUOTATION_MIN_WORKING_DAYS") + 1)
    return datetime.combine(later.deadline.date(), time(10, 0), tzinfo=TZ)


def is_unit_buyer(user: User, quotation: Quotation) -> bool:
    return user.organisation_id == quotation.purchaser_id and user.has_role(Role.BUYER)


def is_buyer(user: User) -> bool:
    org = user.organisation
    return org is not None and org.kind == OrgKind.PURCHASER and user.has_role(Role.BUYER)


# --- lists -------------------------------------------------------------------------------------


@login_required
@require_GET
def quotation_list(request: HttpRequest) -> HttpResponse:
    """The unit's requests (purchasers), or the jurisdiction's (operators, regulators)."""
    user = request_user(request)
    org = user.organisation
    if org is not None and org.kind == OrgKind.SUPPLIER:
        return redirect("trading:quotation_invitations")
    state = request.GET.get("state", "")
    rows = sel.visible_quotations(user)
    if state in QuotationState.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    page = Paginator(rows.order_by("-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "trading/quotations/list.html",
        {
            "page": page,
            "tabs": STATE_TABS,
            "state": state,
            "may_create": is_buyer(user),
            "supervisor": org is not None and org.kind in (OrgKind.OPERATOR, OrgKind.REGULATOR),
            "now": timezone.now(),
        },
    )


# --- the request form --------------------------------------------------------------------------


class QuotationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    category_code = forms.ChoiceField(label=gettext_lazy("Category"))
    requirements = forms.CharField(
        label=gettext_lazy("Requirements"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    quantity = forms.CharField(label=gettext_lazy("Quantity"), max_length=12)
    unit = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=20, initial="台")
    ceiling_total = forms.CharField(
        label=gettext_lazy("Ceiling price for the whole quantity (¥)"), max_length=20
    )
    funding_source_id = forms.ChoiceField(label=gettext_lazy("Funding source"))
    delivery_division = forms.CharField(label=gettext_lazy("Delivery division code"), max_length=6)
    delivery_address = forms.CharField(label=gettext_lazy("Delivery address"), max_length=300)
    delivery_date = forms.CharField(
        label=gettext_lazy("Delivery date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_at = forms.CharField(
        label=gettext_lazy("Quotes close at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True).order_by("path")
        category_field = self.fields["category_code"]
        source_field = self.fields["funding_source_id"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(source_field, forms.ChoiceField)
        category_field.choices = [("", "—")] + [
            (c.code, f"{'　' * c.depth}{c.code} {c.name_zh}") for c in categories
        ]
        sources = FundingSource.objects.filter(organisation=user.organisation, active=True)
        source_field.choices = [
            (s.pk, f"{s.fiscal_year} {s.budget_line} {s.name} (¥{s.available:,.2f})")
            for s in sources
        ]


def _attribute_specs(code: str) -> list[Any]:
    category = Category.objects.filter(code=code[:30], is_active=True).first() if code else None
    return template_for(category) if category is not None else []


@login_required
@require_GET
def attribute_fields(request: HttpRequest) -> HttpResponse:
    """htmx: the attribute inputs of the chosen category's template."""
    specs = _attribute_specs(request.GET.get("category_code", ""))
    return render(
        request, "trading/quotations/_attributes.html", {"specs": specs, "values": {}, "errors": {}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def quotation_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not is_buyer(user):
        raise DjangoPermissionDenied()
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        form = QuotationForm(request.POST, user=user)
        specs = _attribute_specs(request.POST.get("category_code", ""))
        values = {s.key: request.POST.get(f"attr_{s.key}", "").strip() for s in specs}
        data = {name: request.POST.get(name, "") for name in form.fields}
        try:
            quotation = services_quotations.quotation_publish(
                actor=user, **data, required_attributes={k: v for k, v in values.items() if v}
            )
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise page_error(exc) from exc
            key = (exc.field or "").removeprefix("required_attributes.")
            if exc.field and exc.field.startswith("required_attributes.") and key in values:
                errors[key] = exc.message
                form.is_valid()
            else:
                form.is_valid()
                add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Quotation %(number)s published; invited suppliers were notified.")
                % {"number": quotation.number},
            )
            return redirect("trading:quotation_detail", quotation.number)
    else:
        closes = default_close()
        form = QuotationForm(
            user=user,
            initial={
                "delivery_division": user.organisation.division_id if user.organisation else "",
                "closes_at": closes.strftime(DATETIME_FORMAT),
                "delivery_date": (closes + timedelta(days=14)).date().isoformat(),
            },
        )
        specs = []
    return render(
        request,
        "trading/quotations/new.html",
        {
            "form": form,
            "specs": specs,
            "values": values,
            "errors": errors,
            "earliest": earliest_close(timezone.now()),
        },
    )


# --- the detail page ---------------------------------------------------------------------------


@login_required
@require_GET
def quotation_detail(request: HttpRequest, number: str) -> HttpResponse:
    quotation = visible(request, number)
    return render(request, "trading/quotations/detail.html", detail_context(request, quotation))


def detail_context(request: HttpRequest, quotation: Quotation) -> dict[str, Any]:
    """Everything the detail page shows the asker; sealed parts only after opening."""
    user = request_user(request)
    supplier = actor_supplier(user)
    buyer = is_unit_buyer(user, quotation)
    opened = sealing.is_open(quotation)
    mine = sel.my_quote(user, quotation) if supplier is not None else None
    context: dict[str, Any] = {
        "quotation": quotation,
        "opened": opened,
        "is_buyer": buyer,
        "supplier": supplier,
        "supervisor": supervises(user, quotation.purchaser),
        "rows": [sel.quote_row(q) for q in sel.opened_quotes(quotation)] if opened else [],
        "lowest": sel.lowest_valid(quotation) if buyer else None,
        "pending": sel.pending_offer(quotation),
        "order": sel.order_of(quotation),
        "relaunch": quotation.relaunches.order_by("id").first(),
        "mine": mine,
        "now": timezone.now(),
        "invited": quotation.invitations.count() if not supplier else None,
        "min_quotes": config.get("QUOTATION_MIN_QUOTES"),
        "failed_at_opening": quotation.state == QuotationState.FAILED
        and quotation.valid_quotes is not None
        and quotation.valid_quotes < config.get("QUOTATION_MIN_QUOTES"),
    }
    if supplier is not None:
        context["listings"] = list(
            listed_in_subtree(quotation.category).filter(supplier=supplier).order_by("number")
        )
        context["may_quote"] = (
            quotation.state == QuotationState.PUBLISHED
            and quotation.closes_at is not None
            and context["now"] < quotation.closes_at
        )
    if buyer and quotation.state == QuotationState.FAILED and context["relaunch"] is None:
        closes = default_close()
        context["relaunch_closes"] = closes.strftime(DATETIME_FORMAT)
        context["relaunch_delivery"] = (closes + timedelta(days=14)).date().isoformat()
    return context


def _act(request: HttpRequest, number: str, action: Any, done: str) -> HttpResponse:
    try:
        result = action(request_user(request))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise page_error(exc) from exc
        messages.error(request, exc.message)
        return redirect("trading:quotation_detail", number[:24])
    messages.success(request, done)
    if isinstance(result, Quotation):
        return redirect("trading:quotation_detail", result.number)
    return redirect("trading:quotation_detail", number[:24])


@login_required
@require_POST
def quotation_cancel(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        lambda user: services_quotations.quotation_cancel(
            actor=user, number=number, reason=request.POST.get("reason", "")
        ),
        _("The quotation was cancelled and its reserve released."),
    )


@login_required
@require_POST
def quotation_relaunch(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        lambda user: services_quotations.quotation_relaunch(
            actor=user,
            number=number,
            closes_at=request.POST.get("closes_at", ""),
            delivery_date=request.POST.get("delivery_date", ""),
        ),
        _("The request was published again as a new quotation."),
    )


@login_required
@require_POST
def quotation_award(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        lambda user: services_awards.quote_award(actor=user, number=number),
        _("Awarded: the supplier has been asked to confirm."),
    )


@login_required
@require_POST
def quotation_disqualify(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        lambda user: services_awards.quote_disqualify(
            actor=user,
            number=number,
            quote_id=request.POST.get("quote_id", ""),
            reasons=request.POST.get("reasons", ""),
        ),
        _("The quote was disqualified; the next one is now the lowest."),
    )
