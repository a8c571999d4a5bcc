"""Who may see and do what: jurisdiction, ownership of matters, region-wide editing.

Every later capability asks these questions through here, never by testing roles inline.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from govmall.accounts.models import Division, Organisation, User
from govmall.accounts.roles import ORG_ADMIN_ROLE, OrgKind, Role
from govmall.core.errors import DomainError, NotFound, PermissionDenied

SUPERVISORY_KINDS = (OrgKind.OPERATOR, OrgKind.REGULATOR)


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a request behind `login_required` (typed for the services)."""
    user = request.user
    if not isinstance(user, User):
        raise DomainError("unauthenticated", "Log in first.", status=401)
    return user


def is_authenticated(actor: User | None) -> bool:
    return actor is not None and actor.is_authenticated and actor.is_active


def require_role(actor: User | None, *roles: str) -> User:
    """The actor if it holds one of `roles`; else `forbidden` (or `unauthenticated`)."""
    if not is_authenticated(actor):
        raise DomainError("unauthenticated", "Log in first.", status=401)
    assert actor is not None
    if not actor.has_role(*roles):
        raise PermissionDenied()
    return actor


def is_org_admin(actor: User | None) -> bool:
    """The actor administers its own organisation's users."""
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return False
    return actor.has_role(ORG_ADMIN_ROLE[actor.organisation.kind])


def is_operator_admin(actor: User | None) -> bool:
    return is_authenticated(actor) and actor is not None and actor.has_role(Role.OPERATOR_ADMIN)


def jurisdiction_divisions(actor: User) -> QuerySet[Division]:
    """The divisions an operator or regulator acts over: its own and everything under it."""
    org = actor.organisation
    if org is None or org.kind not in SUPERVISORY_KINDS:
        return Division.objects.none()
    return Division.objects.filter(path__startswith=org.division.path)


def in_jurisdiction(actor: User, division: Division) -> bool:
    org = actor.organisation
    if org is None or org.kind not in SUPERVISORY_KINDS:
        return False
    return division.path.startswith(org.division.path)


def owning_operator(division: Division) -> Organisation | None:
    """The operator whose division is the nearest ancestor of (or equal to) `division`.

    Outside the region (no operator on the division's path) the regional centre owns it.
    """
    codes = division.path.split("/")
    operators = {
        o.division_id: o
        for o in Organisation.objects.filter(kind=OrgKind.OPERATOR, division_id__in=codes)
        .select_related("division")
        .order_by("id")
    }
    for code in reversed(codes):
        if code in operators:
            return operators[code]
    return (
        Organisation.objects.filter(
            kind=OrgKind.OPERATOR, division_id=settings.GOVMALL_REGIONAL_CENTRE_DIVISION
        )
        .order_by("id")
        .first()
    )


def is_regional_operator_admin(actor: User | None) -> bool:
    return (
        is_authenticated(actor)
        and actor is not None
        and actor.has_role(Role.OPERATOR_ADMIN)
        and actor.organisation is not None
        and actor.organisation.kind == OrgKind.OPERATOR
        and actor.organisation.division_id == settings.GOVMALL_REGIONAL_CENTRE_DIVISION
    )


def require_regional_operator_admin(actor: User | None) -> User:
    """Region-wide data (calendar, commitment texts, categories, rule sets) is edited only here."""
    require_role(actor, Role.OPERATOR_ADMIN)
    if not is_regional_operator_admin(actor):
        raise PermissionDenied("Only operator admins of the regional centre may change this.")
    assert actor is not None
    return actor


def organisation_visible_to(actor: User, org: Organisation) -> bool:
    if actor.is_superuser:
        return True
    if actor.organisation_id == org.pk:
        return True
    return in_jurisdiction(actor, org.division)


def organisation_for_actor(actor: User, org_id: int) -> Organisation:
    """The organisation if the actor may see it; missing and not-yours are the same 404."""
    org = Organisation.objects.select_related("division").filter(pk=org_id).first()
    if org is None or not organisation_visible_to(actor, org):
        raise NotFound()
    return org


def user_visible_to(actor: User, user: User) -> bool:
    if actor.pk == user.pk or actor.is_superuser:
        return True
    return user.organisation is not None and organisation_visible_to(actor, user.organisation)
