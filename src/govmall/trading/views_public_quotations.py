"""The public portal's quotation results (no login): the winner and price, the ranking of the
opened quotes with supplier names, or the failure (流标). Only results already published appear
(`result_published_at`): never a quotation that is open or being evaluated."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from govmall.trading import selectors_quotations as sel

PAGE_SIZE = 50


@require_GET
def result_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.public_results(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trading/public/quotations/list.html", {"page": page})


@require_GET
def result_detail(request: HttpRequest, number: str) -> HttpResponse:
    quotation = sel.public_results().filter(number=number[:24]).first()
    if quotation is None:
        raise Http404()
    rows = [sel.quote_row(q) for q in sel.opened_quotes(quotation)]
    return render(
        request,
        "trading/public/quotations/detail.html",
        {"quotation": quotation, "rows": rows, "winner": sel.winner(quotation)},
    )
