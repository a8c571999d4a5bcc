"""What the listing editor shows beside the form: the category's attribute rows and the live
rule panel (structural parse plus a dry-run review of the form's content)."""

from __future__ import annotations

from typing import Any

from govmall.catalog import content, services_listings
from govmall.catalog.display import rule_rows
from govmall.catalog.forms_listings import ATTR_PREFIX, ListingForm
from govmall.catalog.models import AttributeKind, Listing
from govmall.catalog.types import Verdict
from govmall.core.errors import DomainError
from govmall.suppliers.models import Supplier

# The minimum content `parse_content` needs to build ListingData (see catalog.content).
BASE_FIELDS = ("category", "title", "brand", "model_no", "unit", "price")


def _attr_rows(form: ListingForm) -> list[dict[str, Any]]:
    rows = []
    for spec in form.specs:
        name = ATTR_PREFIX + spec.key
        rows.append(
            {
                "field": form[name],
                "spec": spec,
                "name": name,
                "unit": spec.unit,
                "required": spec.required,
                "number": spec.kind == AttributeKind.NUMBER,
                "range": _range_text(spec),
            }
        )
    return rows


def _range_text(spec: Any) -> str:
    if spec.kind != AttributeKind.NUMBER:
        return ""
    low = spec.min_value.normalize() if spec.min_value is not None else None
    high = spec.max_value.normalize() if spec.max_value is not None else None
    if low is not None and high is not None:
        return f"{low:f}–{high:f}"
    if low is not None:
        return f"≥ {low:f}"
    if high is not None:
        return f"≤ {high:f}"
    return ""


def category_context(form: ListingForm) -> dict[str, Any]:
    """The category-dependent part of the editor: attribute rows, warranty, energy certificate."""
    category = form.category_obj
    energy = category.energy_status if category else "none"
    return {
        "form": form,
        "category": category,
        "attr_rows": _attr_rows(form),
        "energy_status": energy,
        "min_warranty": category.min_warranty_months if category else 0,
        "energy_required": energy == "mandatory",
        # shown where the category asks for it, or where the user entered one anyway
        "show_energy": energy != "none"
        or bool(form["energy_cert_no"].value())
        or bool(form["energy_cert_expiry"].value()),
    }


def default_divisions(supplier: Supplier) -> str:
    """The initial delivery area of a new listing: the supplier's province."""
    division = supplier.organisation.division
    province = division.path.strip("/").split("/")[0] if division.path else division.code
    return province or division.code


def form_preview(
    supplier: Supplier, form: ListingForm, listing: Listing | None, *, live: bool
) -> dict[str, Any]:
    """Run the structural parse and the dry-run review of the form's content.

    Returns {"verdict", "errors": {field: [messages]}, "todo": [labels], "parsed"}; with `live`,
    errors of fields the user has not filled in yet are listed as "to fill in" instead."""
    errors: dict[str, list[str]] = {}
    for name, messages_ in form.errors.items():
        errors.setdefault(name if name != "__all__" else "", []).extend(str(m) for m in messages_)
    raw = form.raw()
    parsed = None
    try:
        parsed, content_errors = content.parse_content_errors(raw, supplier=supplier)
    except DomainError as refused:
        content_errors = [refused]
    for error in content_errors:
        name = form.field_for_error(error.field) or ""
        errors.setdefault(name, []).append(error.message)
    todo: list[str] = []
    if live:
        for name in list(errors):
            if name in form.fields and _is_empty(raw, name):
                if name in BASE_FIELDS:
                    todo.append(str(form.fields[name].label))
                del errors[name]
    verdict: Verdict | None = None
    if parsed is not None and not form.errors:
        try:
            verdict = services_listings.review_preview(
                supplier=supplier, data=parsed, listing_id=listing.pk if listing else None
            )
        except DomainError as exc:
            errors.setdefault("", []).append(exc.message)
    if parsed is None and not todo and not errors:
        todo = [str(form.fields[name].label) for name in BASE_FIELDS if _is_empty(raw, name)]
    return {"verdict": verdict, "errors": errors, "todo": todo, "parsed": parsed}


def _is_empty(raw: dict[str, Any], name: str) -> bool:
    if name.startswith(ATTR_PREFIX):
        return name[len(ATTR_PREFIX) :] not in raw.get("attributes", {})
    value = raw.get(name)
    return value in (None, "", [], {})


def panel_context(preview: dict[str, Any]) -> dict[str, Any]:
    """The live rule panel of a preview (see `form_preview`)."""
    verdict: Verdict | None = preview["verdict"]
    rows = rule_rows(verdict.results) if verdict else []
    return {
        "verdict": verdict,
        "rows": rows,
        "failures": sum(1 for r in rows if r["css"] == "fail"),
        "reviews": sum(1 for r in rows if r["css"] == "review"),
        "todo": preview["todo"],
        "general_errors": preview["errors"].get("", []),
        "has_errors": any(preview["errors"].values()),
    }


def apply_errors(form: ListingForm, errors: dict[str, list[str]]) -> None:
    """Put the preview's errors on the form, each once, so the editor shows them at their fields."""
    for name, msgs in errors.items():
        for message in msgs:
            if name and name in form.fields and message not in form.errors.get(name, []):
                form.add_error(name, message)
            elif not name and message not in form.non_field_errors():
                form.add_error(None, message)
