"""The supplier's side of quotations: invitations, the sealed quote (submit or revise) and the
answer to an award (confirm → the order and its contract, or decline → it passes on)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError
from govmall.trading import selectors_quotations as sel
from govmall.trading import services_awards, services_quotes
from govmall.trading.access import actor_supplier
from govmall.trading.models import Quote
from govmall.trading.views_quotations import detail_context, page_error, visible


@login_required
@require_GET
def invitations(request: HttpRequest) -> HttpResponse:
    """The quotations the supplier was invited to, with its own quote's state."""
    supplier = actor_supplier(request_user(request))
    if supplier is None:
        raise DjangoPermissionDenied()
    rows = sel.visible_quotations(request_user(request)).order_by("-id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    mine = {
        q.quotation_id: q
        for q in Quote.objects.filter(
            supplier=supplier, quotation_id__in=[q.pk for q in page.object_list]
        )
    }
    return render(
        request,
        "trading/quotations/invitations.html",
        {
            "page": page,
            "items": [(q, mine.get(q.pk)) for q in page.object_list],
            "now": timezone.now(),
        },
    )


def _answer(
    request: HttpRequest, number: str, work: Callable[[User], object], done: str
) -> HttpResponse:
    try:
        work(request_user(request))
    except DomainError as exc:
        if exc.status in (401, 403, 404) and exc.code != "supplier_cannot_trade":
            raise page_error(exc) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("trading:quotation_detail", number[:24])


@login_required
@require_POST
def quote_submit(request: HttpRequest, number: str) -> HttpResponse:
    """Submit or revise; a refusal re-renders the page with the message at its field."""
    values = {k: request.POST.get(k, "") for k in ("unit_price", "listing_number", "note")}
    try:
        services_quotes.quote_submit(actor=request_user(request), number=number, **values)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise page_error(exc) from exc
        quotation = visible(request, number)
        context = detail_context(request, quotation)
        field = exc.field if exc.field in values else "form"
        context.update({"quote_errors": {field: exc.message}, "quote_values": values})
        return render(request, "trading/quotations/detail.html", context, status=400)
    messages.success(
        request,
        _("Your sealed quote was recorded. You may revise it until closing; the last one counts."),
    )
    return redirect("trading:quotation_detail", number[:24])


@login_required
@require_POST
def award_confirm(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = services_awards.quote_confirm_award(actor=request_user(request), number=number)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise page_error(exc) from exc
        messages.error(request, exc.message)
        return redirect("trading:quotation_detail", number[:24])
    messages.success(
        request,
        _("Award confirmed: order %(order)s and its contract were created.")
        % {"order": order.number},
    )
    return redirect("trading:quotation_detail", number[:24])


@login_required
@require_POST
def award_decline(request: HttpRequest, number: str) -> HttpResponse:
    return _answer(
        request,
        number,
        lambda user: services_awards.quote_decline_award(
            actor=user, number=number, reason=request.POST.get("reason", "")
        ),
        _("You declined the award; it passes to the next valid quote."),
    )
