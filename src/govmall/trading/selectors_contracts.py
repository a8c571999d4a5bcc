"""Reads of contracts: who sees which, the overdue queries (publish and file deadlines passed,
not done — never a stored flag), the regulator's filing list and the public portal's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind
from govmall.trading import access
from govmall.trading.models import Contract, ContractState

# States in which the publish and file duties run (signed, and after it).
DUTY_STATES = (ContractState.SIGNED, ContractState.COMPLETED)


def _base() -> QuerySet[Contract]:
    return Contract.objects.select_related(
        "order",
        "order__purchaser",
        "order__purchaser__division",
        "order__supplier",
        "order__supplier__organisation",
    )


def visible_contracts(actor: User | None) -> QuerySet[Contract]:
    """Contracts of the orders the actor may see."""
    if not access.is_authenticated(actor) or actor is None or actor.organisation is None:
        return Contract.objects.none()
    org = actor.organisation
    base = _base()
    if org.kind == OrgKind.PURCHASER:
        return base.filter(order__purchaser_id=org.pk)
    if org.kind == OrgKind.SUPPLIER:
        return base.filter(order__supplier__organisation_id=org.pk)
    if org.kind in access.SUPERVISORY_KINDS:
        return base.filter(order__purchaser__division__path__startswith=org.division.path)
    return base.none()


def publish_overdue_q(now: datetime) -> Q:
    return Q(state__in=DUTY_STATES, published_at__isnull=True, publish_deadline__lt=now)


def file_overdue_q(now: datetime) -> Q:
    return Q(state__in=DUTY_STATES, filed_at__isnull=True, file_deadline__lt=now)


def publish_overdue(now: datetime | None = None) -> QuerySet[Contract]:
    return _base().filter(publish_overdue_q(now or timezone.now()))


def file_overdue(now: datetime | None = None) -> QuerySet[Contract]:
    return _base().filter(file_overdue_q(now or timezone.now()))


def is_publish_overdue(contract: Contract, now: datetime | None = None) -> bool:
    return bool(
        contract.state in DUTY_STATES
        and contract.published_at is None
        and contract.publish_deadline is not None
        and contract.publish_deadline < (now or timezone.now())
    )


def is_file_overdue(contract: Contract, now: datetime | None = None) -> bool:
    return bool(
        contract.state in DUTY_STATES
        and contract.filed_at is None
        and contract.file_deadline is not None
        and contract.file_deadline < (now or timezone.now())
    )


def filing_list(actor: User) -> QuerySet[Contract]:
    """Signed contracts of the units in the supervisor's jurisdiction (filed or not)."""
    return visible_contracts(actor).filter(signed_at__isnull=False)


def public_contracts() -> QuerySet[Contract]:
    """Published contracts, newest first (the portal shows only these)."""
    return _base().filter(published_at__isnull=False).order_by("-published_at", "-id")


def public_contract(number: str) -> Contract | None:
    return public_contracts().filter(number=number).first()


@dataclass(frozen=True)
class Row:
    """A contract in a list, with its overdue flags computed now."""

    contract: Contract
    publish_overdue: bool
    file_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.publish_overdue or self.file_overdue


def rows(contracts: list[Contract], now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    return [Row(c, is_publish_overdue(c, now), is_file_overdue(c, now)) for c in contracts]
