"""Importing and exporting the category tree.

Two formats (see docs/catalogue.md):

* JSON — the format of `catalog/data/categories.json`: a list of nested nodes
  `{"code", "name_zh", "name_en", "gp_code", "unspsc", "cpv", "energy_status",
  "min_warranty_months", "position", "is_active", "attributes": [...], "children": [...]}`;
  a top-level node may name its `parent` (a code already in the database).
* CSV — one file, one row per category or attribute, told apart by the `type` column
  (`category` | `attribute`); an attribute row names its category in `code`.

Nodes are upserted by code, in file order (parents first); a node's attributes are upserted by
key (attributes missing from the file are kept). Each file is all-or-nothing: every node is
checked and reported, and if any is refused nothing at all is written.

Reading a file is `categories_parse`, exporting `categories_export`; their public names are
re-exported here, where callers have always imported them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.audit.services import record_event, record_events_bulk
from govmall.catalog.categories_export import export_json, export_tree
from govmall.catalog.categories_parse import (
    ATTRIBUTE_KEYS,
    CSV_COLUMNS,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    NO_PARENT,
    NODE_KEYS,
    Item,
    invalid_file,
    items_from_csv,
    items_from_json,
    items_from_nodes,
    parse_file,
)
from govmall.catalog.models import AttributeSpec, Category
from govmall.catalog.services_categories import (
    attribute_in_use,
    attribute_snapshot,
    category_snapshot,
    changed,
    check_key_free,
    clean_attribute_fields,
    clean_attribute_key,
    clean_bool,
    clean_category_fields,
    clean_code,
    move_category,
    resync_listings,
    write_new_category,
)
from govmall.core.errors import DomainError

__all__ = [
    "ATTRIBUTE_KEYS",
    "CSV_COLUMNS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "NODE_KEYS",
    "ImportLine",
    "ImportReport",
    "Item",
    "Progress",
    "categories_import",
    "categories_import_nodes",
    "export_json",
    "export_tree",
    "import_items",
    "items_from_csv",
    "items_from_json",
    "items_from_nodes",
    "parse_file",
]

Progress = Callable[[str], None]


@dataclass
class ImportLine:
    ref: str
    code: str
    action: str  # created | updated | unchanged | error
    attributes_added: int = 0
    attributes_updated: int = 0
    error_code: str = ""
    message: str = ""
    field: str | None = None

    @property
    def ok(self) -> bool:
        return self.action != "error"


@dataclass
class ImportReport:
    lines: list[ImportLine] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def attributes_added(self) -> int:
        return sum(line.attributes_added for line in self.lines)

    @property
    def attributes_updated(self) -> int:
        return sum(line.attributes_updated for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "written": self.written,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "attributes_added": self.attributes_added,
            "attributes_updated": self.attributes_updated,
            "lines": [{**asdict(line), "ok": line.ok} for line in self.lines],
        }


# --- writing ----------------------------------------------------------------------------------


def _error_line(line: ImportLine, exc: DomainError, prefix: str = "") -> ImportLine:
    line.action = "error"
    line.error_code = exc.code
    line.message = prefix + exc.message
    line.field = exc.field
    return line


def _upsert(item: Item, actor: User | None, only_missing: bool) -> ImportLine:
    code = clean_code(item.code)
    line = ImportLine(ref=item.ref, code=code, action="unchanged")
    existing = (
        Category.objects.select_for_update(of=("self",)).select_related("parent").filter(code=code)
    )
    category = existing.first()
    if category is not None and only_missing:
        return line
    parent: Any = NO_PARENT
    if item.parent is not NO_PARENT:
        parent = None
        if item.parent:
            parent_code = clean_code(item.parent, field="parent")
            parent = (
                Category.objects.select_for_update(of=("self",)).filter(code=parent_code).first()
            )
            if parent is None:
                raise DomainError(
                    "unknown_parent",
                    _("There is no category with the code %(code)s.") % {"code": parent_code},
                    field="parent",
                )
    before: dict[str, Any] = {}
    moved: list[Category] = []
    if item.fields is None:
        if category is None:
            raise DomainError(
                "unknown_category",
                _("There is no category with the code %(code)s.") % {"code": code},
                field="code",
            )
    else:
        fields = clean_category_fields(item.fields)
        is_active = item.fields.get("is_active")
        if category is None:
            category = write_new_category(
                code=code, parent=parent if parent is not NO_PARENT else None, fields=fields
            )
            if is_active is not None:
                category.is_active = clean_bool(is_active, field="is_active")
                category.save(update_fields=["is_active"])
            line.action = "created"
        else:
            before = category_snapshot(category)
            if parent is not NO_PARENT and (parent.pk if parent else None) != category.parent_id:
                moved = move_category(category, parent)
            for name, value in fields.items():
                setattr(category, name, value)
            if is_active is not None:
                category.is_active = clean_bool(is_active, field="is_active")
            category.save()
    added, updated = _upsert_attributes(category, item, line)
    if line.action == "created":
        record_event(
            obj=category,
            action="category.created",
            actor=actor,
            after={
                **category_snapshot(category),
                "attributes": [attribute_snapshot(s) for s in added],
                "via": "import",
            },
        )
        return line
    old, new = changed(before, category_snapshot(category)) if before else ({}, {})
    if updated:
        old["attributes_updated"] = [b for b, _a in updated]
        new["attributes_updated"] = [a for _b, a in updated]
    if added:
        new["attributes_added"] = [attribute_snapshot(s) for s in added]
    if new:
        line.action = "updated"
        record_event(
            obj=category,
            action="category.updated",
            actor=actor,
            before=old,
            after={**new, "via": "import"},
        )
    if moved:
        record_events_bulk(
            items=[
                (node, "category.path_changed", None, {"path": node.path, "depth": node.depth})
                for node in moved
            ],
            actor=actor,
        )
    if "path" in new:
        resync_listings(category)
    return line


def _upsert_attributes(
    category: Category, item: Item, line: ImportLine
) -> tuple[list[AttributeSpec], list[tuple[dict[str, Any], dict[str, Any]]]]:
    added: list[AttributeSpec] = []
    updated: list[tuple[dict[str, Any], dict[str, Any]]] = []
    current = {spec.key: spec for spec in category.attributes.select_for_update(of=("self",))}
    seen: set[str] = set()
    for ref, raw in item.attributes:
        try:
            key = clean_attribute_key(raw.get("key"))
            if key in seen:
                raise DomainError(
                    "duplicate_attribute",
                    _("The attribute key %(key)s is given twice.") % {"key": key},
                    field="key",
                )
            seen.add(key)
            defaults = {"unit": "", "required": False, "is_key": False, "is_filter": False}
            fields = clean_attribute_fields({**defaults, **raw})
            spec = current.get(key)
            if spec is None:
                check_key_free(category, key)
                added.append(AttributeSpec.objects.create(category=category, key=key, **fields))
                line.attributes_added += 1
                continue
            before = attribute_snapshot(spec)
            if fields["kind"] != spec.kind and attribute_in_use(category, key):
                raise DomainError(
                    "attribute_in_use",
                    _("Listings hold values for this attribute: its type cannot change."),
                    field="kind",
                )
            for name, value in fields.items():
                setattr(spec, name, value)
            old, new = changed(before, attribute_snapshot(spec))
            if new:
                spec.save()
                updated.append(({"key": key, **old}, {"key": key, **new}))
                line.attributes_updated += 1
        except DomainError as exc:
            exc.message = _("attribute %(ref)s: %(message)s") % {"ref": ref, "message": exc.message}
            exc.field = f"attributes.{raw.get('key', '')}.{exc.field or ''}".rstrip(".")
            raise
    return added, updated


def import_items(
    items: list[Item],
    *,
    actor: User | None,
    only_missing: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert `items` in one transaction (no access check: callers check). If any item is
    refused, nothing is written and the report names every refused item."""
    report = ImportReport()
    with transaction.atomic():
        for index, item in enumerate(items, start=1):
            line = ImportLine(ref=item.ref, code=str(item.code or ""), action="error")
            try:
                with transaction.atomic():
                    line = _upsert(item, actor, only_missing)
            except DomainError as exc:
                _error_line(line, exc)
            report.lines.append(line)
            if progress is not None and (index % 25 == 0 or index == len(items)):
                progress(
                    _("%(done)d of %(total)d categories checked")
                    % {"done": index, "total": len(items)}
                )
        if report.ok:
            report.written = True
        else:
            transaction.set_rollback(True)
    return report


def categories_import(
    *,
    actor: User | None,
    content: bytes | str,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """A regional operator admin imports a JSON or CSV file (format by file name, else by
    content). A malformed file raises `invalid_file`; refused nodes are in the report."""
    actor = require_regional_operator_admin(actor)
    items = parse_file(content, file_name=file_name)
    if not items:
        raise invalid_file(_("The file holds no category."))
    return import_items(items, actor=actor, progress=progress)


def categories_import_nodes(*, actor: User | None, nodes: Any) -> ImportReport:
    """The same for nodes already parsed from JSON (API body)."""
    actor = require_regional_operator_admin(actor)
    items = items_from_nodes(nodes)
    if not items:
        raise invalid_file(_("The file holds no category."))
    return import_items(items, actor=actor)
