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
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.audit.services import record_event, record_events_bulk
from govmall.catalog.models import AttributeSpec, Category
from govmall.catalog.services_categories import (
    ATTRIBUTE_FIELDS,
    CATEGORY_FIELDS,
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

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 5000
MAX_DEPTH = 20
NODE_KEYS = {"code", "parent", "attributes", "children", "is_active", *CATEGORY_FIELDS}
ATTRIBUTE_KEYS = {"key", *ATTRIBUTE_FIELDS}
CSV_COLUMNS = [
    "type",
    "code",
    "parent",
    "name_zh",
    "name_en",
    "gp_code",
    "unspsc",
    "cpv",
    "energy_status",
    "min_warranty_months",
    "position",
    "key",
    "kind",
    "unit",
    "required",
    "choices",
    "min_value",
    "max_value",
    "is_key",
    "is_filter",
]
_NO_PARENT: Any = object()

Progress = Callable[[str], None]


@dataclass
class Item:
    """One category to upsert. `fields` None: the row only adds attributes to a category that
    must already exist (CSV attribute rows without a category row)."""

    ref: str
    code: Any
    parent: Any = _NO_PARENT
    fields: dict[str, Any] | None = None
    attributes: list[tuple[str, Any]] = field(default_factory=list)  # (ref, raw mapping)


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


def _invalid(message: str, **details: Any) -> DomainError:
    return DomainError("invalid_file", message, field="file", **details)


# --- parsing ----------------------------------------------------------------------------------


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    if len(content) > MAX_BYTES:
        raise _invalid(_("The file is larger than 5 MB."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _invalid(_("The file is not UTF-8 (or GB18030) text."))


def items_from_nodes(nodes: Any) -> list[Item]:
    """Flatten nested JSON nodes (parents before children)."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    if not isinstance(nodes, list):
        raise _invalid(_("The JSON file must be a list of category nodes."))
    items: list[Item] = []

    def walk(node: Any, ref: str, parent: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _invalid(_("The tree is nested too deeply."), node=ref)
        if not isinstance(node, dict):
            raise _invalid(_("Node %(ref)s is not an object.") % {"ref": ref}, node=ref)
        unknown = sorted(set(node) - NODE_KEYS)
        if unknown:
            raise _invalid(
                _("Node %(ref)s has an unknown field: %(name)s.")
                % {"ref": ref, "name": unknown[0]},
                node=ref,
            )
        code = node.get("code")
        label = code if isinstance(code, str) and code else ref
        attributes = node.get("attributes")
        children = node.get("children")
        attributes = [] if attributes is None else attributes
        children = [] if children is None else children
        if not isinstance(attributes, list) or not isinstance(children, list):
            raise _invalid(
                _("In node %(ref)s, attributes and children must be lists.") % {"ref": label},
                node=label,
            )
        fields = {k: v for k, v in node.items() if k in CATEGORY_FIELDS or k == "is_active"}
        item = Item(
            ref=label,
            code=code,
            parent=parent if depth else node.get("parent", _NO_PARENT),
            fields=fields,
        )
        for i, attr in enumerate(attributes):
            if not isinstance(attr, dict):
                raise _invalid(
                    _("An attribute of node %(ref)s is not an object.") % {"ref": label},
                    node=label,
                )
            unknown = sorted(set(attr) - ATTRIBUTE_KEYS)
            if unknown:
                raise _invalid(
                    _("An attribute of node %(ref)s has an unknown field: %(name)s.")
                    % {"ref": label, "name": unknown[0]},
                    node=label,
                )
            item.attributes.append((f"{label}/{attr.get('key', i + 1)}", {"position": i, **attr}))
        items.append(item)
        if len(items) > MAX_NODES:
            raise _invalid(_("At most 5000 categories per file."))
        for i, child in enumerate(children):
            walk(child, f"{label}.{i + 1}", code, depth + 1)

    for i, node in enumerate(nodes):
        walk(node, f"#{i + 1}", _NO_PARENT, 0)
    return items


def items_from_json(content: bytes | str) -> list[Item]:
    try:
        data = json.loads(_decode(content))
    except json.JSONDecodeError as exc:
        raise _invalid(
            _("The file is not valid JSON (line %(line)d).") % {"line": exc.lineno}
        ) from None
    return items_from_nodes(data)


def items_from_csv(content: bytes | str) -> list[Item]:
    text = _decode(content)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    if "type" not in headers or "code" not in headers:
        raise _invalid(_("The CSV file needs a header row with at least: type, code."))
    unknown = [h for h in headers if h and h not in CSV_COLUMNS]
    if unknown:
        raise _invalid(_("Unknown CSV column: %(name)s.") % {"name": unknown[0]})
    reader.fieldnames = headers
    items: list[Item] = []
    by_code: dict[str, Item] = {}
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise _invalid(_("Line %(line)d has too many values.") % {"line": number})
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        if len(items) >= MAX_NODES * 10:
            raise _invalid(_("At most 5000 categories per file."))
        kind = row.get("type", "").lower()
        ref = _("line %(line)d") % {"line": number}
        code = row.get("code", "")
        if kind == "category":
            fields = {
                name: row[name] for name in CATEGORY_FIELDS if name in row and name != "position"
            }
            fields["position"] = row.get("position") or len(items)
            item = Item(ref=ref, code=code, parent=row.get("parent") or None, fields=fields)
            items.append(item)
            by_code.setdefault(code, item)
        elif kind == "attribute":
            owner = by_code.get(code)
            if owner is None:
                owner = Item(ref=ref, code=code, fields=None)
                items.append(owner)
                by_code[code] = owner
            raw: dict[str, Any] = {
                name: row[name] for name in ("key", *ATTRIBUTE_FIELDS) if name in row
            }
            if not raw.get("position"):
                raw["position"] = len(owner.attributes)
            owner.attributes.append((ref, raw))
        else:
            raise _invalid(
                _("Line %(line)d: the type is category or attribute.") % {"line": number},
                line=number,
            )
    return items


def parse_file(content: bytes | str, *, file_name: str = "") -> list[Item]:
    name = file_name.lower()
    if name.endswith(".json"):
        return items_from_json(content)
    if name.endswith(".csv"):
        return items_from_csv(content)
    text = _decode(content).lstrip()
    if text.startswith(("[", "{")):
        return items_from_json(text)
    return items_from_csv(text)


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
    existing = Category.objects.select_for_update().select_related("parent").filter(code=code)
    category = existing.first()
    if category is not None and only_missing:
        return line
    parent: Any = _NO_PARENT
    if item.parent is not _NO_PARENT:
        parent = None
        if item.parent:
            parent_code = clean_code(item.parent, field="parent")
            parent = Category.objects.select_for_update().filter(code=parent_code).first()
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
                code=code, parent=parent if parent is not _NO_PARENT else None, fields=fields
            )
            if is_active is not None:
                category.is_active = clean_bool(is_active, field="is_active")
                category.save(update_fields=["is_active"])
            line.action = "created"
        else:
            before = category_snapshot(category)
            if parent is not _NO_PARENT and (parent.pk if parent else None) != category.parent_id:
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
    current = {spec.key: spec for spec in category.attributes.select_for_update()}
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
        raise _invalid(_("The file holds no category."))
    return import_items(items, actor=actor, progress=progress)


def categories_import_nodes(*, actor: User | None, nodes: Any) -> ImportReport:
    """The same for nodes already parsed from JSON (API body)."""
    actor = require_regional_operator_admin(actor)
    items = items_from_nodes(nodes)
    if not items:
        raise _invalid(_("The file holds no category."))
    return import_items(items, actor=actor)


# --- export -----------------------------------------------------------------------------------


def _attribute_out(spec: AttributeSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"key": spec.key, "name_zh": spec.name_zh, "name_en": spec.name_en}
    data["kind"] = spec.kind
    if spec.unit:
        data["unit"] = spec.unit
    for flag in ("required", "is_key", "is_filter"):
        if getattr(spec, flag):
            data[flag] = True
    if spec.choices:
        data["choices"] = list(spec.choices)
    for bound in ("min_value", "max_value"):
        value = getattr(spec, bound)
        if value is not None:
            data[bound] = format(value.normalize(), "f")
    data["position"] = spec.position
    return data


def export_tree() -> list[dict[str, Any]]:
    """The whole tree in the JSON import format (re-importing it changes nothing)."""
    categories = list(Category.objects.order_by("depth", "position", "code"))
    specs: dict[int, list[AttributeSpec]] = {}
    for spec in AttributeSpec.objects.order_by("position", "id"):
        specs.setdefault(spec.category_id, []).append(spec)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for category in categories:
        node: dict[str, Any] = {
            "code": category.code,
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "gp_code": category.gp_code,
            "unspsc": category.unspsc,
            "cpv": category.cpv,
            "energy_status": category.energy_status,
            "min_warranty_months": category.min_warranty_months,
            "position": category.position,
        }
        if not category.is_active:
            node["is_active"] = False
        if specs.get(category.pk):
            node["attributes"] = [_attribute_out(s) for s in specs[category.pk]]
        nodes[category.pk] = node
        if category.parent_id is None:
            roots.append(node)
        else:
            nodes[category.parent_id].setdefault("children", []).append(node)
    return roots


def export_json() -> str:
    return json.dumps(export_tree(), ensure_ascii=False, indent=2) + "\n"
