"""Business verbs of a category's attribute template (add, update, remove). Like the category
verbs, only operator admins of the regional centre change them, and every change is an audit
event on the category, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.catalog.category_writes import (
    attribute_in_use,
    attribute_snapshot,
    changed,
    locked_category,
    refresh_category,
    write_attribute,
)
from govmall.catalog.models import AttributeSpec, Category
from govmall.catalog.validation_categories import (
    ATTRIBUTE_FIELDS,
    clean_attribute_fields,
    clean_attribute_key,
)
from govmall.core.errors import DomainError, NotFound


def attribute_add(
    *,
    actor: User | None,
    category: Category,
    key: str,
    name_zh: str,
    name_en: str,
    kind: str,
    unit: str = "",
    required: bool = False,
    choices: Iterable[str] | None = None,
    min_value: Decimal | str | None = None,
    max_value: Decimal | str | None = None,
    is_key: bool = False,
    is_filter: bool = False,
    position: int | None = None,
) -> AttributeSpec:
    actor = require_regional_operator_admin(actor)
    key = clean_attribute_key(key)
    raw: dict[str, Any] = {
        "name_zh": name_zh,
        "name_en": name_en,
        "kind": kind,
        "unit": unit,
        "required": required,
        "choices": list(choices) if choices is not None else [],
        "min_value": min_value,
        "max_value": max_value,
        "is_key": is_key,
        "is_filter": is_filter,
        "position": position or 0,
    }
    fields = clean_attribute_fields(raw)
    with transaction.atomic():
        locked = locked_category(category.code)
        if position is None:
            last = (
                locked.attributes.order_by("-position").values_list("position", flat=True).first()
            )
            fields["position"] = 0 if last is None else last + 1
        try:
            with transaction.atomic():
                spec = write_attribute(locked, key, fields)
        except IntegrityError as exc:
            raise DomainError(
                "duplicate_attribute",
                _("The attribute key %(key)s is already used by category %(code)s.")
                % {"key": key, "code": locked.code},
                field="key",
            ) from exc
        record_event(
            obj=locked,
            action="category.attribute_added",
            actor=actor,
            after={"attribute": attribute_snapshot(spec)},
        )
    refresh_category(category, locked)
    return spec


def _locked_attribute(category: Category, key: str) -> AttributeSpec:
    spec = (
        AttributeSpec.objects.select_for_update(of=("self",))
        .filter(category=category, key=key)
        .first()
    )
    if spec is None:
        raise NotFound(_("The category has no attribute with this key."), key=key)
    return spec


def attribute_update(
    *, actor: User | None, category: Category, key: str, **changes: Any
) -> AttributeSpec:
    """Change some of an attribute's fields (name_zh, name_en, kind, unit, required, choices,
    min_value, max_value, is_key, is_filter, position). The key never changes (listings store
    values by key); the type cannot change while listings hold a value for it."""
    actor = require_regional_operator_admin(actor)
    unknown = sorted(set(changes) - set(ATTRIBUTE_FIELDS))
    if unknown:
        raise DomainError(
            "unknown_field", _("Unknown field: %(name)s.") % {"name": unknown[0]}, field=unknown[0]
        )
    with transaction.atomic():
        locked = locked_category(category.code)
        spec = _locked_attribute(locked, key)
        before = attribute_snapshot(spec)
        fields = clean_attribute_fields(changes, current=spec)
        if fields["kind"] != spec.kind and attribute_in_use(locked, key):
            raise DomainError(
                "attribute_in_use",
                _("Listings hold values for this attribute: its type cannot change."),
                field="kind",
            )
        for name, value in fields.items():
            setattr(spec, name, value)
        spec.save()
        old, new = changed(before, attribute_snapshot(spec))
        if new:
            record_event(
                obj=locked,
                action="category.attribute_updated",
                actor=actor,
                before={"key": key, **old},
                after={"key": key, **new},
            )
    refresh_category(category, locked)
    return spec


def attribute_remove(*, actor: User | None, category: Category, key: str) -> None:
    """Remove an attribute from the template. Values listings already hold stay in them but are
    no longer part of the template."""
    actor = require_regional_operator_admin(actor)
    with transaction.atomic():
        locked = locked_category(category.code)
        spec = _locked_attribute(locked, key)
        before = attribute_snapshot(spec)
        spec.delete()
        record_event(
            obj=locked,
            action="category.attribute_removed",
            actor=actor,
            before={"attribute": before},
        )
    refresh_category(category, locked)
