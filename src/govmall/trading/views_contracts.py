"""Contract pages: the list (publish/file deadlines, overdue highlighted), one contract (full
text, hash, signatures, sign/publish/file), its print view, the regulator's filing list, and the
contract panel on the order page. Actions post to services; refusals come back as messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind
from govmall.core.errors import DomainError, NotFound
from govmall.trading import access, services_contracts
from govmall.trading import selectors_contracts as sel
from govmall.trading.models import Contract, ContractState, Order

PAGE_SIZE = 50


def _page_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotFound) or exc.status == 404:
        return Http404()
    if exc.status in (401, 403) and exc.code in ("forbidden", "unauthenticated"):
        return DjangoPermissionDenied(exc.message)
    return exc


def _contract(actor: User, number: str) -> Contract:
    try:
        return access.contract_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc


def viewer_side(actor: User, contract: Contract) -> str | None:
    """The side the viewer could sign for (None for observers and non-signing roles)."""
    try:
        return services_contracts.signing_side(actor, contract)
    except DomainError:
        return None


def may_act_for_purchaser(actor: User, contract: Contract) -> bool:
    return actor.organisation_id == contract.order.purchaser_id and actor.has_role(
        *services_contracts.SIGNING_PURCHASER_ROLES
    )


def contract_context(actor: User, contract: Contract) -> dict[str, Any]:
    """What the detail page and the order panel show, and which buttons the viewer gets."""
    now = timezone.now()
    signatures = list(contract.signatures.select_related("user", "organisation"))
    signed_sides = {s.side for s in signatures}
    side = viewer_side(actor, contract)
    purchaser = may_act_for_purchaser(actor, contract)
    duty = contract.state in sel.DUTY_STATES
    return {
        "contract": contract,
        "order": contract.order,
        "signatures": signatures,
        "side": side,
        "may_sign": bool(
            side
            and side not in signed_sides
            and contract.state == ContractState.AWAITING_SIGNATURES
        ),
        "signed_by_viewer_side": bool(side and side in signed_sides),
        "may_publish": purchaser and duty and contract.published_at is None,
        "may_file": purchaser and duty and contract.filed_at is None,
        "publish_overdue": sel.is_publish_overdue(contract, now),
        "file_overdue": sel.is_file_overdue(contract, now),
    }


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    qs = sel.visible_contracts(actor).order_by("-id")
    only_overdue = request.GET.get("overdue") == "1"
    now = timezone.now()
    if only_overdue:
        qs = qs.filter(sel.publish_overdue_q(now) | sel.file_overdue_q(now))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trading/contracts/list.html",
        {
            "rows": sel.rows(list(page.object_list), now),
            "page": page,
            "only_overdue": only_overdue,
            "query": "overdue=1&" if only_overdue else "",
        },
    )


@login_required
@require_GET
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    contract = _contract(actor, number)
    return render(request, "trading/contracts/detail.html", contract_context(actor, contract))


@login_required
@require_GET
def contract_print(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    contract = _contract(actor, number)
    signatures = list(contract.signatures.select_related("user", "organisation"))
    return render(
        request, "trading/contracts/print.html", {"contract": contract, "signatures": signatures}
    )


def _act(request: HttpRequest, number: str, verb: str) -> HttpResponse:
    actor = request_user(request)
    _contract(actor, number)  # 404 before anything for strangers
    try:
        if verb == "sign":
            services_contracts.contract_sign(
                actor=actor,
                number=number,
                text_sha256=request.POST.get("text_sha256", "")[:200],
                ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            messages.success(request, _("You confirmed contract %(n)s.") % {"n": number})
        elif verb == "publish":
            services_contracts.contract_publish(actor=actor, number=number)
            messages.success(request, _("Contract %(n)s is published.") % {"n": number})
        else:
            services_contracts.contract_file(actor=actor, number=number)
            messages.success(request, _("Contract %(n)s is filed.") % {"n": number})
    except DomainError as exc:
        error = _page_error(exc)
        if error is not exc:
            raise error from exc
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    if target.startswith("/trading/orders/") and "//" not in target:
        return redirect(target)
    return redirect("trading:contract_detail", number=number)


@login_required
@require_POST
def contract_sign(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "sign")


@login_required
@require_POST
def contract_publish(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "publish")


@login_required
@require_POST
def contract_file(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "file")


@login_required
@require_GET
def filed_contracts(request: HttpRequest) -> HttpResponse:
    """The regulator's list: signed contracts in jurisdiction, unfiled/overdue ones first."""
    actor = request_user(request)
    org = actor.organisation
    if org is None or org.kind not in (OrgKind.REGULATOR, OrgKind.OPERATOR):
        raise DjangoPermissionDenied()
    qs = sel.filing_list(actor)
    now = timezone.now()
    show = request.GET.get("show", "")
    show = show if show in ("unfiled", "overdue", "filed") else ""
    if show == "unfiled":
        qs = qs.filter(filed_at__isnull=True)
    elif show == "overdue":
        qs = qs.filter(sel.file_overdue_q(now) | sel.publish_overdue_q(now))
    elif show == "filed":
        qs = qs.filter(filed_at__isnull=False)
    page = Paginator(_unfiled_first(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trading/contracts/filed.html",
        {
            "rows": sel.rows(list(page.object_list), now),
            "page": page,
            "show": show,
            "query": f"show={show}&" if show in ("unfiled", "overdue", "filed") else "",
            "overdue_count": qs.filter(sel.file_overdue_q(now)).count(),
        },
    )


def _unfiled_first(qs: Any) -> Any:
    return qs.order_by(F("filed_at").asc(nulls_first=True), "file_deadline", "-id")


def order_panel(request: HttpRequest, order: Order) -> dict[str, Any] | None:
    """The contract's panel on the order page (nothing before a contract exists)."""
    contract = Contract.objects.filter(order=order).first()
    if contract is None:
        return None
    contract.order = order
    actor = request_user(request)
    context = contract_context(actor, contract)
    context["next"] = request.get_full_path()
    return context
