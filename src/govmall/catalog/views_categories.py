"""Category management pages (operator admins of the regional centre): the tree, a category
with its attribute template, new category, import, export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govmall.accounts.access import is_regional_operator_admin, request_user
from govmall.accounts.models import User
from govmall.catalog import services_categories as services
from govmall.catalog.attribute_template import template_for
from govmall.catalog.categories import ancestors, category_tree, flatten, get_by_code
from govmall.catalog.categories_import import (
    ImportReport,
    categories_import,
    export_json,
)
from govmall.catalog.forms_categories import (
    KIND_LABELS,
    AttributeForm,
    CategoryForm,
    ImportForm,
)
from govmall.catalog.models import AttributeSpec, Category
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error

MAX_UPLOAD = 5 * 1024 * 1024


def _admin(request: HttpRequest) -> User:
    actor = request_user(request)
    if not is_regional_operator_admin(actor):
        raise PermissionDenied
    return actor


def _category(code: str) -> Category:
    category = get_by_code(code)
    if category is None:
        raise Http404
    return category


@login_required
def categories_manage(request: HttpRequest) -> HttpResponse:
    _admin(request)
    rows = flatten(category_tree())
    context = {
        "rows": rows,
        "total": len(rows),
        "leaves": sum(1 for r in rows if r.is_leaf),
        "mandatory": sum(1 for r in rows if r.category.energy_status == "mandatory"),
        "preferred": sum(1 for r in rows if r.category.energy_status == "preferred"),
    }
    return render(request, "catalog/categories/manage.html", context)


@login_required
def category_new(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    initial = {"parent_code": request.GET.get("parent", ""), "energy_status": "none"}
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(actor=actor, **form.service_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Category %(code)s was created.") % {"code": category.code})
            return redirect("catalog:category_edit", code=category.code)
    return render(request, "catalog/categories/new.html", {"form": form})


def _number(value: Decimal | None) -> str:
    return "…" if value is None else format(value.normalize(), "f")


def _edit_context(
    category: Category,
    *,
    form: CategoryForm | None = None,
    attribute_form: AttributeForm | None = None,
) -> dict[str, Any]:
    template = template_for(category)
    for spec in template:
        has_range = spec.min_value is not None or spec.max_value is not None
        text = f"{_number(spec.min_value)} – {_number(spec.max_value)}" if has_range else ""
        setattr(spec, "range_text", text)  # noqa: B010 (display only)
        setattr(spec, "kind_label", KIND_LABELS.get(spec.kind, spec.kind))  # noqa: B010
    own = [spec for spec in template if spec.category_id == category.pk]
    inherited = [spec for spec in template if spec.category_id != category.pk]
    return {
        "category": category,
        "ancestors": ancestors(category),
        "children": list(category.children.order_by("position", "code")),
        "form": form or CategoryForm(initial=CategoryForm.initial_for(category), category=category),
        "attribute_form": attribute_form or AttributeForm(prefix="attr"),
        "own": own,
        "inherited": inherited,
    }


@login_required
def category_edit(request: HttpRequest, code: str) -> HttpResponse:
    actor = _admin(request)
    category = _category(code)
    if request.method == "POST":
        form = CategoryForm(request.POST, category=category)
        if form.is_valid():
            try:
                services.category_update(actor=actor, category=category, **form.service_kwargs())
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The category was saved."))
                return redirect("catalog:category_edit", code=category.code)
        return render(
            request, "catalog/categories/edit.html", _edit_context(category, form=form), status=400
        )
    return render(request, "catalog/categories/edit.html", _edit_context(category))


@login_required
@require_POST
def category_toggle_active(request: HttpRequest, code: str) -> HttpResponse:
    actor = _admin(request)
    category = _category(code)
    try:
        if category.is_active:
            services.category_deactivate(actor=actor, category=category)
            messages.success(request, _("The category and everything below it are inactive."))
        else:
            services.category_activate(actor=actor, category=category)
            messages.success(request, _("The category is active."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("catalog:category_edit", code=category.code)


@login_required
@require_POST
def attribute_add(request: HttpRequest, code: str) -> HttpResponse:
    actor = _admin(request)
    category = _category(code)
    form = AttributeForm(request.POST, prefix="attr")
    if form.is_valid():
        try:
            spec = services.attribute_add(actor=actor, category=category, **form.service_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("The attribute %(name)s was added.") % {"name": spec.name_zh}
            )
            return redirect(f"{_edit_url(category)}#attributes")
    return render(
        request,
        "catalog/categories/edit.html",
        _edit_context(category, attribute_form=form),
        status=400,
    )


def _edit_url(category: Category) -> str:
    return reverse("catalog:category_edit", kwargs={"code": category.code})


def _spec(category: Category, key: str) -> AttributeSpec:
    spec = AttributeSpec.objects.filter(category=category, key=key).first()
    if spec is None:
        raise Http404
    return spec


@login_required
def attribute_edit(request: HttpRequest, code: str, key: str) -> HttpResponse:
    actor = _admin(request)
    category = _category(code)
    spec = _spec(category, key)
    if request.method == "POST":
        form = AttributeForm(request.POST, spec=spec)
        if form.is_valid():
            try:
                services.attribute_update(
                    actor=actor, category=category, key=key, **form.service_kwargs()
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("The attribute %(name)s was saved.") % {"name": spec.name_zh}
                )
                return redirect(f"{_edit_url(category)}#attributes")
        status = 400
    else:
        form = AttributeForm(initial=AttributeForm.initial_for(spec), spec=spec)
        status = 200
    context = {"category": category, "spec": spec, "form": form}
    return render(request, "catalog/categories/attribute.html", context, status=status)


@login_required
@require_POST
def attribute_remove(request: HttpRequest, code: str, key: str) -> HttpResponse:
    actor = _admin(request)
    category = _category(code)
    spec = _spec(category, key)
    services.attribute_remove(actor=actor, category=category, key=key)
    messages.success(request, _("The attribute %(name)s was removed.") % {"name": spec.name_zh})
    return redirect(f"{_edit_url(category)}#attributes")


@login_required
def categories_import_page(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                report = categories_import(
                    actor=actor, content=upload.read(), file_name=upload.name or ""
                )
            except DomainError as exc:
                add_domain_error(form, exc)
        if report is not None and report.ok:
            messages.success(
                request,
                _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    context = {"form": form, "report": report}
    return render(request, "catalog/categories/import.html", context, status=status)


@login_required
def categories_export(request: HttpRequest) -> HttpResponse:
    _admin(request)
    response = HttpResponse(export_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="categories.json"'
    return response
