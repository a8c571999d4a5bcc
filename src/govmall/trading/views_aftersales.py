"""After-sales pages: the order-page panel (rating form or the given rating, the order's tickets
and the form to open one), the tickets list (purchasers, suppliers; supervisors see escalated
tickets of their jurisdiction) and one ticket with the forms its viewer may use.

Views are thin: each POST calls one service; a refusal is shown at the field it names. A
refused form from the order page is shown again on the after-sales page of the order (the
order page belongs to the orders area)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.trading import selectors_tickets as sel
from govmall.trading import services_evaluations as evaluations
from govmall.trading import services_tickets as tickets
from govmall.trading.access import order_for_actor, ticket_for_actor
from govmall.trading.models import Evaluation, Order, Ticket, TicketKind, TicketState
from govmall.trading.selectors_ratings import supplier_ratings

SCORES = [(str(n), str(n)) for n in range(1, 6)]


# --- forms ---------------------------------------------------------------------------------------


class EvaluationForm(forms.Form):
    quality = forms.ChoiceField(
        label=gettext_lazy("Quality"), choices=SCORES, widget=forms.RadioSelect
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("Delivery"), choices=SCORES, widget=forms.RadioSelect
    )
    service = forms.ChoiceField(
        label=gettext_lazy("Service"), choices=SCORES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=evaluations.COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TicketOpenForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=TicketKind.choices)
    line_id = forms.ChoiceField(label=gettext_lazy("Order line"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Problem"),
        max_length=tickets.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["line_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext_lazy("The whole order"))] + [
            (str(line.pk), f"{(line.snapshot or {}).get('title', line.pk)} × {line.quantity}")
            for line in order.lines.all()
        ]


def _text_form(name: str, label: Any, *, required: bool = True) -> type[forms.Form]:
    field = forms.CharField(
        label=label,
        required=required,
        max_length=tickets.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    return type(f"{name.title()}Form", (forms.Form,), {name: field})


# action → (service, form field, label, required)
ACTIONS: dict[str, tuple[Any, str, Any, bool]] = {
    "respond": (tickets.ticket_respond, "response", gettext_lazy("Response"), True),
    "resolve": (
        tickets.ticket_resolve,
        "resolution",
        gettext_lazy("How it was resolved (optional)"),
        False,
    ),
    "reopen": (
        tickets.ticket_reopen,
        "reason",
        gettext_lazy("Why the response is not enough"),
        True,
    ),
    "escalate": (tickets.ticket_escalate, "reason", gettext_lazy("Reason for escalation"), True),
}
FORMS = {
    action: _text_form(field, label, required=required)
    for action, (_fn, field, label, required) in ACTIONS.items()
}


# --- helpers -------------------------------------------------------------------------------------


def _page_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotFound) or exc.status == 404:
        return Http404()
    if exc.status in (401, 403):
        return DjangoPermissionDenied(exc.message)
    return exc


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _at_field(form: forms.Form, exc: DomainError) -> bool:
    """A refusal about one input is shown at it; others (wrong state, not allowed) above."""
    if exc.status in (401, 403, 404):
        raise _page_error(exc) from exc
    return exc.field is not None and exc.field in form.fields


def _refused(request: HttpRequest, exc: DomainError, target: str) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect(target)


def _is_unit_actor(actor: User, order: Order) -> bool:
    return actor.organisation_id == order.purchaser_id and actor.has_role(
        *tickets.PURCHASER_ACTOR_ROLES
    )


# --- the order panel -----------------------------------------------------------------------------


def panel_context(
    request: HttpRequest,
    order: Order,
    *,
    eval_form: forms.Form | None = None,
    open_form: forms.Form | None = None,
) -> dict[str, Any] | None:
    actor = request.user if isinstance(request.user, User) else None
    evaluation = Evaluation.objects.filter(order_id=order.pk).select_related("by").first()
    order_tickets = list(sel.order_tickets(order.pk))
    if order.state not in tickets.TICKETABLE and evaluation is None and not order_tickets:
        return None
    unit_actor = actor is not None and _is_unit_actor(actor, order)
    may_rate = evaluation is None and evaluations.can_evaluate(actor, order)
    may_open = unit_actor and order.state in tickets.TICKETABLE
    return {
        "ratings": supplier_ratings(order.supplier_id),
        "evaluation": evaluation,
        "eval_form": (eval_form or EvaluationForm()) if may_rate else None,
        "rating_later": unit_actor and evaluation is None and not may_rate,
        "ticket_rows": sel.ticket_rows(order_tickets),
        "open_form": (open_form or TicketOpenForm(order=order)) if may_open else None,
        # Where the panel's forms come back to: this page, or (a refused form shown again
        # after a POST) the page the form was sent from.
        "here": (
            request.get_full_path()
            if request.method == "GET"
            else _next_url(request, evaluations.order_link(order.number))
        ),
    }


def order_panel(request: HttpRequest, order: Order) -> dict[str, Any] | None:
    """The after-sales panel of the order page (trading/aftersales/_order_panel.html)."""
    return panel_context(request, order)


def _order_page(request: HttpRequest, order: Order, status: int = 200, **forms_: Any) -> Any:
    context = panel_context(request, order, **forms_) or {}
    return render(
        request,
        "trading/aftersales/order.html",
        {
            "order": order,
            **context,
            "has_panel": bool(context),
            "order_url": evaluations.order_link(order.number),
        },
        status=status,
    )


@login_required
@require_GET
def order_aftersales(request: HttpRequest, number: str) -> HttpResponse:
    """The after-sales view of one order (the panel on a page of its own)."""
    try:
        order = order_for_actor(request_user(request), number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    return _order_page(request, order)


@login_required
@require_POST
def evaluation_submit(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    try:
        order = order_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    form = EvaluationForm(request.POST)
    order_url = evaluations.order_link(order.number)
    if form.is_valid():
        try:
            evaluations.evaluation_submit(actor=actor, number=order.number, **form.cleaned_data)
        except DomainError as exc:
            if not _at_field(form, exc):
                return _refused(request, exc, _next_url(request, order_url))
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect(_next_url(request, order_url))
    return _order_page(request, order, status=400, eval_form=form)


@login_required
@require_POST
def ticket_open(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    try:
        order = order_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    form = TicketOpenForm(request.POST, order=order)
    order_url = evaluations.order_link(order.number)
    if form.is_valid():
        try:
            ticket = tickets.ticket_open(actor=actor, number=order.number, **form.cleaned_data)
        except DomainError as exc:
            if not _at_field(form, exc):
                return _refused(request, exc, _next_url(request, order_url))
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("After-sales ticket %(number)s opened; the supplier has been notified.")
                % {"number": ticket.number},
            )
            return redirect("trading:ticket_detail", ticket.number)
    return _order_page(request, order, status=400, open_form=form)


# --- tickets -------------------------------------------------------------------------------------


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if actor.organisation is None:
        raise DjangoPermissionDenied()
    tab = request.GET.get("tab") or sel.default_tab(actor)
    if tab not in sel.TABS:
        tab = sel.default_tab(actor)
    now = timezone.now()
    page = Paginator(sel.tickets_for(actor, tab, now), 50).get_page(request.GET.get("page"))
    counts = sel.tab_counts(actor, now)
    return render(
        request,
        "trading/aftersales/tickets.html",
        {
            "tab": tab,
            "tabs": [
                {"key": key, "label": label, "count": counts.get(key)}
                for key, label in sel.TABS.items()
            ],
            "page": page,
            "rows": sel.ticket_rows(page.object_list, now),
            "supervisor": sel.is_supervisor(actor),
        },
    )


def _detail(
    request: HttpRequest, ticket: Ticket, *, bound: dict[str, forms.Form] | None = None, status=200
) -> HttpResponse:
    actor = request_user(request)
    order = ticket.order
    now = timezone.now()
    is_supplier = actor.organisation_id == order.supplier.organisation_id
    is_unit = _is_unit_actor(actor, order)
    allowed = {
        "respond": is_supplier and ticket.state == TicketState.OPEN,
        "resolve": is_unit and ticket.state in (TicketState.OPEN, TicketState.RESPONDED),
        "reopen": is_unit and ticket.state == TicketState.RESPONDED,
        "escalate": is_unit and sel.may_escalate_now(ticket, now),
    }
    bound = bound or {}
    action_forms = {
        action: bound.get(action) or FORMS[action](auto_id=f"id_{action}_%s")
        for action, may in allowed.items()
        if may
    }
    return render(
        request,
        "trading/aftersales/ticket_detail.html",
        {
            "ticket": ticket,
            "order": order,
            "order_url": evaluations.order_link(order.number),
            "overdue": sel.is_overdue(ticket, now),
            "time_left": sel.ticket_rows([ticket], now)[0].time_left,
            "forms": action_forms,
            "escalate_later": is_unit
            and ticket.state == TicketState.OPEN
            and not allowed["escalate"],
            "is_supplier": is_supplier,
            "timeline": ("trading.ticket", ticket.pk),
        },
        status=status,
    )


@login_required
@require_GET
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        ticket = ticket_for_actor(request_user(request), number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    return _detail(request, ticket)


@login_required
@require_POST
def ticket_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    actor = request_user(request)
    if action not in ACTIONS:
        raise Http404()
    try:
        ticket = ticket_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    service, field, _label, _required = ACTIONS[action]
    form = FORMS[action](request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        try:
            service(actor=actor, number=ticket.number, **{field: form.cleaned_data[field]})
        except DomainError as exc:
            if not _at_field(form, exc):
                return _refused(
                    request, exc, reverse("trading:ticket_detail", args=[ticket.number])
                )
            add_domain_error(form, exc)
        else:
            messages.success(request, str(DONE[action]) % {"number": ticket.number})
            return redirect("trading:ticket_detail", ticket.number)
    ticket = ticket_for_actor(actor, number)
    return _detail(request, ticket, bound={action: form}, status=400)


DONE = {
    "respond": gettext_lazy("Response to %(number)s sent."),
    "resolve": gettext_lazy("%(number)s confirmed as resolved."),
    "reopen": gettext_lazy("%(number)s reopened; the supplier has a new response deadline."),
    "escalate": gettext_lazy("%(number)s escalated to supervision."),
}
