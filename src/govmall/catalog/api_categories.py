"""Catalogue API: the category tree (public) and its management (regional operator admins)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govmall.accounts.access import request_user, require_regional_operator_admin
from govmall.catalog import services_categories as services
from govmall.catalog.attribute_template import template_for
from govmall.catalog.categories import TreeNode, category_tree, get_by_code
from govmall.catalog.categories_import import (
    categories_import,
    categories_import_nodes,
    export_tree,
)
from govmall.catalog.models import AttributeSpec, Category
from govmall.core.api_base import ERRORS
from govmall.core.errors import DomainError, NotFound

router = Router(tags=["catalog"])


class TreeNodeOut(Schema):
    code: str
    name_zh: str
    name_en: str
    gp_code: str
    unspsc: str
    cpv: str
    energy_status: str = Field(..., description="none | preferred | mandatory (★)")
    min_warranty_months: int
    position: int
    is_active: bool
    attribute_count: int
    children: list[TreeNodeOut]


class AttributeOut(Schema):
    key: str
    category: str = Field(..., description="Code of the category that defines it.")
    name_zh: str
    name_en: str
    kind: str = Field(..., description="text | number | choice | boolean")
    unit: str
    required: bool
    choices: list[str]
    min_value: Decimal | None
    max_value: Decimal | None
    is_key: bool
    is_filter: bool
    position: int


class CategoryOut(Schema):
    code: str
    parent: str | None
    path: list[str] = Field(..., description="Codes from the root down to this category.")
    name_zh: str
    name_en: str
    gp_code: str
    unspsc: str
    cpv: str
    energy_status: str
    min_warranty_months: int
    position: int
    is_active: bool
    children: list[str]
    attributes: list[AttributeOut] = Field(
        ..., description="The effective template: the ancestors' attributes, then its own."
    )


class CategoryIn(Schema):
    code: str
    parent_code: str | None = None
    name_zh: str
    name_en: str
    gp_code: str = ""
    unspsc: str = ""
    cpv: str = ""
    energy_status: str = "none"
    min_warranty_months: int = 0
    position: int = 0


class CategoryPatch(Schema):
    parent_code: str | None = Field(None, description='Moves the category; "" makes it a root.')
    name_zh: str | None = None
    name_en: str | None = None
    gp_code: str | None = None
    unspsc: str | None = None
    cpv: str | None = None
    energy_status: str | None = None
    min_warranty_months: int | None = None
    position: int | None = None
    is_active: bool | None = None


class AttributeIn(Schema):
    key: str
    name_zh: str
    name_en: str
    kind: str
    unit: str = ""
    required: bool = False
    choices: list[str] = []
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    is_key: bool = False
    is_filter: bool = False
    position: int | None = None


class AttributePatch(Schema):
    name_zh: str | None = None
    name_en: str | None = None
    kind: str | None = None
    unit: str | None = None
    required: bool | None = None
    choices: list[str] | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    is_key: bool | None = None
    is_filter: bool | None = None
    position: int | None = None


class ImportLineOut(Schema):
    ref: str
    code: str
    ok: bool
    action: str = Field(..., description="created | updated | unchanged | error")
    attributes_added: int
    attributes_updated: int
    error_code: str
    message: str
    field: str | None


class ImportReportOut(Schema):
    ok: bool
    written: bool = Field(..., description="False: a node was refused and nothing was written.")
    created: int
    updated: int
    unchanged: int
    errors: int
    attributes_added: int
    attributes_updated: int
    lines: list[ImportLineOut]


def tree_out(node: TreeNode) -> dict[str, Any]:
    c = node.category
    return {
        "code": c.code,
        "name_zh": c.name_zh,
        "name_en": c.name_en,
        "gp_code": c.gp_code,
        "unspsc": c.unspsc,
        "cpv": c.cpv,
        "energy_status": c.energy_status,
        "min_warranty_months": c.min_warranty_months,
        "position": c.position,
        "is_active": c.is_active,
        "attribute_count": node.attribute_count,
        "children": [tree_out(child) for child in node.children],
    }


def attribute_out(spec: AttributeSpec) -> dict[str, Any]:
    return {
        "key": spec.key,
        "category": spec.category.code,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "kind": spec.kind,
        "unit": spec.unit,
        "required": spec.required,
        "choices": list(spec.choices or []),
        "min_value": spec.min_value,
        "max_value": spec.max_value,
        "is_key": spec.is_key,
        "is_filter": spec.is_filter,
        "position": spec.position,
    }


def category_out(category: Category) -> dict[str, Any]:
    children = list(
        Category.objects.filter(parent=category)
        .order_by("position", "code")
        .values_list("code", flat=True)
    )
    return {
        "code": category.code,
        "parent": category.parent.code if category.parent else None,
        "path": [code for code in category.path.split("/") if code],
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "gp_code": category.gp_code,
        "unspsc": category.unspsc,
        "cpv": category.cpv,
        "energy_status": category.energy_status,
        "min_warranty_months": category.min_warranty_months,
        "position": category.position,
        "is_active": category.is_active,
        "children": children,
        "attributes": [attribute_out(spec) for spec in template_for(category)],
    }


def _category(code: str) -> Category:
    category = get_by_code(code)
    if category is None:
        raise NotFound("No category with this code.")
    return category


def _admin_category(request: HttpRequest, code: str) -> tuple[Any, Category]:
    """The regional admin and the category: the permission is checked before the lookup, so
    others cannot probe which codes exist."""
    actor = require_regional_operator_admin(request_user(request))
    return actor, _category(code)


@router.get(
    "/categories",
    response={200: list[TreeNodeOut], **ERRORS},
    auth=None,
    summary="The category tree (public)",
    description="Nested nodes with codes (政府采购品目 gp_code, UNSPSC, CPV), energy-saving "
    "status and the number of attributes each defines. Inactive categories are left out "
    "unless ?include_inactive=true.",
)
def tree(request: HttpRequest, include_inactive: bool = False) -> list[dict[str, Any]]:
    return [tree_out(node) for node in category_tree(active_only=not include_inactive)]


@router.post(
    "/categories/import",
    response={200: ImportReportOut, **ERRORS},
    summary="Import categories from JSON or CSV (regional operator admins)",
    description="Either a multipart upload (field `file`, .json or .csv) or a JSON body (a list "
    "of nested nodes, the format of GET export and of the shipped demo file). Upsert by code; "
    "all-or-nothing: if any node is refused nothing is written and the answer is 422 "
    "`import_refused` with the report in error.details.report. See docs/catalogue.md for "
    "both formats.",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
def import_file(request: HttpRequest) -> Status:
    actor = require_regional_operator_admin(request_user(request))
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("invalid_file", "Upload a file in the field `file`.", field="file")
        report = categories_import(actor=actor, content=upload.read(), file_name=upload.name or "")
    else:
        try:
            nodes = json.loads(request.body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DomainError("invalid_file", "The body is not valid JSON.", field="file") from None
        report = categories_import_nodes(actor=actor, nodes=nodes)
    if not report.ok:
        raise DomainError(
            "import_refused",
            f"{report.errors} categories refused: nothing was imported.",
            status=422,
            report=report.as_dict(),
        )
    return Status(200, report.as_dict())


@router.get(
    "/categories-export",
    response={200: list[dict[str, Any]], **ERRORS},
    summary="The whole tree in the import format (regional operator admins)",
)
def export(request: HttpRequest) -> list[dict[str, Any]]:
    require_regional_operator_admin(request_user(request))
    return export_tree()


@router.get(
    "/categories/{code}",
    response={200: CategoryOut, **ERRORS},
    auth=None,
    summary="One category with its effective attribute template (public)",
)
def detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return category_out(_category(code))


@router.post(
    "/categories",
    response={201: CategoryOut, **ERRORS},
    summary="Create a category (regional operator admins)",
)
def create(request: HttpRequest, payload: CategoryIn) -> Status:
    category = services.category_create(actor=request_user(request), **payload.dict())
    return Status(201, category_out(category))


@router.patch(
    "/categories/{code}",
    response={200: CategoryOut, **ERRORS},
    summary="Change, move, activate or deactivate a category (regional operator admins)",
    description="Only the fields sent change. parent_code moves the category with its subtree "
    '("" makes it a root); the code itself never changes. is_active=false deactivates the '
    "subtree.",
)
def update(request: HttpRequest, code: str, payload: CategoryPatch) -> dict[str, Any]:
    actor, category = _admin_category(request, code)
    changes = payload.dict(exclude_unset=True)
    is_active = changes.pop("is_active", None)
    for name, value in changes.items():
        if value is None and name != "parent_code":
            raise DomainError("required", "This field cannot be null.", field=name)
    with transaction.atomic():  # all the requested changes, or none
        if changes:
            services.category_update(actor=actor, category=category, **changes)
        if is_active is not None and is_active != category.is_active:
            if is_active:
                services.category_activate(actor=actor, category=category)
            else:
                services.category_deactivate(actor=actor, category=category)
    return category_out(_category(code))


@router.post(
    "/categories/{code}/attributes",
    response={201: AttributeOut, **ERRORS},
    summary="Add an attribute to a category's template (regional operator admins)",
)
def attribute_create(request: HttpRequest, code: str, payload: AttributeIn) -> Status:
    actor, category = _admin_category(request, code)
    spec = services.attribute_add(actor=actor, category=category, **payload.dict())
    spec.category = category
    return Status(201, attribute_out(spec))


@router.patch(
    "/categories/{code}/attributes/{key}",
    response={200: AttributeOut, **ERRORS},
    summary="Change an attribute (regional operator admins)",
    description="Only the fields sent change; the key never changes, and the type cannot "
    "change while listings hold values for the attribute (attribute_in_use).",
)
def attribute_patch(request: HttpRequest, code: str, key: str, payload: AttributePatch) -> dict:
    actor, category = _admin_category(request, code)
    changes = payload.dict(exclude_unset=True)
    for name in ("name_zh", "name_en", "kind", "unit", "required", "is_key", "is_filter"):
        if name in changes and changes[name] is None:
            raise DomainError("required", "This field cannot be null.", field=name)
    if changes.get("position", 0) is None:
        changes.pop("position")
    spec = services.attribute_update(actor=actor, category=category, key=key, **changes)
    spec.category = category
    return attribute_out(spec)


@router.delete(
    "/categories/{code}/attributes/{key}",
    response={204: None, **ERRORS},
    summary="Remove an attribute (regional operator admins)",
)
def attribute_delete(request: HttpRequest, code: str, key: str) -> Status:
    actor, category = _admin_category(request, code)
    services.attribute_remove(actor=actor, category=category, key=key)
    return Status(204, None)
