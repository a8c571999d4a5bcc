"""Who may see and act on suppliers, applications and documents."""

from __future__ import annotations

from govmall.accounts.access import in_jurisdiction, is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.core.errors import NotFound, PermissionDenied
from govmall.suppliers.models import Application, Supplier


def own_supplier(actor: User | None, *, admin: bool = False) -> Supplier:
    """The supplier the actor works for; `admin` requires the supplier admin role."""
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        raise NotFound()
    if actor.organisation.kind != OrgKind.SUPPLIER:
        raise PermissionDenied()
    if admin and not actor.has_role(Role.SUPPLIER_ADMIN):
        raise PermissionDenied("Only the supplier admin may do this.")
    supplier = (
        Supplier.objects.select_related("organisation__division")
        .filter(organisation=actor.organisation)
        .first()
    )
    if supplier is None:
        raise NotFound()
    return supplier


def supervises(actor: User, supplier: Supplier) -> bool:
    """Operators with jurisdiction over the supplier's division, and regulators (any level
    above it), see a supplier's full file; the regional centre sees everyone, including
    suppliers from outside the region, whose owner it is."""
    from django.conf import settings

    org = actor.organisation
    if org is None or org.kind not in (OrgKind.OPERATOR, OrgKind.REGULATOR):
        return False
    if org.division_id == settings.GOVMALL_REGIONAL_CENTRE_DIVISION:
        return True
    return in_jurisdiction(actor, supplier.organisation.division)


def can_view_supplier_file(actor: User | None, supplier: Supplier) -> bool:
    """The owner, supervising operators and regulators: full file incl. documents."""
    if not is_authenticated(actor) or actor is None:
        return False
    if actor.is_superuser or actor.organisation_id == supplier.organisation_id:
        return True
    return supervises(actor, supplier)


def supplier_for_actor(actor: User | None, supplier_id: int) -> Supplier:
    supplier = (
        Supplier.objects.select_related("organisation__division").filter(pk=supplier_id).first()
    )
    if supplier is None or not can_view_supplier_file(actor, supplier):
        raise NotFound()
    return supplier


def application_for_actor(actor: User | None, number: str) -> Application:
    application = (
        Application.objects.select_related("supplier__organisation__division", "owner")
        .filter(number=number)
        .first()
    )
    if application is None or not can_view_supplier_file(actor, application.supplier):
        raise NotFound()
    return application


def require_deciding_operator(actor: User | None, application: Application) -> User:
    """Deciding is for reviewers or admins of the owning operator (the owner's queue carries
    the deadline; operators above it see the matter but do not decide it)."""
    if not is_authenticated(actor) or actor is None:
        raise NotFound()
    if not actor.has_role(Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN):
        raise PermissionDenied()
    if actor.organisation_id != application.owner_id:
        raise PermissionDenied("Only the owning operator decides this application.")
    return actor
