"""The public portal's contracts (no login): published contracts only, by number, showing the
public text (no contacts, no bank details). Internal ids never appear in these URLs."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from govmall.trading import selectors_contracts as sel

PAGE_SIZE = 50


@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.public_contracts(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trading/public/contracts/list.html", {"page": page})


@require_GET
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    contract = sel.public_contract(number[:24])
    if contract is None:
        raise Http404()
    return render(request, "trading/public/contracts/detail.html", {"contract": contract})
