"""Cart pages: add from the product page, change quantities, check out per supplier.

Groups above the direct-purchase limit cannot be checked out: the page offers a competitive
quotation instead, and the checkout form orders only the other groups.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.trading import config
from govmall.trading import selectors_orders as sel
from govmall.trading import services_cart as services
from govmall.trading.order_validation import LIMITS


def page_error(exc: DomainError) -> Exception:
    """A refusal as the page shows it: 404 for missing/not yours, 403 for the wrong role."""
    if isinstance(exc, NotFound):
        return Http404()
    if exc.status in (401, 403):
        return DjangoPermissionDenied(exc.message)
    return exc


def quotation_url() -> str:
    try:
        return reverse("trading:quotation_create")
    except NoReverseMatch:
        return "/trading/quotations/new/"


class CheckoutForm(forms.Form):
    funding_source = forms.ChoiceField(label=gettext_lazy("Funding source"))
    delivery_division = forms.CharField(
        label=gettext_lazy("Delivery division code"),
        max_length=6,
        min_length=6,
        help_text=gettext_lazy("Six-digit administrative division code, e.g. 150202."),
    )
    delivery_address = forms.CharField(
        label=gettext_lazy("Delivery address"), max_length=LIMITS["delivery_address"]
    )
    delivery_contact = forms.CharField(
        label=gettext_lazy("Contact person"), max_length=LIMITS["delivery_contact"], required=False
    )
    delivery_phone = forms.CharField(
        label=gettext_lazy("Contact phone"), max_length=LIMITS["delivery_phone"], required=False
    )
    required_by = forms.DateField(
        label=gettext_lazy("Required by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the supplier"),
        max_length=LIMITS["note"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    checkout_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["funding_source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                str(s.pk),
                _("%(year)s %(line)s %(name)s — available ¥%(available)s")
                % {
                    "year": s.fiscal_year,
                    "line": s.budget_line,
                    "name": s.name,
                    "available": s.available,
                },
            )
            for s in sel.funding_sources(user)
        ]


def _cart_context(user: User, form: CheckoutForm) -> dict[str, Any]:
    groups = sel.cart_groups(user)
    ready = [g for g in groups if not g["over_limit"]]
    return {
        "groups": groups,
        "ready": ready,
        "ready_total": sum((g["subtotal"] for g in ready), 0),
        "form": form,
        "quotation_url": quotation_url(),
        "max_quantity": config.get("MAX_LINE_QUANTITY"),
    }


def _owner(request: HttpRequest) -> User:
    try:
        return services.require_cart_owner(request_user(request))
    except DomainError as exc:
        raise page_error(exc) from exc


@login_required
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    user = _owner(request)
    org = user.organisation
    form = CheckoutForm(
        user=user,
        initial={
            "checkout_token": secrets.token_urlsafe(24),
            "delivery_division": org.division_id if org else "",
        },
    )
    return render(request, "trading/cart/cart.html", _cart_context(user, form))


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """POST listing (number) and quantity (default 1), e.g. from the product page."""
    user = _owner(request)
    number = request.POST.get("listing", "")
    try:
        services.cart_add(
            actor=user, listing_number=number, quantity=request.POST.get("quantity") or 1
        )
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise page_error(exc) from exc
        messages.error(request, exc.message)
        return redirect(_next(request, reverse("trading:cart")))
    messages.success(request, _("Added to your cart."))
    return redirect(_next(request, reverse("trading:cart")))


@login_required
@require_POST
def cart_update(request: HttpRequest, number: str) -> HttpResponse:
    user = _owner(request)
    try:
        services.cart_set(actor=user, listing_number=number, quantity=request.POST.get("quantity"))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise page_error(exc) from exc
        messages.error(request, f"{number[:30]}: {exc.message}")
    return redirect("trading:cart")


@login_required
@require_POST
def cart_remove(request: HttpRequest, number: str) -> HttpResponse:
    user = _owner(request)
    try:
        services.cart_remove(actor=user, listing_number=number)
    except DomainError as exc:
        raise page_error(exc) from exc
    messages.success(request, _("Removed from your cart."))
    return redirect("trading:cart")


@login_required
@require_POST
def cart_checkout(request: HttpRequest) -> HttpResponse:
    user = _owner(request)
    form = CheckoutForm(request.POST, user=user)
    groups = sel.cart_groups(user)
    supplier_ids = [g["supplier"].pk for g in groups if not g["over_limit"]]
    if form.is_valid():
        data = form.cleaned_data
        try:
            orders = services.cart_checkout(
                actor=user,
                funding_source_id=int(data["funding_source"]),
                delivery_division=data["delivery_division"],
                delivery_address=data["delivery_address"],
                delivery_contact=data["delivery_contact"],
                delivery_phone=data["delivery_phone"],
                required_by=data["required_by"],
                note=data["note"],
                checkout_token=data["checkout_token"],
                supplier_ids=supplier_ids,
            )
        except DomainError as exc:
            if exc.status in (401, 403):
                raise page_error(exc) from exc
            add_domain_error(form, exc)
        else:
            numbers = ", ".join(order.number for order in orders)
            messages.success(request, _("Orders placed: %(numbers)s") % {"numbers": numbers})
            if len(orders) == 1:
                return redirect("trading:order_detail", orders[0].number)
            return redirect("trading:orders")
    return render(request, "trading/cart/cart.html", _cart_context(user, form), status=400)
