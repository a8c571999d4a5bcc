"""Business verbs of the category tree and its attribute templates. Only operator admins of
the regional centre change them (region-wide data); every change is an audit event on the
category, in the same transaction, with the changed fields before and after.

The validation helpers (`clean_category_fields`, `clean_attribute_fields`) are shared with the
import (`categories_import`), so a file and a form refuse the same things with the same codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.audit.services import record_event, record_events_bulk
from govmall.catalog.models import (
    AttributeKind,
    AttributeSpec,
    Category,
    EnergyStatus,
    Listing,
    ListingState,
)
from govmall.catalog.search.index import sync_listings
from govmall.core.errors import DomainError, InvalidTransition, NotFound
from govmall.core.text import clean_text

CODE_RE = re.compile(r"^[A-Za-z0-9]{1,30}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
UNSPSC_RE = re.compile(r"^[0-9]{2,8}$")
CPV_RE = re.compile(r"^[0-9]{8}(-[0-9])?$")
MAX_PATH = 400
MAX_WARRANTY = 120
MAX_CHOICES = 100
MAX_CHOICE_LEN = 100
MAX_POSITION = 1_000_000
DECIMAL_LIMIT = Decimal("9999999999")

CATEGORY_FIELDS = (
    "name_zh",
    "name_en",
    "gp_code",
    "unspsc",
    "cpv",
    "energy_status",
    "min_warranty_months",
    "position",
)
ATTRIBUTE_FIELDS = (
    "name_zh",
    "name_en",
    "kind",
    "unit",
    "required",
    "choices",
    "min_value",
    "max_value",
    "is_key",
    "is_filter",
    "position",
)

# Sentinel for "leave unchanged" where None is a meaningful value (root parent, no bound).
UNSET: Any = object()


# --- validation -------------------------------------------------------------------------------


def clean_code(value: Any, *, field: str = "code") -> str:
    if not isinstance(value, str) or not CODE_RE.match(value.strip()):
        raise DomainError(
            "invalid_code",
            _("A code is 1 to 30 letters or digits (e.g. A02010104)."),
            field=field,
        )
    return value.strip()


def _clean_int(value: Any, *, field: str, code: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise DomainError(code, message, field=field)
    if isinstance(value, str):
        value = value.strip() or "0"
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(code, message, field=field) from None
    if isinstance(value, float) and value != number:
        raise DomainError(code, message, field=field)
    if not low <= number <= high:
        raise DomainError(code, message, field=field)
    return number


def _clean_optional_code(value: Any, *, field: str, pattern: re.Pattern[str], code: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(code, _("Enter a valid code."), field=field)
    value = value.strip()
    if value and not pattern.match(value):
        messages = {
            "invalid_unspsc": _("A UNSPSC code is 2 to 8 digits (e.g. 43211507)."),
            "invalid_cpv": _("A CPV code is 8 digits and an optional check digit (30213300-8)."),
            "invalid_gp_code": _("A procurement catalogue code is letters or digits (A02010104)."),
        }
        raise DomainError(code, messages[code], field=field)
    return value


def clean_category_fields(raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The category's own fields from `raw`, cleaned. With `partial`, only the keys present."""
    out: dict[str, Any] = {}

    def has(name: str) -> bool:
        return name in raw or not partial

    if has("name_zh"):
        out["name_zh"] = clean_text(raw.get("name_zh"), field="name_zh", limit=100)
    if has("name_en"):
        out["name_en"] = clean_text(raw.get("name_en"), field="name_en", limit=150)
    if has("gp_code"):
        out["gp_code"] = _clean_optional_code(
            raw.get("gp_code"), field="gp_code", pattern=CODE_RE, code="invalid_gp_code"
        )
    if has("unspsc"):
        out["unspsc"] = _clean_optional_code(
            raw.get("unspsc"), field="unspsc", pattern=UNSPSC_RE, code="invalid_unspsc"
        )
    if has("cpv"):
        out["cpv"] = _clean_optional_code(
            raw.get("cpv"), field="cpv", pattern=CPV_RE, code="invalid_cpv"
        )
    if has("energy_status"):
        status = raw.get("energy_status") or EnergyStatus.NONE
        if status not in EnergyStatus.values:
            raise DomainError(
                "invalid_energy_status",
                _("Energy-saving status is one of: none, preferred, mandatory."),
                field="energy_status",
            )
        out["energy_status"] = str(status)
    if has("min_warranty_months"):
        out["min_warranty_months"] = _clean_int(
            raw.get("min_warranty_months") or 0,
            field="min_warranty_months",
            code="invalid_warranty",
            low=0,
            high=MAX_WARRANTY,
            message=_("The minimum warranty is a whole number of months from 0 to 120."),
        )
    if has("position"):
        out["position"] = _clean_int(
            raw.get("position") or 0,
            field="position",
            code="invalid_position",
            low=0,
            high=MAX_POSITION,
            message=_("The position is a whole number from 0 to 1000000."),
        )
    return out


def clean_bool(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "y", "是", "on"):
            return True
        if text in ("", "0", "false", "no", "n", "否", "off"):
            return False
    raise DomainError("invalid_boolean", _("Enter yes or no."), field=field)


def _clean_decimal(value: Any, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DomainError("invalid_number", _("Enter a number."), field=field)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_number", _("Enter a number."), field=field) from None
    if not number.is_finite() or abs(number) > DECIMAL_LIMIT:
        raise DomainError("invalid_number", _("Enter a number."), field=field)
    return number.quantize(Decimal("0.0001"))


def _clean_choices(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[|\n]", value)]
    if not isinstance(value, list | tuple):
        raise DomainError(
            "invalid_choices", _("Allowed values are a list of texts."), field="choices"
        )
    choices: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise DomainError(
                "invalid_choices", _("Allowed values are a list of texts."), field="choices"
            )
        item = item.strip()
        if not item:
            continue
        if len(item) > MAX_CHOICE_LEN or "\x00" in item:
            raise DomainError(
                "invalid_choices",
                _("An allowed value has at most 100 characters."),
                field="choices",
            )
        if item in choices:
            raise DomainError(
                "duplicate_choice",
                _("The allowed value “%(value)s” is given twice.") % {"value": item},
                field="choices",
            )
        choices.append(item)
    if len(choices) > MAX_CHOICES:
        raise DomainError("invalid_choices", _("At most 100 allowed values."), field="choices")
    return choices


def clean_attribute_fields(
    raw: Mapping[str, Any], *, current: AttributeSpec | None = None
) -> dict[str, Any]:
    """An attribute's fields, cleaned and checked together. With `current`, keys missing from
    `raw` keep the current values (a partial update) and the combination is checked."""
    merged: dict[str, Any] = {}
    if current is not None:
        merged = {name: getattr(current, name) for name in ATTRIBUTE_FIELDS}
    merged.update({k: v for k, v in raw.items() if k in ATTRIBUTE_FIELDS})
    out: dict[str, Any] = {}
    out["name_zh"] = clean_text(merged.get("name_zh"), field="name_zh", limit=100)
    out["name_en"] = clean_text(merged.get("name_en"), field="name_en", limit=150)
    kind = merged.get("kind")
    if kind not in AttributeKind.values:
        raise DomainError(
            "invalid_attribute_kind",
            _("The type is one of: text, number, choice, boolean."),
            field="kind",
        )
    out["kind"] = str(kind)
    out["unit"] = clean_text(merged.get("unit"), field="unit", limit=20, required=False)
    out["required"] = clean_bool(merged.get("required"), field="required")
    out["is_key"] = clean_bool(merged.get("is_key"), field="is_key")
    out["is_filter"] = clean_bool(merged.get("is_filter"), field="is_filter")
    out["position"] = _clean_int(
        merged.get("position") or 0,
        field="position",
        code="invalid_position",
        low=0,
        high=MAX_POSITION,
        message=_("The position is a whole number from 0 to 1000000."),
    )
    choices = _clean_choices(merged.get("choices"))
    if kind == AttributeKind.CHOICE:
        if not choices:
            raise DomainError(
                "choices_required",
                _("A choice attribute needs at least one allowed value."),
                field="choices",
            )
    elif choices and "choices" in raw:
        raise DomainError(
            "choices_not_allowed",
            _("Only a choice attribute has allowed values."),
            field="choices",
        )
    else:
        choices = []
    out["choices"] = choices
    min_value = _clean_decimal(merged.get("min_value"), field="min_value")
    max_value = _clean_decimal(merged.get("max_value"), field="max_value")
    if kind != AttributeKind.NUMBER:
        if (min_value is not None or max_value is not None) and (
            "min_value" in raw or "max_value" in raw
        ):
            raise DomainError(
                "range_not_allowed",
                _("Only a number attribute has a minimum and a maximum."),
                field="min_value",
            )
        min_value = max_value = None
    if min_value is not None and max_value is not None and min_value > max_value:
        raise DomainError(
            "invalid_range",
            _("The minimum is greater than the maximum."),
            field="min_value",
        )
    out["min_value"] = min_value
    out["max_value"] = max_value
    return out


def clean_attribute_key(value: Any) -> str:
    if not isinstance(value, str) or not KEY_RE.match(value.strip()):
        raise DomainError(
            "invalid_attribute_key",
            _(
                "A key is 1 to 40 lower-case letters, digits or underscores, starting with a "
                "letter (e.g. memory_gb)."
            ),
            field="key",
        )
    return value.strip()


# --- snapshots for the trail ------------------------------------------------------------------


def category_snapshot(category: Category) -> dict[str, Any]:
    return {
        "code": category.code,
        "parent": category.parent.code if category.parent_id and category.parent else None,
        "path": category.path,
        "depth": category.depth,
        **{name: getattr(category, name) for name in CATEGORY_FIELDS},
        "is_active": category.is_active,
    }


def attribute_snapshot(spec: AttributeSpec) -> dict[str, Any]:
    data = {"key": spec.key, **{name: getattr(spec, name) for name in ATTRIBUTE_FIELDS}}
    for bound in ("min_value", "max_value"):
        if data[bound] is not None:
            data[bound] = str(data[bound])
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """(before, after) restricted to the keys whose values differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# --- lookups ----------------------------------------------------------------------------------


def _locked(code: str) -> Category:
    category = (
        Category.objects.select_for_update().select_related("parent").filter(code=code).first()
    )
    if category is None:
        raise NotFound(_("No category with this code."), category=code)
    return category


def _parent_for(parent_code: str | None) -> Category | None:
    if parent_code is None or parent_code == "":
        return None
    code = clean_code(parent_code, field="parent_code")
    parent = Category.objects.filter(code=code).first()
    if parent is None:
        raise DomainError(
            "unknown_parent",
            _("There is no category with the code %(code)s.") % {"code": code},
            field="parent_code",
        )
    return parent


def _check_path(parent: Category | None, code: str) -> str:
    path = (parent.path if parent else "/") + code + "/"
    if len(path) > MAX_PATH:
        raise DomainError("tree_too_deep", _("The tree is too deep here."), field="parent_code")
    return path


def check_key_free(category: Category, key: str, *, exclude: int | None = None) -> None:
    """A key must be unique in every effective template the category takes part in: its
    ancestors', its own and its descendants'."""
    ancestors = [code for code in category.path.split("/") if code]
    clash = AttributeSpec.objects.filter(key=key).filter(
        category__code__in=ancestors
    ) | AttributeSpec.objects.filter(key=key, category__path__startswith=category.path)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    other = clash.select_related("category").first()
    if other is not None:
        raise DomainError(
            "duplicate_attribute",
            _("The attribute key %(key)s is already used by category %(code)s.")
            % {"key": key, "code": other.category.code},
            field="key",
            category=other.category.code,
        )


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


# --- writes shared with the import --------------------------------------------------------------


def write_new_category(*, code: str, parent: Category | None, fields: dict[str, Any]) -> Category:
    """Insert a validated category (no access check, no event: callers do both)."""
    if Category.objects.filter(code=code).exists():
        raise DomainError(
            "duplicate_code",
            _("A category with the code %(code)s already exists.") % {"code": code},
            field="code",
        )
    path = _check_path(parent, code)
    try:
        with transaction.atomic():
            return Category.objects.create(
                code=code,
                parent=parent,
                path=path,
                depth=path.count("/") - 2,
                **fields,
            )
    except IntegrityError as exc:  # created by someone else at the same moment
        raise DomainError(
            "duplicate_code",
            _("A category with the code %(code)s already exists.") % {"code": code},
            field="code",
        ) from exc


def move_category(category: Category, parent: Category | None) -> list[Category]:
    """Re-hang `category` under `parent`, recomputing path and depth of it and of every
    descendant. Returns the moved descendants (for their events)."""
    if parent is not None and parent.path.startswith(category.path):
        raise DomainError(
            "cycle",
            _("A category cannot be moved under itself or one of its descendants."),
            field="parent_code",
        )
    old_path = category.path
    new_path = _check_path(parent, category.code)
    descendants = list(
        Category.objects.select_for_update()
        .filter(path__startswith=old_path)
        .exclude(pk=category.pk)
        .order_by("path")
    )
    shift = new_path.count("/") - old_path.count("/")
    for node in descendants:
        node.path = new_path + node.path[len(old_path) :]
        node.depth = node.depth + shift
        if len(node.path) > MAX_PATH:
            raise DomainError("tree_too_deep", _("The tree is too deep here."), field="parent_code")
    category.parent = parent
    category.path = new_path
    category.depth = new_path.count("/") - 2
    Category.objects.bulk_update(descendants, ["path", "depth"], batch_size=500)
    return descendants


def write_attribute(category: Category, key: str, fields: dict[str, Any]) -> AttributeSpec:
    check_key_free(category, key)
    return AttributeSpec.objects.create(category=category, key=key, **fields)


def attribute_in_use(category: Category, key: str) -> bool:
    return Listing.objects.filter(
        category__path__startswith=category.path, attributes__has_key=key
    ).exists()


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
        parent = _parent_for(parent_code)
        if parent is not None:
            parent = Category.objects.select_for_update().get(pk=parent.pk)
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
        locked = _locked(category.code)
        before = category_snapshot(locked)
        moved: list[Category] = []
        if parent_code is not UNSET:
            parent = _parent_for(parent_code)
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
    _refresh(category, locked)
    return category


def _refresh(target: Category, source: Category) -> None:
    for name in ("parent_id", "path", "depth", "is_active", "audit_head", "audit_length"):
        setattr(target, name, getattr(source, name))
    for name in CATEGORY_FIELDS:
        setattr(target, name, getattr(source, name))
    target.parent = source.parent


def category_deactivate(*, actor: User | None, category: Category) -> Category:
    """No new listings in the category or below it (the whole subtree is deactivated); listings
    already there stay as they are."""
    actor = require_regional_operator_admin(actor)
    with transaction.atomic():
        locked = _locked(category.code)
        if not locked.is_active:
            raise InvalidTransition(_("The category is already inactive."), category=locked.code)
        below = list(
            Category.objects.select_for_update()
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
        locked = _locked(category.code)
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


# --- attributes -------------------------------------------------------------------------------


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
        locked = _locked(category.code)
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
    _refresh(category, locked)
    return spec


def _locked_attribute(category: Category, key: str) -> AttributeSpec:
    spec = AttributeSpec.objects.select_for_update().filter(category=category, key=key).first()
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
        locked = _locked(category.code)
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
    _refresh(category, locked)
    return spec


def attribute_remove(*, actor: User | None, category: Category, key: str) -> None:
    """Remove an attribute from the template. Values listings already hold stay in them but are
    no longer part of the template."""
    actor = require_regional_operator_admin(actor)
    with transaction.atomic():
        locked = _locked(category.code)
        spec = _locked_attribute(locked, key)
        before = attribute_snapshot(spec)
        spec.delete()
        record_event(
            obj=locked,
            action="category.attribute_removed",
            actor=actor,
            before={"attribute": before},
        )
    _refresh(category, locked)
