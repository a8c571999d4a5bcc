"""Reading a category file (JSON nodes or CSV rows, see `categories_import`) into a flat list
of `Item`s, parents first. Only the file's shape is checked here; the values are checked when
the items are written, so that every refused node can be reported.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.validation_categories import ATTRIBUTE_FIELDS, CATEGORY_FIELDS
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
# Sentinel: the item names no parent (a new category becomes a root, an existing one stays).
NO_PARENT: Any = object()


@dataclass
class Item:
    """One category to upsert. `fields` None: the row only adds attributes to a category that
    must already exist (CSV attribute rows without a category row)."""

    ref: str
    code: Any
    parent: Any = NO_PARENT
    fields: dict[str, Any] | None = None
    attributes: list[tuple[str, Any]] = field(default_factory=list)  # (ref, raw mapping)


def invalid_file(message: str, **details: Any) -> DomainError:
    """The one error of a malformed file (refused as a whole, before anything is checked)."""
    return DomainError("invalid_file", message, field="file", **details)


def decode_file(content: bytes | str) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), else GB18030."""
    if isinstance(content, str):
        return content
    if len(content) > MAX_BYTES:
        raise invalid_file(_("The file is larger than 5 MB."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise invalid_file(_("The file is not UTF-8 (or GB18030) text."))


def items_from_nodes(nodes: Any) -> list[Item]:
    """Flatten nested JSON nodes (parents before children)."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    if not isinstance(nodes, list):
        raise invalid_file(_("The JSON file must be a list of category nodes."))
    items: list[Item] = []

    def walk(node: Any, ref: str, parent: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise invalid_file(_("The tree is nested too deeply."), node=ref)
        if not isinstance(node, dict):
            raise invalid_file(_("Node %(ref)s is not an object.") % {"ref": ref}, node=ref)
        unknown = sorted(set(node) - NODE_KEYS)
        if unknown:
            raise invalid_file(
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
            raise invalid_file(
                _("In node %(ref)s, attributes and children must be lists.") % {"ref": label},
                node=label,
            )
        fields = {k: v for k, v in node.items() if k in CATEGORY_FIELDS or k == "is_active"}
        item = Item(
            ref=label,
            code=code,
            parent=parent if depth else node.get("parent", NO_PARENT),
            fields=fields,
        )
        for i, attr in enumerate(attributes):
            if not isinstance(attr, dict):
                raise invalid_file(
                    _("An attribute of node %(ref)s is not an object.") % {"ref": label},
                    node=label,
                )
            unknown = sorted(set(attr) - ATTRIBUTE_KEYS)
            if unknown:
                raise invalid_file(
                    _("An attribute of node %(ref)s has an unknown field: %(name)s.")
                    % {"ref": label, "name": unknown[0]},
                    node=label,
                )
            item.attributes.append((f"{label}/{attr.get('key', i + 1)}", {"position": i, **attr}))
        items.append(item)
        if len(items) > MAX_NODES:
            raise invalid_file(_("At most 5000 categories per file."))
        for i, child in enumerate(children):
            walk(child, f"{label}.{i + 1}", code, depth + 1)

    for i, node in enumerate(nodes):
        walk(node, f"#{i + 1}", NO_PARENT, 0)
    return items


def items_from_json(content: bytes | str) -> list[Item]:
    try:
        data = json.loads(decode_file(content))
    except json.JSONDecodeError as exc:
        raise invalid_file(
            _("The file is not valid JSON (line %(line)d).") % {"line": exc.lineno}
        ) from None
    return items_from_nodes(data)


def items_from_csv(content: bytes | str) -> list[Item]:
    text = decode_file(content)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    if "type" not in headers or "code" not in headers:
        raise invalid_file(_("The CSV file needs a header row with at least: type, code."))
    unknown = [h for h in headers if h and h not in CSV_COLUMNS]
    if unknown:
        raise invalid_file(_("Unknown CSV column: %(name)s.") % {"name": unknown[0]})
    reader.fieldnames = headers
    items: list[Item] = []
    by_code: dict[str, Item] = {}
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise invalid_file(_("Line %(line)d has too many values.") % {"line": number})
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        if len(items) >= MAX_NODES * 10:
            raise invalid_file(_("At most 5000 categories per file."))
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
            raise invalid_file(
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
    text = decode_file(content).lstrip()
    if text.startswith(("[", "{")):
        return items_from_json(text)
    return items_from_csv(text)
