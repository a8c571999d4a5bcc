"""Queues of the first steps: the approver's orders awaiting internal approval, and the
supplier's orders to confirm with their deadlines (overdue ones highlighted)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from govmall.accounts.access import request_user
from govmall.accounts.roles import Role
from govmall.core.errors import DomainError
from govmall.trading import selectors_orders as sel
from govmall.trading.access import require_purchaser, require_supplier
from govmall.trading.views_cart import page_error


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    try:
        actor = require_purchaser(request_user(request), Role.APPROVER)
    except DomainError as exc:
        raise page_error(exc) from exc
    page = Paginator(sel.approval_queue(actor), sel.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trading/orders/approvals.html", {"page": page})


@login_required
@require_GET
def supplier_orders(request: HttpRequest) -> HttpResponse:
    try:
        supplier = require_supplier(request_user(request))
    except DomainError as exc:
        raise page_error(exc) from exc
    done = request.GET.get("tab") == "done"
    now = timezone.now()
    page = Paginator(sel.supplier_queue(supplier, done=done), sel.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"order": order, "overdue": sel.is_overdue(order, now)} for order in page]
    return render(
        request,
        "trading/orders/supplier_orders.html",
        {
            "page": page,
            "rows": rows,
            "tab": "done" if done else "open",
            "overdue_count": sel.unconfirmed_overdue_count(supplier, now),
        },
    )
