"""Business verbs of the category tree. Only operator admins of the regional centre change it
(region-wide data); every change is an audit event on the category, in the same transaction,
with the changed fields before and after.

This module stays the one import for the category area: it re-exports the attribute verbs
(`services_attributes`), the validation shared with the import (`validation_categories`, so a
file and a form refuse the same things with the same codes) and the row-level writes and
snapshots (`category_writes`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.audit.services import record_event, record_events_bulk
from govmall.catalog.category_writes import (
    attribute_in_use,
    attribute_snapshot,
    category_snapshot,
    changed,
    check_key_free,
    locked_category,
    move_category,
    parent_for,
    refresh_category,
    write_attribute,
    write_new_category,
)
from govmall.catalog.models import Category, EnergyStatus, Listing, ListingState
from govmall.catalog.search.index import sync_listings
from govmall.catalog.services_attributes import attribute_add, attribute_remove, attribute_update
from govmall.catalog.validation_categories import (
    ATTRIBUTE_FIELDS,
    CATEGORY_FIELDS,
    CODE_RE,
    CPV_RE,
    DECIMAL_LIMIT,
    KEY_RE,
    MAX_CHOICE_LEN,
    MAX_CHOICES,
    MAX_PATH,
    MAX_POSITION,
    MAX_WARRANTY,
    UNSPSC_RE,
    clean_attribute_fields,
    clean_attribute_key,
    clean_bool,
    clean_category_fields,
    clean_code,
)
from govmall.core.errors import DomainError, InvalidTransition

__all__ = [
    "ATTRIBUTE_FIELDS",
    "CATEGORY_FIELDS",
    "CODE_RE",
    "CPV_RE",
    "DECIMAL_LIMIT",
    "KEY_RE",
    "MAX_CHOICES",
    "MAX_CHOICE_LEN",
    "MAX_PATH",
    "MAX_POSITION",
    "MAX_WARRANTY",
    "UNSET",
    "UNSPSC_RE",
    "attribute_add",
    "attribute_in_use",
    "attribute_remove",
    "attribute_snapshot",
    "attribute_update",
    "category_activate",
    "category_create",
    "category_deactivate",
    "category_snapshot",
    "category_update",
    "changed",
    "check_key_free",
    "clean_attribute_fields",
    "clean_attribute_key",
    "clean_bool",
    "clean_category_fields",
    "clean_code",
    "move_category",
    "resync_listings",
    "write_attribute",
    "write_new_category",
]

# Sentinel for "leave unchanged" where None is a meaningful value (root parent, no bound).
UNSET: Any = object()


def resync_listings(category: Category) -> None:
    """The search rows carry the category's ancestors: rebuild them for the live listings of a
    moved (or (de)activated) subtree."""
    ids = list(
        Listing.objects.filter(
            category__path__startswith=category.path, state=ListingState.LISTED
        ).values_list("pk", flat=True)
    )
    if ids:
        sync_listings(ids)


# --- categories -------------------------------------------------------------------------------


def category_create(
    *,
    actor: User | None,
    code: str,
    parent_code: str | None,
    name_zh: str,
    name_en: str,
    gp_code: str = "",
    unspsc: str = "",
    cpv: str = "",
    energy_status: str = EnergyStatus.NONE,
    min_warranty_months: int = 0,
    position: int = 0,
) -> Category:
    actor = require_regional_operator_admin(actor)
    code = clean_code(code)
    fields = clean_category_fields(
        {
            "name_zh": name_zh,
            "name_en": name_en,
            "gp_code": gp_code,
            "unspsc": unspsc,
            "cpv": cpv,
            "energy_status": energy_status,
            "min_warranty_months": min_warranty_months,
            "position": position,
        }
    )
    with transaction.atomic():
        parent = parent_for(parent_code)
        if parent is not None:
            parent = Category.objects.select_for_update(of=("self",)).get(pk=parent.pk)
        category = write_new_category(code=code, parent=parent, fields=fields)
        record_event(
            obj=category,
            action="category.created",
            actor=actor,
            after=category_snapshot(category),
        )
    return category


def category_update(
    *,
    actor: User | None,
    category: Category,
    parent_code: str | None = UNSET,
    name_zh: str = UNSET,
    name_en: str = UNSET,
    gp_code: str = UNSET,
    unspsc: str = UNSET,
    cpv: str = UNSET,
    energy_status: str = UNSET,
    min_warranty_months: int = UNSET,
    position: int = UNSET,
) -> Category:
    """Change the given fields (others stay). `parent_code` moves the category (None or ""
    makes it a root); the code itself never changes (listings and open data refer to it)."""
    actor = require_regional_operator_admin(actor)
    given = {
        name: value
        for name, value in {
            "name_zh": name_zh,
            "name_en": name_en,
            "gp_code": gp_code,
            "unspsc": unspsc,
            "cpv": cpv,
            "energy_status": energy_status,
            "min_warranty_months": min_warranty_months,
            "position": position,
        }.items()
        if value is not UNSET
    }
    fields = clean_category_fields(given, partial=True)
    with transaction.atomic():
        locked = locked_category(category.code)
        before = category_snapshot(locked)
        moved: list[Category] = []
        if parent_code is not UNSET:
            parent = parent_for(parent_code)
            if (parent.pk if parent else None) != locked.parent_id:
                moved = move_category(locked, parent)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        old, new = changed(before, category_snapshot(locked))
        if new:
            record_event(obj=locked, action="category.updated", actor=actor, before=old, after=new)
        if moved:
            record_events_bulk(
                items=[
                    (node, "category.path_changed", None, {"path": node.path, "depth": node.depth})
                    for node in moved
                ],
                actor=actor,
            )
        if "path" in new:
            resync_listings(locked)
    refresh_category(category, locked)
    return category


def category_deactivate(*, actor: User | None, category: Category) -> Category:
    """No new listings in the category or below it (the whole subtree is deactivated); listings
    already there stay as they are."""
    actor = require_regional_operator_admin(actor)
    with transaction.atomic():
        locked = locked_category(category.code)
        if not locked.is_active:
            raise InvalidTransition(_("The category is already inactive."), category=locked.code)
        below = list(
            Category.objects.select_for_update(of=("self",))
            .filter(path__startswith=locked.path, is_active=True)
            .exclude(pk=locked.pk)
        )
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        Category.objects.filter(pk__in=[c.pk for c in below]).update(is_active=False)
        record_event(
            obj=locked,
            action="category.deactivated",
            actor=actor,
            before={"is_active": True},
            after={"is_active": False, "descendants_deactivated": len(below)},
        )
        if below:
            record_events_bulk(
                items=[
                    (c, "category.deactivated", {"is_active": True}, {"is_active": False})
                    for c in below
                ],
                actor=actor,
            )
    category.is_active = False
    return category


def category_activate(*, actor: User | None, category: Category) -> Category:
    """Activate the category itself (its parent must be active; descendants stay as they are)."""
    actor = require_regional_operator_admin(actor)
    with transaction.atomic():
        locked = locked_category(category.code)
        if locked.is_active:
            raise InvalidTransition(_("The category is already active."), category=locked.code)
        if locked.parent is not None and not locked.parent.is_active:
            raise DomainError(
                "parent_inactive",
                _("Activate the parent category %(code)s first.") % {"code": locked.parent.code},
                status=409,
            )
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        record_event(
            obj=locked,
            action="category.activated",
            actor=actor,
            before={"is_active": False},
            after={"is_active": True},
        )
    category.is_active = True
    return category
