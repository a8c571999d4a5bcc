"""After-sales tickets (售后: repair, replace, return) on a delivered order.

The purchasing unit opens a ticket; the supplier responds within
TICKET_RESPONSE_WORKING_DAYS working days; the purchaser confirms the fix (resolved), reopens
an unsatisfying response (a new response deadline) or escalates an unresolved ticket to
supervision: the owning operator of the unit's division takes it up. Escalating an OPEN ticket
is allowed only once its response deadline has passed (`too_early_to_escalate`).

Every transition goes through `states.advance` (audited on the ticket). `tick` notifies the
supplier and the buyer once per response deadline that passed while the ticket was open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import owning_operator
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.audit.services import object_type_of, record_event
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.core.text import clean_text
from govmall.trading import config, states
from govmall.trading.access import (
    order_for_actor,
    require_order_purchaser,
    require_order_supplier,
    ticket_for_actor,
)
from govmall.trading.models import OrderLine, OrderState, Ticket, TicketKind, TicketState
from govmall.trading.overdue import notify_once
from govmall.trading.selectors_tickets import overdue_tickets, response_from
from govmall.trading.services_evaluations import supplier_users

# The unit's buyers and admin open and follow up tickets.
PURCHASER_ACTOR_ROLES = (Role.BUYER, Role.PURCHASER_ADMIN)
TICKETABLE = (OrderState.DELIVERED, OrderState.ACCEPTED, OrderState.COMPLETED)
TEXT_LIMIT = 2000
OVERDUE_ACTION = "ticket.response_overdue_notified"
RECOMPUTED_ACTION = "ticket.response_deadline_recomputed"
T = TicketState


def ticket_link(number: str) -> str:
    return reverse("trading:ticket_detail", args=[number])


def _local(value: datetime) -> str:
    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _response_due(start: datetime) -> Any:
    return add_working_days(start, config.get("TICKET_RESPONSE_WORKING_DAYS"))


def _parse_line(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
        number = int(value.strip())
    else:
        raise DomainError("invalid_line", _("Choose a line of the order."), field="line_id")
    return number


def _buyers(ticket: Ticket) -> list[User]:
    return [user for user in (ticket.opened_by, ticket.order.buyer) if user.is_active]


def _lock(actor: User, number: Any) -> Ticket:
    return ticket_for_actor(actor, str(number), lock=True)


def _purchaser(actor: User, ticket: Ticket) -> None:
    require_order_purchaser(actor, ticket.order, *PURCHASER_ACTOR_ROLES)


def _text(value: Any, field: str, *, required: bool = True) -> str:
    return clean_text(value, field=field, limit=TEXT_LIMIT, required=required)


# --- verbs -------------------------------------------------------------------------------------


def ticket_open(
    *, actor: User, number: str, kind: Any, description: Any, line_id: Any = None
) -> Ticket:
    """A new after-sales ticket on a delivered order (optionally on one line); the supplier is
    notified of it and of its response deadline."""
    with transaction.atomic():
        order = order_for_actor(actor, str(number), lock=True)
        require_order_purchaser(actor, order, *PURCHASER_ACTOR_ROLES)
        if kind not in TicketKind.values:
            raise DomainError("invalid_kind", _("Choose repair, replace or return."), field="kind")
        text = _text(description, "description")
        line_pk = _parse_line(line_id)
        if line_pk is not None and not OrderLine.objects.filter(pk=line_pk, order=order).exists():
            raise DomainError("unknown_line", _("This line is not on the order."), field="line_id")
        if order.state not in TICKETABLE:
            raise DomainError(
                "not_delivered_yet",
                _("After-sales tickets can be opened once the order is delivered: it is %(state)s.")
                % {"state": order.get_state_display()},
                status=409,
                state=order.state,
            )
        now = timezone.now()
        due = _response_due(now)
        ticket = Ticket.objects.create(
            number=next_number("AS"),
            order=order,
            line_id=line_pk,
            kind=kind,
            state=T.OPEN,
            description=text,
            opened_by=actor,
            opened_at=now,
            response_deadline=due.deadline,
        )
        record_event(
            obj=ticket,
            action="ticket.opened",
            actor=actor,
            after={
                "state": T.OPEN,
                "order": order.number,
                "line": line_pk,
                "kind": kind,
                "description": text,
                "response_from": now,
                "response_deadline": due.deadline,
                "calendar_known": due.calendar_known,
            },
        )
        notify(
            supplier_users(order),
            verb="ticket.opened",
            message=_(
                "After-sales ticket %(ticket)s (%(kind)s) on order %(order)s: respond by "
                "%(deadline)s."
            )
            % {
                "ticket": ticket.number,
                "kind": ticket.get_kind_display(),
                "order": order.number,
                "deadline": _local(due.deadline),
            },
            link=ticket_link(ticket.number),
        )
    return ticket


def ticket_respond(*, actor: User, number: str, response: Any) -> Ticket:
    """The supplier's response to an open ticket; the buyer is notified."""
    with transaction.atomic():
        ticket = _lock(actor, number)
        require_order_supplier(actor, ticket.order)
        states.require_transition(ticket, T.RESPONDED)
        text = _text(response, "response")
        ticket.response = text
        ticket.responded_at = timezone.now()
        states.advance(
            ticket,
            T.RESPONDED,
            actor=actor,
            fields=["response", "responded_at"],
            after={"response": text},
        )
        notify(
            _buyers(ticket),
            verb="ticket.responded",
            message=_("The supplier responded to after-sales ticket %(ticket)s.")
            % {"ticket": ticket.number},
            link=ticket_link(ticket.number),
        )
    return ticket


def ticket_resolve(*, actor: User, number: str, resolution: Any = "") -> Ticket:
    """The purchaser confirms the problem is fixed."""
    with transaction.atomic():
        ticket = _lock(actor, number)
        _purchaser(actor, ticket)
        states.require_transition(ticket, T.RESOLVED)
        text = _text(resolution, "resolution", required=False)
        now = timezone.now()
        ticket.resolution = text
        ticket.resolved_at = now
        ticket.closed_at = now
        states.advance(
            ticket,
            T.RESOLVED,
            actor=actor,
            fields=["resolution", "resolved_at", "closed_at"],
            after={"resolution": text},
        )
        notify(
            supplier_users(ticket.order),
            verb="ticket.resolved",
            message=_("The purchaser confirmed after-sales ticket %(ticket)s as resolved.")
            % {"ticket": ticket.number},
            link=ticket_link(ticket.number),
        )
    return ticket


def ticket_reopen(*, actor: User, number: str, reason: Any) -> Ticket:
    """The purchaser is not satisfied with the response: the ticket is open again, with a new
    response deadline counted from now."""
    with transaction.atomic():
        ticket = _lock(actor, number)
        _purchaser(actor, ticket)
        states.require_transition(ticket, T.OPEN)
        text = _text(reason, "reason")
        now = timezone.now()
        due = _response_due(now)
        old = ticket.response_deadline
        ticket.response_deadline = due.deadline
        states.advance(
            ticket,
            T.OPEN,
            actor=actor,
            action="ticket.reopened",
            fields=["response_deadline"],
            before={"response_deadline": old},
            after={
                "reason": text,
                "response_from": now,
                "response_deadline": due.deadline,
                "calendar_known": due.calendar_known,
            },
        )
        notify(
            supplier_users(ticket.order),
            verb="ticket.reopened",
            message=_(
                "After-sales ticket %(ticket)s was reopened: %(reason)s. Respond by %(deadline)s."
            )
            % {"ticket": ticket.number, "reason": text, "deadline": _local(due.deadline)},
            link=ticket_link(ticket.number),
        )
    return ticket


def ticket_escalate(*, actor: User, number: str, reason: Any) -> Ticket:
    """An unresolved ticket goes to supervision: the owning operator of the purchasing unit's
    division is notified (and the supplier). An open ticket only after its response deadline."""
    with transaction.atomic():
        ticket = _lock(actor, number)
        _purchaser(actor, ticket)
        now = timezone.now()
        if ticket.state == T.OPEN and now <= ticket.response_deadline:
            raise DomainError(
                "too_early_to_escalate",
                _(
                    "The supplier may respond until %(deadline)s; the ticket can be escalated "
                    "after that, or once the supplier has responded."
                )
                % {"deadline": _local(ticket.response_deadline)},
                status=409,
                response_deadline=ticket.response_deadline.isoformat(),
            )
        states.require_transition(ticket, T.ESCALATED)
        text = _text(reason, "reason")
        operator = owning_operator(ticket.order.purchaser.division)
        ticket.escalated_at = now
        ticket.escalation_reason = text
        states.advance(
            ticket,
            T.ESCALATED,
            actor=actor,
            fields=["escalated_at", "escalation_reason"],
            after={"reason": text, "operator": operator.pk if operator else None},
        )
        message = _(
            "After-sales ticket %(ticket)s on order %(order)s was escalated: %(reason)s"
        ) % {
            "ticket": ticket.number,
            "order": ticket.order.number,
            "reason": text,
        }
        link = ticket_link(ticket.number)
        if operator is not None:
            notify(
                operator.users.filter(
                    is_active=True,
                    roles__role__in=[Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER],
                ).distinct(),
                verb="ticket.escalated",
                message=message,
                link=link,
            )
        notify(supplier_users(ticket.order), verb="ticket.escalated", message=message, link=link)
    return ticket


# --- time ---------------------------------------------------------------------------------------


def _overdue_key(ticket: Ticket) -> str:
    return f"response:{ticket.response_deadline.isoformat()}"


def _notify_overdue(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        ticket = (
            overdue_tickets(now)
            .select_for_update(of=("self",))
            .select_related("order", "order__supplier", "order__buyer", "opened_by")
            .filter(pk=pk)
            .first()
        )
        if ticket is None:
            return False
        return notify_once(
            ticket,
            action=OVERDUE_ACTION,
            key=_overdue_key(ticket),
            deadline=ticket.response_deadline,
            recipients=[*supplier_users(ticket.order), *_buyers(ticket)],
            verb="ticket.response_overdue",
            message=_(
                "After-sales ticket %(ticket)s on order %(order)s is overdue: the supplier's "
                "response was due by %(deadline)s."
            )
            % {
                "ticket": ticket.number,
                "order": ticket.order.number,
                "deadline": _local(ticket.response_deadline),
            },
            link=ticket_link(ticket.number),
        )


def ticket_overdue_job() -> str:
    """`tick`: notify the supplier and the buyer once per response deadline missed."""
    now = timezone.now()
    rows = list(overdue_tickets(now).order_by("pk").values_list("pk", "response_deadline"))
    done = {
        (event_id, (after or {}).get("key"))
        for event_id, after in Event.objects.filter(
            object_type=object_type_of(Ticket()),
            action=OVERDUE_ACTION,
            object_id__in=[str(pk) for pk, _d in rows],
        ).values_list("object_id", "after")
    }
    notified = 0
    for pk, deadline in rows:
        if (str(pk), f"response:{deadline.isoformat()}") in done:
            continue
        if _notify_overdue(pk, now):
            notified += 1
    return f"{notified} overdue after-sales tickets notified"


def recompute_ticket_deadlines(years: set[int], actor: User | None) -> int:
    """Recompute the response deadline of every open ticket whose period touches `years`
    (calendar change); each change is an event on the ticket. Returns how many changed."""
    if not years:
        return 0
    first = datetime(min(years), 1, 1, tzinfo=TZ)
    last = datetime(max(years), 12, 31, 23, 59, 59, 999999, tzinfo=TZ)
    ids = list(
        Ticket.objects.filter(state=T.OPEN, opened_at__lte=last, response_deadline__gte=first)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for ticket in Ticket.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"):
        start = response_from(ticket)
        if not years_spanned(start, ticket.response_deadline) & years:
            continue
        due = _response_due(start)
        if due.deadline == ticket.response_deadline:
            continue
        old = ticket.response_deadline
        ticket.response_deadline = due.deadline
        ticket.save(update_fields=["response_deadline"])
        record_event(
            obj=ticket,
            action=RECOMPUTED_ACTION,
            actor=actor,
            before={"response_deadline": old},
            after={
                "response_deadline": due.deadline,
                "calendar_known": due.calendar_known,
                "years": sorted(years),
            },
        )
        changed += 1
    return changed
