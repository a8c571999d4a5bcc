"""Who may see and act on trading objects: one place for API and pages.

Visibility: the purchasing unit's members, the supplier's members, and operators/regulators
whose jurisdiction covers the purchasing unit's division. Missing and not-yours are one 404.
Sealed quotes have their own rules in `trading.sealing`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from govmall.accounts.access import in_jurisdiction, is_authenticated, require_role
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.core.errors import NotFound, PermissionDenied
from govmall.suppliers.models import Supplier
from govmall.trading.models import ChangeRequest, Contract, Order, Quotation, Ticket

PURCHASER_ROLES = (Role.PURCHASER_ADMIN, Role.BUYER, Role.APPROVER)
SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)
SUPERVISORY_KINDS = (OrgKind.OPERATOR, OrgKind.REGULATOR)


def is_member(actor: User | None, org_id: int | None) -> bool:
    return is_authenticated(actor) and actor is not None and actor.organisation_id == org_id


def supervises(actor: User | None, org: Organisation) -> bool:
    """Operator or regulator whose jurisdiction covers the organisation's division."""
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return False
    return actor.organisation.kind in SUPERVISORY_KINDS and in_jurisdiction(actor, org.division)


def actor_supplier(actor: User | None) -> Supplier | None:
    """The supplier the actor works for (admin or staff), if any."""
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return None
    if actor.organisation.kind != OrgKind.SUPPLIER or not actor.has_role(*SUPPLIER_ROLES):
        return None
    return Supplier.objects.filter(organisation_id=actor.organisation.pk).first()


def require_supplier(actor: User | None) -> Supplier:
    require_role(actor, *SUPPLIER_ROLES)
    supplier = actor_supplier(actor)
    if supplier is None:
        raise PermissionDenied()
    return supplier


def require_purchaser(actor: User | None, *roles: str) -> User:
    """A member of a purchasing unit holding one of `roles` (default: any purchaser role)."""
    user = require_role(actor, *(roles or PURCHASER_ROLES))
    if user.organisation is None or user.organisation.kind != OrgKind.PURCHASER:
        raise PermissionDenied()
    return user


def order_visible_to(actor: User | None, order: Order) -> bool:
    if not is_authenticated(actor) or actor is None:
        return False
    if actor.organisation_id in (order.purchaser_id, order.supplier.organisation_id):
        return True
    return supervises(actor, order.purchaser)


def visible_orders(actor: User | None) -> QuerySet[Order]:
    """Orders the actor may see (purchaser's, supplier's or supervised units')."""
    base = Order.objects.select_related("purchaser", "supplier", "supplier__organisation")
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return base.none()
    org = actor.organisation
    if org.kind == OrgKind.PURCHASER:
        return base.filter(purchaser_id=org.pk)
    if org.kind == OrgKind.SUPPLIER:
        return base.filter(supplier__organisation_id=org.pk)
    if org.kind in SUPERVISORY_KINDS:
        return base.filter(purchaser__division__path__startswith=org.division.path)
    return base.none()


def order_for_actor(actor: User | None, number: str, *, lock: bool = False) -> Order:
    qs = Order.objects.select_related(
        "purchaser", "purchaser__division", "supplier", "supplier__organisation"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    order = qs.filter(number=number).first()
    if order is None or not order_visible_to(actor, order):
        raise NotFound()
    return order


def require_order_purchaser(actor: User | None, order: Order, *roles: str) -> User:
    """The actor acts for the order's purchasing unit with one of `roles`."""
    user = require_purchaser(actor, *roles)
    if user.organisation_id != order.purchaser_id:
        raise NotFound()
    return user


def require_order_supplier(actor: User | None, order: Order) -> Supplier:
    supplier = require_supplier(actor)
    if supplier.pk != order.supplier_id:
        raise NotFound()
    return supplier


def contract_for_actor(actor: User | None, number: str, *, lock: bool = False) -> Contract:
    qs = Contract.objects.select_related(
        "order", "order__purchaser", "order__purchaser__division", "order__supplier"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    contract = qs.filter(number=number).first()
    if contract is None or not order_visible_to(actor, contract.order):
        raise NotFound()
    return contract


def quotation_visible_to(actor: User | None, quotation: Quotation) -> bool:
    """The purchasing unit, supervisors, and suppliers invited to it."""
    if not is_authenticated(actor) or actor is None:
        return False
    if actor.organisation_id == quotation.purchaser_id:
        return True
    if supervises(actor, quotation.purchaser):
        return True
    supplier = actor_supplier(actor)
    return supplier is not None and quotation.invitations.filter(supplier=supplier).exists()


def quotation_for_actor(actor: User | None, number: str, *, lock: bool = False) -> Quotation:
    qs = Quotation.objects.select_related("purchaser", "purchaser__division", "category")
    if lock:
        qs = qs.select_for_update(of=("self",))
    quotation = qs.filter(number=number).first()
    if quotation is None or not quotation_visible_to(actor, quotation):
        raise NotFound()
    return quotation


def ticket_for_actor(actor: User | None, number: str, *, lock: bool = False) -> Ticket:
    qs = Ticket.objects.select_related("order", "order__purchaser", "order__supplier")
    if lock:
        qs = qs.select_for_update(of=("self",))
    ticket = qs.filter(number=number).first()
    if ticket is None or not order_visible_to(actor, ticket.order):
        raise NotFound()
    return ticket


def change_for_actor(actor: User | None, number: str, *, lock: bool = False) -> ChangeRequest:
    qs = ChangeRequest.objects.select_related(
        "order", "order__purchaser", "order__supplier", "operator"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    change = qs.filter(number=number).first()
    if change is None or not order_visible_to(actor, change.order):
        raise NotFound()
    return change


def purchaser_units_q(actor: User) -> Q:
    """Filter on `purchaser` for lists of a supervisor's jurisdiction."""
    org = actor.organisation
    if org is None:
        return Q(pk__in=[])
    return Q(purchaser__division__path__startswith=org.division.path)
