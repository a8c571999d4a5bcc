"""Order pages: the order list with state tabs, one order with every area's panel, and the
first steps' actions (approve, reject, cancel, confirm, decline) by role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.roles import Role
from govmall.core.errors import DomainError
from govmall.trading import selectors_orders as sel
from govmall.trading import services_orders as services
from govmall.trading.access import SUPPLIER_ROLES, actor_supplier, order_for_actor
from govmall.trading.models import Order, OrderState
from govmall.trading.panels import panels_for
from govmall.trading.views_cart import page_error

TAB_LABELS = {
    "all": gettext_lazy("All"),
    "pending_approval": gettext_lazy("Awaiting approval"),
    "placed": gettext_lazy("Awaiting supplier"),
    "in_progress": gettext_lazy("In progress"),
    "completed": gettext_lazy("Completed"),
    "closed": gettext_lazy("Closed orders"),
}
ERROR_ATTR = "_order_action_error"


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    tab = request.GET.get("tab", "all")
    if tab not in sel.STATE_TABS:
        tab = "all"
    orders = sel.orders_for(actor, tab).select_related("funding_source")
    page = Paginator(orders, sel.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trading/orders/list.html",
        {
            "tabs": [{"key": key, "label": label} for key, label in TAB_LABELS.items()],
            "tab": tab,
            "page": page,
            "is_buyer": actor.has_role(Role.BUYER),
        },
    )


def _detail_context(request: HttpRequest, order: Order) -> dict[str, Any]:
    lines = list(order.lines.select_related("listing").all())
    return {
        "order": order,
        "lines": lines,
        "overdue": sel.is_overdue(order),
        # Each area's panel rendered with its own context (keys of its choosing).
        "panels_html": [
            render_to_string(template, context, request=request)
            for template, context in panels_for(request, order)
        ],
        "contract_number": sel.contract_number(order),
    }


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_for_actor(request_user(request), number[:30])
    except DomainError as exc:
        raise page_error(exc) from exc
    return render(request, "trading/orders/detail.html", _detail_context(request, order))


def approval_panel(request: HttpRequest, order: Order) -> dict[str, Any] | None:
    """The first steps' actions the viewer may take on this order, or None."""
    actor = request_user(request)
    same_unit = actor.organisation_id == order.purchaser_id
    supplier = actor_supplier(actor) if not same_unit else None
    ours = supplier is not None and supplier.pk == order.supplier_id
    pending = order.state == OrderState.PENDING_APPROVAL
    placed = order.state == OrderState.PLACED
    actions = {
        "approve": same_unit and pending and actor.has_role(Role.APPROVER),
        "reject": same_unit and pending and actor.has_role(Role.APPROVER),
        "cancel": same_unit
        and (pending or placed)
        and actor.has_role(Role.BUYER, Role.PURCHASER_ADMIN),
        "confirm": ours and placed and actor.has_role(*SUPPLIER_ROLES),
        "decline": ours and placed and actor.has_role(*SUPPLIER_ROLES),
    }
    error = getattr(request, ERROR_ATTR, None)
    if not any(actions.values()) and not pending and not placed and error is None:
        return None
    return {
        "steps": {
            "actions": actions,
            "any_action": any(actions.values()),
            "error": error,
            "overdue": sel.is_overdue(order),
            "pending": pending,
            "placed": placed,
        }
    }


def _act(
    request: HttpRequest, number: str, verb: str, call: Callable[..., Order], *, reason: bool
) -> HttpResponse:
    actor = request_user(request)
    kwargs: dict[str, Any] = {"actor": actor, "number": number[:30]}
    if reason:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        call(**kwargs)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise page_error(exc) from exc
        try:
            order = order_for_actor(actor, number[:30])
        except DomainError as missing:
            raise page_error(missing) from missing
        setattr(request, ERROR_ATTR, {"verb": verb, "field": exc.field, "message": exc.message})
        return render(
            request, "trading/orders/detail.html", _detail_context(request, order), status=400
        )
    done = {
        "approve": _("Order approved and sent to the supplier."),
        "reject": _("Order rejected; stock and funds released."),
        "cancel": _("Order cancelled; stock and funds released."),
        "confirm": _("Order confirmed."),
        "decline": _("Order declined; stock and funds released."),
    }
    messages.success(request, done[verb])
    return redirect("trading:order_detail", number[:30])


@login_required
@require_POST
def order_approve(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "approve", services.order_approve, reason=False)


@login_required
@require_POST
def order_reject(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "reject", services.order_reject, reason=True)


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "cancel", services.order_cancel, reason=True)


@login_required
@require_POST
def order_confirm(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "confirm", services.order_confirm, reason=False)


@login_required
@require_POST
def order_decline(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "decline", services.order_decline, reason=True)
