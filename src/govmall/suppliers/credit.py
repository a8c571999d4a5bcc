"""Reads of the credit lists: hits on a code (expired entries no longer count), open flags, who
may see, import and resolve, and the status of one code as the public API tells it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from govmall.accounts.access import is_authenticated
from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.suppliers.models import CreditFlag, CreditListEntry, CreditListImport, Supplier

IMPORTED_ACTION = "credit_list.imported"


def today() -> date:
    return timezone.localdate()


def in_force(on: date | None = None, *, prefix: str = "") -> Q:
    """Entries listed by `on` and not expired (the expiry date is the last day listed).
    `prefix` reaches the entry through a relation, e.g. "entry__"."""
    on = on or today()
    return Q(**{f"{prefix}listed_date__lte": on}) & (
        Q(**{f"{prefix}expiry_date__isnull": True}) | Q(**{f"{prefix}expiry_date__gte": on})
    )


def active_hits(credit_code: str) -> QuerySet[CreditListEntry]:
    return CreditListEntry.objects.filter(in_force(), credit_code=credit_code.upper())


def has_open_flag(supplier: Supplier) -> bool:
    """An unresolved flag whose entry is still in force (an expired entry no longer counts)."""
    return CreditFlag.objects.filter(
        in_force(prefix="entry__"), supplier=supplier, resolved_at__isnull=True
    ).exists()


# ---- who may do what ----------------------------------------------------------------------


def _kind(actor: User | None) -> str | None:
    if not is_authenticated(actor) or actor is None or actor.organisation is None:
        return None
    return actor.organisation.kind


def can_view_credit_lists(actor: User | None) -> bool:
    """Operators (admins and reviewers) and regulators see the lists, imports and flags."""
    return _kind(actor) in (OrgKind.OPERATOR, OrgKind.REGULATOR)


def can_import_credit_lists(actor: User | None) -> bool:
    """Operator admins of any operator and regulators import lists; reviewers run queues."""
    return (
        can_view_credit_lists(actor)
        and actor is not None
        and actor.has_role(Role.OPERATOR_ADMIN, Role.REGULATOR)
    )


def can_resolve_flags(actor: User | None) -> bool:
    """Operator admins and reviewers resolve flags (of suppliers in their jurisdiction)."""
    return (
        _kind(actor) == OrgKind.OPERATOR
        and actor is not None
        and actor.has_role(Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER)
    )


def flags_in_jurisdiction(actor: User) -> QuerySet[CreditFlag]:
    """Flags on suppliers the actor supervises (same rule as suppliers.access.supervises)."""
    flags = CreditFlag.objects.select_related("supplier__organisation__division", "entry")
    org = actor.organisation
    if not can_view_credit_lists(actor) or org is None:
        return flags.none()
    if org.division_id == settings.GOVMALL_REGIONAL_CENTRE_DIVISION:
        return flags
    return flags.filter(supplier__organisation__division__path__startswith=org.division.path)


def open_flags_in_jurisdiction(actor: User) -> QuerySet[CreditFlag]:
    return flags_in_jurisdiction(actor).filter(resolved_at__isnull=True).order_by("raised_at", "id")


# ---- one code's status ----------------------------------------------------------------------


def check_code(code: str) -> str:
    """The normalised code if well formed (format, authority and type characters, check
    digit); any kind of organisation may be listed, so no supplier type is asked for."""
    from govmall.suppliers.codes import validate_credit_code

    return validate_credit_code(code, supplier_type="")


def code_status(code: str) -> dict[str, Any]:
    """`{"credit_code", "valid", "listed", "entries"}` with in-force entries only; a
    DomainError from the codes module for an invalid code."""
    normalised = check_code(code)
    entries = [
        {
            "list_type": e.list_type,
            "name": e.name,
            "reason": e.reason,
            "source": e.source,
            "listed_date": e.listed_date,
            "expiry_date": e.expiry_date,
        }
        for e in active_hits(normalised).order_by("listed_date", "id")
    ]
    return {"credit_code": normalised, "valid": True, "listed": bool(entries), "entries": entries}


# ---- imports ----------------------------------------------------------------------------------


def import_summary(imp: CreditListImport) -> dict[str, int]:
    """The counts the import's audit event recorded (created, updated, unchanged, faults,
    flags_raised); the trail is where they are kept."""
    from govmall.audit.models import Event

    event = (
        Event.objects.filter(
            object_type="suppliers.creditlistimport", object_id=str(imp.pk), action=IMPORTED_ACTION
        )
        .order_by("seq")
        .first()
    )
    keys = ("created", "updated", "unchanged", "faults", "flags_raised")
    after = event.after if event is not None else {}
    return {k: int(after.get(k, 0)) for k in keys}
