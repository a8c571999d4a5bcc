"""Reading funds: a unit's sources, a source's ledger, a regulator's overview of its units.

Who sees what: a purchasing unit's members see their own unit's sources and ledgers;
regulators see the units in their jurisdiction. Missing and not-yours are one 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.core.errors import NotFound, PermissionDenied
from govmall.trading.access import PURCHASER_ROLES, is_member, supervises
from govmall.trading.models import FundingSource, FundMovement, PurchasingPolicy

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
ZERO = Decimal("0.00")
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def is_regulator(actor: User | None) -> bool:
    return (
        is_authenticated(actor)
        and actor is not None
        and actor.organisation is not None
        and actor.organisation.kind == OrgKind.REGULATOR
        and actor.has_role(Role.REGULATOR)
    )


def is_unit_member(actor: User | None) -> bool:
    """A purchaser (any purchaser role) of a purchasing unit."""
    return (
        is_authenticated(actor)
        and actor is not None
        and actor.organisation is not None
        and actor.organisation.kind == OrgKind.PURCHASER
        and actor.has_role(*PURCHASER_ROLES)
    )


def source_visible_to(actor: User | None, source: FundingSource) -> bool:
    if is_unit_member(actor) and is_member(actor, source.organisation_id):
        return True
    return is_regulator(actor) and supervises(actor, source.organisation)


def visible_sources(actor: User | None) -> QuerySet[FundingSource]:
    """Sources the actor may read; anyone else is refused (403), not shown an empty list."""
    base = FundingSource.objects.select_related("organisation").order_by(
        "organisation__name", "-fiscal_year", "budget_line", "id"
    )
    if is_unit_member(actor):
        assert actor is not None and actor.organisation is not None
        return base.filter(organisation_id=actor.organisation.pk)
    if is_regulator(actor):
        assert actor is not None and actor.organisation is not None
        return base.filter(
            organisation__kind=OrgKind.PURCHASER,
            organisation__division__path__startswith=actor.organisation.division.path,
        )
    raise PermissionDenied()


def source_for_actor(actor: User | None, source_id: int) -> FundingSource:
    source = (
        FundingSource.objects.select_related("organisation", "organisation__division")
        .filter(pk=source_id)
        .first()
    )
    if source is None or not source_visible_to(actor, source):
        raise NotFound()
    return source


def unit_for_regulator_view(actor: User | None, unit_id: int) -> Organisation:
    """A purchasing unit in the regulator's jurisdiction (404 otherwise)."""
    if not is_regulator(actor):
        raise PermissionDenied()
    org = Organisation.objects.select_related("division").filter(pk=unit_id).first()
    if org is None or org.kind != OrgKind.PURCHASER or not supervises(actor, org):
        raise NotFound()
    return org


def unit_sources(org: Organisation, *, fiscal_year: int | None = None) -> QuerySet[FundingSource]:
    """A unit's sources, newest year first; `available` is amount − reserved on each."""
    qs = FundingSource.objects.filter(organisation=org).order_by("-fiscal_year", "budget_line")
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs


def totals(sources: QuerySet[FundingSource]) -> dict[str, Decimal]:
    """Amount, reserved and available over the active sources, in one query."""
    agg = sources.filter(active=True).aggregate(
        amount=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
        reserved=Coalesce(Sum("reserved"), Value(ZERO), output_field=_MONEY),
    )
    cent = Decimal("0.01")
    amount, reserved = Decimal(agg["amount"]), Decimal(agg["reserved"])
    return {
        "amount": amount.quantize(cent),
        "reserved": reserved.quantize(cent),
        "available": (amount - reserved).quantize(cent),
    }


def ledger(source: FundingSource) -> QuerySet[FundMovement]:
    """The source's movements, oldest first, with the order number and actor of each."""
    return (
        FundMovement.objects.filter(source=source)
        .select_related("order", "actor")
        .only(
            "id",
            "kind",
            "amount",
            "note",
            "at",
            "source_id",
            "order__number",
            "actor__username",
            "actor__display_name",
        )
        .order_by("id")
    )


def ledger_json(movement: FundMovement) -> dict[str, Any]:
    return {
        "id": movement.pk,
        "kind": movement.kind,
        "amount": movement.amount,
        "order": movement.order.number if movement.order is not None else None,
        "note": movement.note,
        "actor": movement.actor.username if movement.actor is not None else None,
        "at": movement.at,
    }


def unit_overview(
    actor: User | None, *, query: str = "", fiscal_year: int | None = None
) -> QuerySet[Organisation]:
    """Purchasing units in the regulator's jurisdiction with their funds summed in SQL (one
    grouped query; active sources only): `funds_amount`, `funds_reserved`,
    `funds_available`, `source_count` (all sources). Ordered by name."""
    if not is_regulator(actor):
        raise PermissionDenied()
    assert actor is not None and actor.organisation is not None
    year = Q(funding_sources__fiscal_year=fiscal_year) if fiscal_year is not None else Q()
    active = Q(funding_sources__active=True) & year
    units = Organisation.objects.filter(
        kind=OrgKind.PURCHASER,
        division__path__startswith=actor.organisation.division.path,
    )
    if query:
        units = units.filter(Q(name__icontains=query) | Q(division_id=query))
    return (
        units.select_related("division")
        .annotate(
            funds_amount=Coalesce(
                Sum("funding_sources__amount", filter=active), Value(ZERO), output_field=_MONEY
            ),
            funds_reserved=Coalesce(
                Sum("funding_sources__reserved", filter=active), Value(ZERO), output_field=_MONEY
            ),
            source_count=Count("funding_sources", filter=year)
            if year
            else Count("funding_sources"),
        )
        .annotate(funds_available=F("funds_amount") - F("funds_reserved"))
        .order_by("name", "id")
    )


def approval_limit(org_id: int) -> Decimal | None:
    """The unit's internal approval limit (None: no approval step). For order placement."""
    return (
        PurchasingPolicy.objects.filter(organisation_id=org_id)
        .values_list("approval_limit", flat=True)
        .first()
    )


def policy_of(org_id: int) -> PurchasingPolicy | None:
    return (
        PurchasingPolicy.objects.filter(organisation_id=org_id).select_related("updated_by").first()
    )
