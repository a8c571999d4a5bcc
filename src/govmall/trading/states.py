"""The state machines of trading: one transition table per stateful model, and `advance`, the
one way a service changes a state (checks the table, saves, records the audit event).

Services lock the row (`select_for_update(of=("self",))`) before calling `advance`; an
invalid transition raises `InvalidTransition` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from govmall.audit.services import record_event
from govmall.core.errors import InvalidTransition

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation, User


class OrderState(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting internal approval")
    PLACED = "placed", _("Awaiting supplier confirmation")
    CONFIRMED = "confirmed", _("Confirmed, contract to sign")
    CONTRACTED = "contracted", _("Contract signed, to ship")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered, to accept")
    ACCEPTED = "accepted", _("Accepted, to pay")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Not approved")
    DECLINED = "declined", _("Declined by supplier")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")
    TERMINATED = "terminated", _("Terminated")


# States in which a contract order may be returned or its project terminated.
ORDER_CHANGEABLE = (
    OrderState.CONFIRMED,
    OrderState.CONTRACTED,
    OrderState.SHIPPED,
    OrderState.DELIVERED,
    OrderState.ACCEPTED,
)
ORDER_OPEN = (OrderState.PENDING_APPROVAL, OrderState.PLACED, *ORDER_CHANGEABLE)
ORDER_CLOSED = (
    OrderState.COMPLETED,
    OrderState.REJECTED,
    OrderState.DECLINED,
    OrderState.CANCELLED,
    OrderState.RETURNED,
    OrderState.TERMINATED,
)

ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderState.PENDING_APPROVAL: {OrderState.PLACED, OrderState.REJECTED, OrderState.CANCELLED},
    OrderState.PLACED: {OrderState.CONFIRMED, OrderState.DECLINED, OrderState.CANCELLED},
    OrderState.CONFIRMED: {
        OrderState.CONTRACTED,
        OrderState.RETURNED,
        OrderState.TERMINATED,
    },
    OrderState.CONTRACTED: {OrderState.SHIPPED, OrderState.RETURNED, OrderState.TERMINATED},
    OrderState.SHIPPED: {OrderState.DELIVERED, OrderState.RETURNED, OrderState.TERMINATED},
    # A failed acceptance sends the order back to the supplier to deliver again.
    OrderState.DELIVERED: {
        OrderState.ACCEPTED,
        OrderState.CONTRACTED,
        OrderState.RETURNED,
        OrderState.TERMINATED,
    },
    OrderState.ACCEPTED: {OrderState.COMPLETED, OrderState.RETURNED, OrderState.TERMINATED},
    OrderState.COMPLETED: set(),
    OrderState.REJECTED: set(),
    OrderState.DECLINED: set(),
    OrderState.CANCELLED: set(),
    OrderState.RETURNED: set(),
    OrderState.TERMINATED: set(),
}


class QuotationState(models.TextChoices):
    PUBLISHED = "published", _("Open for quotes")
    EVALUATING = "evaluating", _("Opened, award pending")
    AWARDED = "awarded", _("Awarded")
    FAILED = "failed", _("Failed (fewer than 3 valid quotes)")
    CANCELLED = "cancelled", _("Cancelled")


QUOTATION_TRANSITIONS: dict[str, set[str]] = {
    QuotationState.PUBLISHED: {
        QuotationState.EVALUATING,
        QuotationState.FAILED,
        QuotationState.CANCELLED,
    },
    QuotationState.EVALUATING: {QuotationState.AWARDED, QuotationState.FAILED},
    QuotationState.AWARDED: set(),
    QuotationState.FAILED: set(),
    QuotationState.CANCELLED: set(),
}


class QuoteState(models.TextChoices):
    SEALED = "sealed", _("Sealed")
    VALID = "valid", _("Valid (opened)")
    INVALID = "invalid", _("Invalid")
    AWARDED = "awarded", _("Awarded, to confirm")
    WON = "won", _("Won")
    DISQUALIFIED = "disqualified", _("Disqualified")
    LAPSED = "lapsed", _("Award lapsed")
    DECLINED = "declined", _("Award declined")


QUOTE_TRANSITIONS: dict[str, set[str]] = {
    QuoteState.SEALED: {QuoteState.VALID, QuoteState.INVALID},
    QuoteState.VALID: {QuoteState.AWARDED, QuoteState.DISQUALIFIED},
    QuoteState.AWARDED: {QuoteState.WON, QuoteState.LAPSED, QuoteState.DECLINED},
    QuoteState.INVALID: set(),
    QuoteState.WON: set(),
    QuoteState.DISQUALIFIED: set(),
    QuoteState.LAPSED: set(),
    QuoteState.DECLINED: set(),
}


class ContractState(models.TextChoices):
    AWAITING_SIGNATURES = "awaiting_signatures", _("Awaiting signatures")
    SIGNED = "signed", _("Signed")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    CANCELLED = "cancelled", _("Cancelled before signing")


CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractState.AWAITING_SIGNATURES: {
        ContractState.SIGNED,
        ContractState.CANCELLED,
        ContractState.TERMINATED,
    },
    ContractState.SIGNED: {ContractState.COMPLETED, ContractState.TERMINATED},
    ContractState.COMPLETED: set(),
    ContractState.TERMINATED: set(),
    ContractState.CANCELLED: set(),
}


class TicketState(models.TextChoices):
    OPEN = "open", _("Awaiting supplier response")
    RESPONDED = "responded", _("Responded")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated to supervision")


TICKET_TRANSITIONS: dict[str, set[str]] = {
    TicketState.OPEN: {TicketState.RESPONDED, TicketState.ESCALATED, TicketState.RESOLVED},
    TicketState.RESPONDED: {TicketState.RESOLVED, TicketState.ESCALATED, TicketState.OPEN},
    TicketState.ESCALATED: set(),
    TicketState.RESOLVED: set(),
}


class ChangeState(models.TextChoices):
    AWAITING_SUPPLIER = "awaiting_supplier", _("Awaiting the supplier's answer")
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting operator verification")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected by the operator")
    DISPUTED = "disputed", _("Disputed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CHANGE_TRANSITIONS: dict[str, set[str]] = {
    ChangeState.AWAITING_SUPPLIER: {
        ChangeState.AWAITING_VERIFICATION,
        ChangeState.DISPUTED,
        ChangeState.WITHDRAWN,
    },
    ChangeState.AWAITING_VERIFICATION: {ChangeState.APPROVED, ChangeState.REJECTED},
    ChangeState.APPROVED: set(),
    ChangeState.REJECTED: set(),
    ChangeState.DISPUTED: set(),
    ChangeState.WITHDRAWN: set(),
}

TABLES: dict[str, dict[str, set[str]]] = {
    "trading.order": ORDER_TRANSITIONS,
    "trading.quotation": QUOTATION_TRANSITIONS,
    "trading.quote": QUOTE_TRANSITIONS,
    "trading.contract": CONTRACT_TRANSITIONS,
    "trading.ticket": TICKET_TRANSITIONS,
    "trading.changerequest": CHANGE_TRANSITIONS,
}


def allowed(obj: Any, to: str) -> bool:
    table = TABLES[obj._meta.label_lower]
    return to in table.get(obj.state, set())


def require_transition(obj: Any, to: str) -> None:
    """Raise InvalidTransition (nothing changed) unless obj may move to `to`."""
    current = obj.state
    if not allowed(obj, to):
        raise InvalidTransition(
            _("This cannot be done now: %(object)s is %(state)s.")
            % {"object": str(obj), "state": obj.get_state_display()},
            state=current,
            to=to,
        )


def advance(
    obj: Any,
    to: str,
    *,
    actor: User | None,
    action: str | None = None,
    fields: Iterable[str] = (),
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> None:
    """Move `obj` to state `to`, save `fields` (already set on obj) and the state, and record
    the event `action` (default "<model>.<to>") with the state in before/after."""
    require_transition(obj, to)
    old = obj.state
    obj.state = to
    obj.save(update_fields=["state", *fields])
    noun = obj._meta.model_name
    record_event(
        obj=obj,
        action=action or f"{noun}.{to}",
        actor=actor,
        organisation=organisation,
        before={"state": old, **(before or {})},
        after={"state": to, **(after or {})},
    )
