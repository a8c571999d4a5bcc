"""Reserving and releasing a unit's funds: race-safe single-statement updates plus a ledger row.

`reserve` never overdraws: the UPDATE only matches while enough is left, so two concurrent
orders cannot both take the last yuan (and the check constraint backs it up). Callers run inside
their service's transaction and record the amount in their own audit event.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.core.errors import DomainError
from govmall.trading.models import FundingSource, FundMovement, MovementKind

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.trading.models import Order


def reserve(source_id: int, amount: Decimal, *, order: Order, actor: User | None) -> None:
    if amount <= 0:
        return
    updated = FundingSource.objects.filter(
        pk=source_id, active=True, amount__gte=F("reserved") + amount
    ).update(reserved=F("reserved") + amount, updated_at=timezone.now())
    if not updated:
        raise insufficient_funds(amount)
    FundMovement.objects.create(
        source_id=source_id,
        kind=MovementKind.RESERVE,
        amount=amount,
        order=order,
        actor=actor,
        at=timezone.now(),
    )


def insufficient_funds(amount: Decimal) -> DomainError:
    return DomainError(
        "insufficient_funds",
        _("The funding source does not have %(amount)s left.") % {"amount": amount},
        status=409,
        field="funding_source",
    )


def release(
    source_id: int, amount: Decimal, *, order: Order, actor: User | None, note: str = ""
) -> None:
    """Give back `amount` of what `order` reserved (cancellation, return, termination)."""
    if amount <= 0:
        return
    FundingSource.objects.filter(pk=source_id).update(
        reserved=F("reserved") - amount, updated_at=timezone.now()
    )
    FundMovement.objects.create(
        source_id=source_id,
        kind=MovementKind.RELEASE,
        amount=-amount,
        order=order,
        actor=actor,
        note=note[:200],
        at=timezone.now(),
    )


def release_order(
    order: Order, *, actor: User | None, amount: Decimal | None = None, note: str = ""
) -> Decimal:
    """Release `amount` (default: all) of the order's reservation; updates the order row's
    `reserved_amount` (caller saves nothing else for it). Returns what was released."""
    to_release = order.reserved_amount if amount is None else min(amount, order.reserved_amount)
    if to_release <= 0:
        return Decimal("0.00")
    release(order.funding_source_id, to_release, order=order, actor=actor, note=note)
    order.reserved_amount = order.reserved_amount - to_release
    type(order).objects.filter(pk=order.pk).update(reserved_amount=order.reserved_amount)
    return to_release
