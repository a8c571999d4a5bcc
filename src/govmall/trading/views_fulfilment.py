"""Fulfilment pages: the panel on the order page (supplier: ship/deliver; buyer: accept,
invoice, payment; everyone who may see the order: the record), the order's fulfilment page the
panel's forms post to (errors shown at the field), the supplier's list of orders to ship and
deliver, and the buyer's list of orders to accept and to pay (late ones highlighted)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.trading import access, services_fulfilment, services_payments
from govmall.trading import selectors_fulfilment as sel
from govmall.trading.models import Order, OrderState
from govmall.trading.payment_due import acceptance_condition, is_sme
from govmall.trading.services_fulfilment import ACCEPTING_ROLES, contract_of, order_link

# States in which the panel has something to show.
PANEL_STATES = (
    OrderState.CONTRACTED,
    OrderState.SHIPPED,
    OrderState.DELIVERED,
    OrderState.ACCEPTED,
    OrderState.COMPLETED,
)


class ShipForm(forms.Form):
    note_number = forms.CharField(
        label=gettext_lazy("Waybill number"), max_length=60, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliverForm(forms.Form):
    note_number = forms.CharField(label=gettext_lazy("Delivery note number"), max_length=60)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[
            ("passed", gettext_lazy("Passed")),
            ("failed", gettext_lazy("Failed: send back to the supplier")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons (required when failed)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvoiceForm(forms.Form):
    invoice_number = forms.CharField(label=gettext_lazy("Invoice number"), max_length=40)
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"), max_length=20)
    issued_on = forms.CharField(
        label=gettext_lazy("Issued on"),
        max_length=10,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PaymentForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"), max_length=20)
    paid_on = forms.CharField(
        label=gettext_lazy("Paid on"), max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )
    voucher = forms.CharField(label=gettext_lazy("Payment voucher number"), max_length=60)


FORMS: dict[str, type[forms.Form]] = {
    "ship": ShipForm,
    "deliver": DeliverForm,
    "accept": AcceptForm,
    "invoice": InvoiceForm,
    "payment": PaymentForm,
}


def _page_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotFound) or exc.status == 404:
        return Http404()
    if exc.code in ("forbidden", "unauthenticated"):
        return DjangoPermissionDenied(exc.message)
    return exc


def _is_supplier(actor: User, order: Order) -> bool:
    supplier = access.actor_supplier(actor)
    return supplier is not None and supplier.pk == order.supplier_id


def _is_buyer(actor: User, order: Order) -> bool:
    return actor.organisation_id == order.purchaser_id and actor.has_role(*ACCEPTING_ROLES)


def panel_context(
    actor: User, order: Order, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    """The record and the forms the viewer may use (bound ones keep their errors)."""
    bound = bound or {}
    supplier = _is_supplier(actor, order)
    buyer = _is_buyer(actor, order)
    contract = contract_of(order)
    allowed = set()
    if supplier and order.state == OrderState.CONTRACTED:
        allowed.add("ship")
    if supplier and order.state == OrderState.SHIPPED:
        allowed.add("deliver")
    if buyer and order.state == OrderState.DELIVERED:
        allowed.add("accept")
    record = sel.fulfilment_record(order)
    invoicing = buyer and order.state in services_payments.INVOICE_STATES
    if invoicing and record["invoiced_total"] < record["payable"]:
        allowed.add("invoice")
    paying = buyer and order.state in services_payments.payment_states(contract)
    if paying and record["outstanding"] > 0:
        allowed.add("payment")
    today = timezone.localdate()
    initial = {
        "invoice": {"issued_on": today.isoformat()},
        "payment": {"paid_on": today.isoformat(), "amount": record["outstanding"]},
    }
    forms_ = {
        name: bound.get(name) or FORMS[name](prefix=name, initial=initial.get(name))
        for name in sorted(allowed)
    }
    return {
        "record": record,
        "contract": contract,
        "forms": forms_,
        "is_supplier": supplier,
        "is_buyer": buyer,
        "sme": is_sme(order),
        "acceptance_is_condition": acceptance_condition(contract),
        "action_url": _action_url(order),
        "timeline_url": _timeline_url(order),
    }


def _action_url(order: Order) -> str:
    from django.urls import reverse

    return reverse("trading:order_fulfilment", args=[order.number])


def _order_detail_url(order: Order) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("trading:order_detail", args=[order.number])
    except NoReverseMatch:
        return ""


def _timeline_url(order: Order) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("audit:timeline", args=["trading.order", order.pk])
    except NoReverseMatch:
        return ""


def order_panel(request: HttpRequest, order: Order) -> dict[str, Any] | None:
    """The fulfilment panel of the order page (None before the contract is signed)."""
    if order.state not in PANEL_STATES and not order.deliveries.exists():
        return None
    actor = request.user
    if not isinstance(actor, User):
        return None
    return panel_context(actor, order)


def _run(actor: User, order: Order, action: str, data: dict[str, Any]) -> str:
    """Call the service of `action`; the success message."""
    number = order.number
    if action == "ship":
        services_fulfilment.order_ship(actor=actor, number=number, **data)
        return _("Order %(number)s marked shipped.") % {"number": number}
    if action == "deliver":
        services_fulfilment.order_deliver(actor=actor, number=number, **data)
        return _("Order %(number)s marked delivered.") % {"number": number}
    if action == "accept":
        passed = data["result"] == "passed"
        services_fulfilment.order_accept(
            actor=actor, number=number, passed=passed, reasons=data["reasons"]
        )
        if passed:
            return _("Order %(number)s accepted.") % {"number": number}
        return _("Order %(number)s failed acceptance and went back to the supplier.") % {
            "number": number
        }
    if action == "invoice":
        services_payments.invoice_record(actor=actor, number=number, **data)
        return _("Invoice %(invoice)s recorded.") % {"invoice": data["invoice_number"]}
    services_payments.payment_record(actor=actor, number=number, **data)
    return _("Payment of %(amount)s yuan recorded.") % {"amount": data["amount"]}


@login_required
@require_http_methods(["GET", "POST"])
def order_fulfilment(request: HttpRequest, number: str) -> HttpResponse:
    """One order's fulfilment: the panel on its own page; the panel's forms post here."""
    actor = request_user(request)
    try:
        order = access.order_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in FORMS:
            raise Http404()
        form = FORMS[action](request.POST, prefix=action)
        if form.is_valid():
            try:
                message = _run(actor, order, action, form.cleaned_data)
            except DomainError as exc:
                if exc.code in ("not_found", "forbidden", "unauthenticated"):
                    raise _page_error(exc) from exc
                add_domain_error(form, exc)
            else:
                messages.success(request, message)
                back = order_link(order) if request.POST.get("back") == "order" else ""
                return redirect(back or _action_url(order))
        bound[action] = form
        order = access.order_for_actor(actor, number)
    context = {
        "order": order,
        "order_url": _order_detail_url(order),
        "standalone": True,
        **panel_context(actor, order, bound),
    }
    return render(request, "trading/fulfilment/order.html", context)


@login_required
@require_GET
def fulfilment(request: HttpRequest) -> HttpResponse:
    """The supplier's orders to ship and to deliver, and those awaiting the buyer's acceptance."""
    actor = request_user(request)
    supplier = access.actor_supplier(actor)
    if supplier is None:
        raise DjangoPermissionDenied()
    now = timezone.now()
    return render(
        request,
        "trading/fulfilment/supplier.html",
        {
            "to_ship": list(sel.supplier_queue(supplier.pk)[:200]),
            "awaiting": [
                {"order": o, "late": sel.acceptance_late(o, now)}
                for o in sel.supplier_awaiting_acceptance(supplier.pk)[:200]
            ],
            "late_payments": list(
                sel.late_payments(
                    Order.objects.filter(supplier_id=supplier.pk).select_related("purchaser"),
                    now,
                ).order_by("payment_due")[:200]
            ),
        },
    )


@login_required
@require_GET
def acceptance(request: HttpRequest) -> HttpResponse:
    """The unit's orders to accept and to pay, with deadlines; late ones highlighted.
    Supervisors see the late payments of the units they supervise."""
    actor = request_user(request)
    org = actor.organisation
    now = timezone.now()
    if org is not None and org.kind in access.SUPERVISORY_KINDS:
        late = sel.late_payments_for_supervisor(actor, now).select_related(
            "purchaser", "supplier__organisation"
        )
        return render(
            request,
            "trading/fulfilment/late_payments.html",
            {"late": list(late.order_by("payment_due")[:500])},
        )
    try:
        access.require_purchaser(actor)
    except DomainError as exc:
        raise _page_error(exc) from exc
    assert org is not None
    return render(
        request,
        "trading/fulfilment/buyer.html",
        {
            "to_accept": [
                {"order": o, "late": sel.acceptance_late(o, now)}
                for o in sel.buyer_to_accept(org.pk)[:200]
            ],
            "to_pay": [
                {"order": o, "late": bool(o.payment_due and o.payment_due < now)}
                for o in sel.buyer_to_pay(org.pk)[:200]
            ],
        },
    )
