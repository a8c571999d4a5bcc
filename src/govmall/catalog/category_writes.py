"""Row-level writes, locked look-ups and trail snapshots of the category tree, shared by the
category and attribute services and by the import, so that all of them write and record a
change the same way. No access checks and no events here: the callers do both.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govmall.catalog.models import AttributeSpec, Category, Listing
from govmall.catalog.validation_categories import (
    ATTRIBUTE_FIELDS,
    CATEGORY_FIELDS,
    MAX_PATH,
    clean_code,
)
from govmall.core.errors import DomainError, NotFound

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


def locked_category(code: str) -> Category:
    category = (
        Category.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(code=code)
        .first()
    )
    if category is None:
        raise NotFound(_("No category with this code."), category=code)
    return category


def parent_for(parent_code: str | None) -> Category | None:
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


def check_path(parent: Category | None, code: str) -> str:
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


def refresh_category(target: Category, source: Category) -> None:
    """Copy a locked copy's state onto the caller's instance after a write."""
    for name in ("parent_id", "path", "depth", "is_active", "audit_head", "audit_length"):
        setattr(target, name, getattr(source, name))
    for name in CATEGORY_FIELDS:
        setattr(target, name, getattr(source, name))
    target.parent = source.parent


# --- writes shared with the import --------------------------------------------------------------


def write_new_category(*, code: str, parent: Category | None, fields: dict[str, Any]) -> Category:
    """Insert a validated category (no access check, no event: callers do both)."""
    if Category.objects.filter(code=code).exists():
        raise DomainError(
            "duplicate_code",
            _("A category with the code %(code)s already exists.") % {"code": code},
            field="code",
        )
    path = check_path(parent, code)
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
    new_path = check_path(parent, category.code)
    descendants = list(
        Category.objects.select_for_update(of=("self",))
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
