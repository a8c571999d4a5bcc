"""Who may see and import reference prices.

Reference prices are region-wide data: only operator admins of the regional centre import them
(the command line imports as the system). Operators and regulators of any division read them,
search them and see the imports and their reports.
"""

from __future__ import annotations

from govmall.accounts.access import (
    is_authenticated,
    is_regional_operator_admin,
    require_regional_operator_admin,
)
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind
from govmall.core.errors import DomainError, PermissionDenied

VIEWER_KINDS = (OrgKind.OPERATOR, OrgKind.REGULATOR)


def can_view_references(actor: User | None) -> bool:
    """Operators (admins and reviewers) and regulators, of any division."""
    return (
        is_authenticated(actor)
        and actor is not None
        and actor.organisation is not None
        and actor.organisation.kind in VIEWER_KINDS
    )


def can_import_references(actor: User | None) -> bool:
    return is_regional_operator_admin(actor)


def require_viewer(actor: User | None) -> User:
    if not is_authenticated(actor):
        raise DomainError("unauthenticated", "Log in first.", status=401)
    if not can_view_references(actor):
        raise PermissionDenied("Only operators and regulators see reference prices.")
    assert actor is not None
    return actor


def require_importer(actor: User | None) -> User:
    """Operator admins of the regional centre (reference prices are region-wide data)."""
    return require_regional_operator_admin(actor)
