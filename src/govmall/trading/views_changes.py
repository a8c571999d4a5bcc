"""Pages of returns and terminations: the request form (a panel on the order page and a page of
its own), the list of requests (purchaser: its own; supplier: those to answer), one request with
the actions the viewer may take, and the owning operator's queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.trading import services_changes as services
from govmall.trading.access import change_for_actor, is_member, order_for_actor
from govmall.trading.models import ChangeReason, ChangeRequest, ChangeState, Order
from govmall.trading.selectors_changes import (
    REQUESTER_ROLES,
    is_overdue,
    is_owning_decider,
    list_for_actor,
    open_change,
    operator_queue,
    order_link,
    time_left,
    visible_changes,
)
from govmall.trading.states import ORDER_CHANGEABLE

SCOPES = (
    ("whole", gettext_lazy("Return the whole order")),
    ("partial", gettext_lazy("Return some lines")),
    ("terminate", gettext_lazy("Terminate the project")),
)


def _page_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotFound):
        return Http404()
    if exc.status in (401, 403):
        return DjangoPermissionDenied(exc.message)
    return exc


class RequestForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("What to ask for"), choices=SCOPES, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ChangeReason.choices)
    reason_text = forms.CharField(
        label=gettext_lazy("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the reason is “Other”."),
    )

    def __init__(self, order: Order, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.line_rows: list[dict[str, Any]] = []
        self.fields["lines"] = forms.CharField(required=False, widget=forms.HiddenInput)
        for line in order.lines.order_by("id"):
            left = line.quantity - line.returned_quantity
            name = f"qty_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=line.snapshot.get("title", str(line.pk)),
                required=False,
                min_value=0,
                max_value=left,
                initial=0,
            )
            self.line_rows.append({"line": line, "left": left, "name": name})

    def bound_lines(self) -> list[dict[str, Any]]:
        return [{**row, "field": self[row["name"]]} for row in self.line_rows]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        scope = data["scope"]
        lines = None
        if scope == "partial":
            lines = [
                (row["line"].pk, data.get(row["name"]) or 0)
                for row in self.line_rows
                if data.get(row["name"])
            ]
        return {
            "kind": "terminate" if scope == "terminate" else "return",
            "reason": data["reason"],
            "reason_text": data["reason_text"],
            "lines": lines,
        }


class ObjectForm(forms.Form):
    objection = forms.CharField(
        label=gettext_lazy("Why you object"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("Reasons for rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def can_request(user: Any, order: Order) -> bool:
    return (
        isinstance(user, User)
        and is_member(user, order.purchaser_id)
        and user.has_role(*REQUESTER_ROLES)
        and order.state in ORDER_CHANGEABLE
    )


def order_panel(request: HttpRequest, order: Order) -> dict[str, Any] | None:
    """The order page's panel: requests on this order and, for the unit's buyers, the form."""
    user = request.user
    changes = list(visible_changes(user).filter(order=order).order_by("-id")[:10])  # type: ignore[arg-type]
    current = open_change(order)
    form = RequestForm(order) if can_request(user, order) and current is None else None
    if not changes and form is None:
        return None
    return {"changes": changes, "open_change": current, "change_form": form}


@login_required
def change_new(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    try:
        order = order_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    if not can_request(actor, order):
        raise DjangoPermissionDenied()
    form = RequestForm(order, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_request(
                actor=actor, number=order.number, **form.service_arguments()
            )
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise _page_error(exc) from exc
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Request %(number)s sent: the supplier has 1 working day to answer.")
                % {"number": change.number},
            )
            return redirect("trading:change_detail", change.number)
    return render(
        request,
        "trading/changes/new.html",
        {
            "order": order,
            "change_form": form,
            "open_change": open_change(order),
            "order_url": order_link(order),
        },
    )


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    state = request.GET.get("state", "")
    if state not in ChangeState.values:
        state = ""
    rows = list(list_for_actor(actor, state or None)[:200])
    supplier_side = actor.organisation is not None and actor.organisation.kind == "supplier"
    return render(
        request,
        "trading/changes/list.html",
        {
            "rows": [
                {"change": c, "overdue": is_overdue(c), "time_left": time_left(c)} for c in rows
            ],
            "state": state,
            "states": ChangeState.choices,
            "supplier_side": supplier_side,
            "object_form": ObjectForm(),
        },
    )


def _actions(actor: User, change: ChangeRequest) -> dict[str, bool]:
    order = change.order
    purchaser = is_member(actor, order.purchaser_id) and actor.has_role(*REQUESTER_ROLES)
    supplier = is_member(actor, order.supplier.organisation_id)
    return {
        "withdraw": purchaser and change.state == ChangeState.AWAITING_SUPPLIER,
        "answer": supplier and change.state == ChangeState.AWAITING_SUPPLIER,
        "verify": is_owning_decider(actor, change)
        and change.state == ChangeState.AWAITING_VERIFICATION,
    }


def _act(request: HttpRequest, actor: User, change: ChangeRequest, forms_: dict[str, Any]) -> bool:
    action = request.POST.get("action", "")
    form = forms_.get(action)
    if action not in ("withdraw", "agree", "object", "approve", "reject"):
        return False
    if form is not None:
        forms_[action] = form = type(form)(request.POST)
        if not form.is_valid():
            return False
    number = change.number
    data: dict[str, Any] = form.cleaned_data if form is not None else {}
    try:
        if action == "withdraw":
            services.change_withdraw(actor=actor, number=number)
            messages.success(request, _("Request withdrawn."))
        elif action == "agree":
            services.change_agree(actor=actor, number=number)
            messages.success(request, _("You agreed: the operator verifies within 1 working day."))
        elif action == "object":
            services.change_object(actor=actor, number=number, **data)
            messages.success(request, _("Objection recorded: the request is disputed."))
        elif action == "approve":
            services.change_approve(actor=actor, number=number, **data)
            messages.success(request, _("Request approved and carried out."))
        else:
            services.change_reject(actor=actor, number=number, **data)
            messages.success(request, _("Request rejected: the order goes on."))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise _page_error(exc) from exc
        if form is not None and exc.field in form.fields:
            add_domain_error(form, exc)
        else:
            messages.error(request, exc.message)
        return False
    return True


@login_required
def change_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    try:
        change = change_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    forms_: dict[str, Any] = {
        "object": ObjectForm(),
        "approve": ApproveForm(),
        "reject": RejectForm(),
    }
    if request.method == "POST":
        if _act(request, actor, change, forms_):
            next_url = request.POST.get("next", "")
            if next_url and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}
            ):
                return redirect(next_url)
            return redirect("trading:change_detail", number)
        change = change_for_actor(actor, number)
    return render(
        request,
        "trading/changes/detail.html",
        {
            "change": change,
            "order": change.order,
            "lines": change.lines.select_related("line").order_by("id"),
            "actions": _actions(actor, change),
            "forms": forms_,
            "overdue": is_overdue(change),
            "time_left": time_left(change),
            "order_url": order_link(change.order),
            "timeline_url": f"/audit/timeline/trading.changerequest/{change.pk}/",
            "show_funds": not is_member(actor, change.order.supplier.organisation_id),
            "owned_elsewhere": not is_owning_decider(actor, change)
            and actor.organisation is not None
            and actor.organisation.kind in ("operator", "regulator"),
        },
    )


@login_required
def change_queue(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    try:
        queue = operator_queue(actor)
    except DomainError as exc:
        raise _page_error(exc) from exc
    return render(
        request,
        "trading/changes/queue.html",
        {"queue": queue, "organisation": actor.organisation},
    )
