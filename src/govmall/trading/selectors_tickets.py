"""Reading after-sales tickets: who sees which (the purchasing unit, the supplier, supervisors
of the unit's division), the list tabs, and the API/page shape of one ticket.

"Overdue" (open, response deadline passed) is computed here at read time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind
from govmall.audit.models import Event
from govmall.audit.services import object_type_of
from govmall.trading.access import SUPERVISORY_KINDS
from govmall.trading.models import Ticket, TicketState

T = TicketState
# The events that start a response period (its start is recorded in `after.response_from`).
START_ACTIONS = ("ticket.opened", "ticket.reopened")

# Tab key → label; "active" is open or responded, "overdue" open past its deadline.
TABS: dict[str, Any] = {
    "active": _("Unresolved"),
    "overdue": _("Overdue"),
    "escalated": _("Escalated"),
    "resolved": _("Resolved"),
    "all": _("All"),
}


def is_supervisor(actor: User | None) -> bool:
    return (
        is_authenticated(actor)
        and actor is not None
        and actor.organisation is not None
        and actor.organisation.kind in SUPERVISORY_KINDS
    )


def default_tab(actor: User | None) -> str:
    """Supervisors take up escalated tickets; the parties follow unresolved ones."""
    return "escalated" if is_supervisor(actor) else "active"


def visible_tickets(actor: User | None) -> QuerySet[Ticket]:
    """Tickets of the actor's unit's orders, the actor's supplier's orders, or (operators and
    regulators) orders of purchasing units in their jurisdiction."""
    base = Ticket.objects.select_related(
        "order", "order__purchaser", "order__supplier", "order__supplier__organisation", "line"
    )
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return base.none()
    org = actor.organisation
    if org.kind == OrgKind.PURCHASER:
        return base.filter(order__purchaser_id=org.pk)
    if org.kind == OrgKind.SUPPLIER:
        return base.filter(order__supplier__organisation_id=org.pk)
    if org.kind in SUPERVISORY_KINDS:
        return base.filter(order__purchaser__division__path__startswith=org.division.path)
    return base.none()


def tab_filter(tab: str, now: datetime) -> Q:
    if tab == "active":
        return Q(state__in=[T.OPEN, T.RESPONDED])
    if tab == "overdue":
        return Q(state=T.OPEN, response_deadline__lt=now)
    if tab == "escalated":
        return Q(state=T.ESCALATED)
    if tab == "resolved":
        return Q(state=T.RESOLVED)
    return Q()


def tickets_for(actor: User | None, tab: str, now: datetime | None = None) -> QuerySet[Ticket]:
    """The actor's tickets in a tab, the most urgent first (earliest response deadline)."""
    now = now or timezone.now()
    if tab not in TABS:
        tab = default_tab(actor)
    qs = visible_tickets(actor).filter(tab_filter(tab, now))
    if tab in ("active", "overdue"):
        return qs.order_by("response_deadline", "id")
    return qs.order_by("-id")


def tab_counts(actor: User | None, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    visible = visible_tickets(actor)
    return {tab: visible.filter(tab_filter(tab, now)).count() for tab in TABS if tab != "all"}


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    return ticket.state == T.OPEN and ticket.response_deadline < (now or timezone.now())


def may_escalate_now(ticket: Ticket, now: datetime | None = None) -> bool:
    """Unresolved and either responded (the purchaser is not satisfied) or overdue."""
    return ticket.state == T.RESPONDED or is_overdue(ticket, now)


@dataclass
class TicketRow:
    ticket: Ticket
    overdue: bool
    time_left: str


def ticket_rows(tickets: Any, now: datetime | None = None) -> list[TicketRow]:
    from govmall.suppliers.selectors_verification import time_left_text

    now = now or timezone.now()
    return [
        TicketRow(
            ticket=t,
            overdue=is_overdue(t, now),
            time_left=time_left_text(t.response_deadline, now) if t.state == T.OPEN else "",
        )
        for t in tickets
    ]


def ticket_json(ticket: Ticket, now: datetime | None = None) -> dict[str, Any]:
    order = ticket.order
    return {
        "number": ticket.number,
        "order": order.number,
        "purchaser": order.purchaser.name,
        "supplier": order.supplier.organisation.name,
        "supplier_credit_code": order.supplier.credit_code,
        "line_id": ticket.line_id,
        "line_title": (ticket.line.snapshot or {}).get("title", "") if ticket.line else "",
        "kind": ticket.kind,
        "state": ticket.state,
        "description": ticket.description,
        "opened_at": ticket.opened_at,
        "response_deadline": ticket.response_deadline,
        "overdue": is_overdue(ticket, now),
        "response": ticket.response,
        "responded_at": ticket.responded_at,
        "resolution": ticket.resolution,
        "resolved_at": ticket.resolved_at,
        "escalated_at": ticket.escalated_at,
        "escalation_reason": ticket.escalation_reason,
    }


def overdue_tickets(now: datetime | None = None) -> QuerySet[Ticket]:
    """Open tickets whose response deadline has passed (a query, not a flag)."""
    return Ticket.objects.filter(state=T.OPEN, response_deadline__lt=now or timezone.now())


def response_from(ticket: Ticket) -> datetime:
    """When the current response period started: the latest opening or reopening."""
    after = (
        Event.objects.filter(
            object_type=object_type_of(ticket),
            object_id=str(ticket.pk),
            action__in=START_ACTIONS,
        )
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    value = (after or {}).get("response_from") if isinstance(after, dict) else None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return ticket.opened_at


def order_tickets(order_id: int) -> QuerySet[Ticket]:
    return Ticket.objects.filter(order_id=order_id).select_related("line").order_by("-id")
