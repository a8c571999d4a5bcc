"""Reads of returns and terminations: who sees which requests, the owning operator's queue
(sorted by the verification deadline, overdue ones first by construction), who is told what,
and the JSON shape of a request for the API.

"Overdue" is a query (still awaiting, deadline passed), never a stored flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.core.errors import PermissionDenied
from govmall.suppliers.selectors_verification import time_left_text
from govmall.trading.access import SUPERVISORY_KINDS
from govmall.trading.models import ChangeRequest, ChangeState, Order

OPEN_STATES = (ChangeState.AWAITING_SUPPLIER, ChangeState.AWAITING_VERIFICATION)
DECIDED_STATES = (ChangeState.APPROVED, ChangeState.REJECTED)
REQUESTER_ROLES = (Role.BUYER, Role.PURCHASER_ADMIN)
DECIDER_ROLES = (Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN)
QUEUE_LIMIT = 200


def _base() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related(
        "order",
        "order__purchaser",
        "order__purchaser__division",
        "order__supplier",
        "order__supplier__organisation",
        "operator",
        "requested_by",
    )


def visible_changes(actor: User | None) -> QuerySet[ChangeRequest]:
    """Requests on orders the actor may see: its unit's, its supplier's, or (operators and
    regulators) those of units in its jurisdiction."""
    if actor is None or not actor.is_authenticated or actor.organisation is None:
        return ChangeRequest.objects.none()
    org = actor.organisation
    if org.kind == OrgKind.PURCHASER:
        return _base().filter(order__purchaser_id=org.pk)
    if org.kind == OrgKind.SUPPLIER:
        return _base().filter(order__supplier__organisation_id=org.pk)
    if org.kind in SUPERVISORY_KINDS:
        return _base().filter(order__purchaser__division__path__startswith=org.division.path)
    return ChangeRequest.objects.none()


def overdue_verifications(now: datetime | None = None) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(
        state=ChangeState.AWAITING_VERIFICATION, verify_deadline__lt=now or timezone.now()
    )


def overdue_supplier_answers(now: datetime | None = None) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(
        state=ChangeState.AWAITING_SUPPLIER, supplier_deadline__lt=now or timezone.now()
    )


def is_overdue(change: ChangeRequest, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if change.state == ChangeState.AWAITING_SUPPLIER:
        return change.supplier_deadline < now
    if change.state == ChangeState.AWAITING_VERIFICATION:
        return change.verify_deadline is not None and change.verify_deadline < now
    return False


def current_deadline(change: ChangeRequest) -> datetime | None:
    if change.state == ChangeState.AWAITING_SUPPLIER:
        return change.supplier_deadline
    if change.state == ChangeState.AWAITING_VERIFICATION:
        return change.verify_deadline
    return None


def time_left(change: ChangeRequest, now: datetime | None = None) -> str:
    deadline = current_deadline(change)
    return time_left_text(deadline, now or timezone.now()) if deadline else ""


def open_change(order: Order) -> ChangeRequest | None:
    return _base().filter(order=order, state__in=OPEN_STATES).first()


# ---- who acts, who is told ------------------------------------------------------------------


def is_owning_decider(actor: User | None, change: ChangeRequest) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and actor.organisation_id == change.operator_id
        and actor.has_role(*DECIDER_ROLES)
    )


def require_owning_decider(actor: User, change: ChangeRequest) -> User:
    """Reviewers and admins of the owning operator verify; others who see it may not."""
    if not is_owning_decider(actor, change):
        raise PermissionDenied(_("Only the owning operator verifies this request."))
    return actor


def _active(org_id: int, *roles: str) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=org_id, is_active=True, roles__role__in=list(roles)
    ).distinct()


def supplier_users(order: Order) -> QuerySet[User]:
    return _active(order.supplier.organisation_id, Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)


def purchaser_users(order: Order) -> QuerySet[User]:
    return _active(order.purchaser_id, *REQUESTER_ROLES)


def operator_users(operator: Organisation) -> QuerySet[User]:
    return _active(operator.pk, *DECIDER_ROLES)


def change_link(change: ChangeRequest) -> str:
    try:
        return reverse("trading:change_detail", args=[change.number])
    except NoReverseMatch:
        return f"/trading/changes/{change.number}/"


def order_link(order: Order) -> str:
    try:
        return reverse("trading:order_detail", args=[order.number])
    except NoReverseMatch:
        return ""


# ---- the operator's queue ---------------------------------------------------------------------


@dataclass
class QueueRow:
    change: ChangeRequest
    overdue: bool
    time_left: str


@dataclass
class Queue:
    owned: list[QueueRow]  # awaiting verification, by deadline
    overdue_count: int
    disputed: list[ChangeRequest]  # for information: supervision takes them up
    others: list[QueueRow]  # in the jurisdiction, owned by another operator (read-only)


def require_operator(actor: User) -> Organisation:
    org = actor.organisation
    if org is None or org.kind not in SUPERVISORY_KINDS:
        raise PermissionDenied(_("The queue of returns and terminations is for operators."))
    return org


def operator_queue(actor: User, now: datetime | None = None) -> Queue:
    """The requests the actor's operator owns (awaiting verification, by deadline; disputed
    ones for information) and those in its jurisdiction another operator owns."""
    org = require_operator(actor)
    now = now or timezone.now()
    in_scope = visible_changes(actor)
    owned = list(
        in_scope.filter(operator=org, state=ChangeState.AWAITING_VERIFICATION).order_by(
            "verify_deadline", "id"
        )[:QUEUE_LIMIT]
    )
    others = list(
        in_scope.filter(state__in=OPEN_STATES)
        .exclude(operator=org)
        .order_by("state", "verify_deadline", "supplier_deadline", "id")[:QUEUE_LIMIT]
    )
    disputed = list(
        in_scope.filter(operator=org, state=ChangeState.DISPUTED).order_by("-closed_at", "-id")[
            :QUEUE_LIMIT
        ]
    )

    def row(change: ChangeRequest) -> QueueRow:
        return QueueRow(
            change=change, overdue=is_overdue(change, now), time_left=time_left(change, now)
        )

    return Queue(
        owned=[row(c) for c in owned],
        overdue_count=overdue_verifications(now).filter(operator=org).count(),
        disputed=disputed,
        others=[row(c) for c in others],
    )


def list_for_actor(actor: User, state: str | None = None) -> QuerySet[ChangeRequest]:
    qs = visible_changes(actor)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at", "-id")


# ---- JSON -----------------------------------------------------------------------------------


def change_json(change: ChangeRequest, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "number": change.number,
        "order": change.order.number,
        "kind": change.kind,
        "whole": change.whole,
        "state": change.state,
        "reason": change.reason,
        "reason_text": change.reason_text,
        "lines": [
            {
                "line_id": item.line_id,
                "listing": item.line.snapshot.get("listing", ""),
                "title": item.line.snapshot.get("title", ""),
                "quantity": item.quantity,
                "unit_price": item.line.unit_price,
            }
            for item in change.lines.select_related("line").order_by("id")
        ],
        "requested_at": change.requested_at,
        "supplier_deadline": change.supplier_deadline,
        "supplier_answered_at": change.supplier_answered_at,
        "objection": change.objection,
        "operator": {"id": change.operator_id, "name": change.operator.name},
        "verify_deadline": change.verify_deadline,
        "verified_at": change.verified_at,
        "verify_reasons": change.verify_reasons,
        "refund_amount": change.refund_amount,
        "closed_at": change.closed_at,
        "overdue": is_overdue(change, now),
        "time_left": time_left(change, now),
    }
