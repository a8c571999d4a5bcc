"""The supplier's listing pages: the list, the editor with live rule feedback (htmx), and one
listing with its reviews, revision, stock and delisting.

Views are thin: the form parses input, `catalog.content` judges types, the services write and
the rules engine judges content. A DomainError lands at its field or in a message; never a 500.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import Division, User
from govmall.accounts.roles import Role
from govmall.catalog import access as catalog_access
from govmall.catalog import content, services_listings
from govmall.catalog.forms_listings import (
    ATTR_PREFIX,
    MAX_IMAGES,
    UNIT_SUGGESTIONS,
    ImageUploadForm,
    ListingForm,
    StockForm,
    english,
    initial_from_content,
    spec_name,
)
from govmall.catalog.models import (
    AttributeKind,
    Listing,
    ListingImage,
    ListingReview,
    ListingRevision,
    ListingState,
    RevisionState,
)
from govmall.catalog.services_images import image_upload
from govmall.catalog.types import RuleResult, Verdict
from govmall.core.errors import DomainError, NotFound
from govmall.suppliers.access import own_supplier
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Supplier

SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)
SUBMITTABLE = (ListingState.DRAFT, ListingState.REJECTED, ListingState.DELISTED)
EDITABLE = (*SUBMITTABLE, ListingState.LISTED)
# The minimum content `parse_content` needs to build ListingData (see catalog.content).
BASE_FIELDS = ("category", "title", "brand", "model_no", "unit", "price")

RULE_LABELS: dict[str, Any] = {
    "required_fields": gettext_lazy("Required fields"),
    "category_template": gettext_lazy("Category attribute template"),
    "brand_model_in_title": gettext_lazy("Brand and model in the title"),
    "non_market_model": gettext_lazy("Models sold on the open market only (no 专供/特供)"),
    "forbidden_words": gettext_lazy("No absolute claims, contact details or links"),
    "review_words": gettext_lazy("Claims that need a human check"),
    "unit_allowed": gettext_lazy("Unit of measure"),
    "image_count": gettext_lazy("Number of images"),
    "image_resolution": gettext_lazy("Image resolution"),
    "energy_certificate": gettext_lazy("Energy-saving certificate"),
    "duplicate": gettext_lazy("No duplicate of your own listing"),
    "warranty_minimum": gettext_lazy("Minimum warranty"),
    "extra_fees_declared": gettext_lazy("Extra fees declared up front"),
    "reference_price": gettext_lazy("Price not above the reference price"),
    "price_far_below_reference": gettext_lazy("Price far below the reference price"),
}


# ---- shared helpers (the review pages use them too) --------------------------------------


def page_error(exc: DomainError) -> Exception:
    """404 for missing/not yours, 403 for not allowed; other errors are the caller's."""
    if isinstance(exc, NotFound) or exc.status == 404:
        return Http404()
    if exc.status in (401, 403):
        return DjangoPermissionDenied(exc.message)
    return exc


def safe_url(name: str, *args: Any, **kwargs: Any) -> str:
    """A URL of another helper's page, or "" while it does not exist."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def product_url(listing: Listing) -> str:
    return safe_url("catalog:product", listing.number)


def image_rows(ids: list[int] | None, *, supplier_id: int | None = None) -> list[dict[str, Any]]:
    """Thumbnails and full-size URLs of images, in the listing's order."""
    ids = [i for i in (ids or []) if isinstance(i, int)]
    found = ListingImage.objects.filter(pk__in=ids)
    if supplier_id is not None:
        found = found.filter(supplier_id=supplier_id)
    images = {img.pk: img for img in found}
    rows = []
    for i in ids:
        img = images.get(i)
        if img is None:
            continue
        rows.append(
            {
                "id": i,
                "width": img.width,
                "height": img.height,
                "name": img.original_name,
                "thumb": safe_url("catalog:image_thumb", image_id=i),
                "full": safe_url("catalog:image", image_id=i),
            }
        )
    return rows


class _Fmt(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def rule_message(result: dict[str, Any]) -> str:
    """A rule's message in the page's language, its {placeholders} filled from the details."""
    message = str(result.get("message_en" if english() else "message_zh") or "")
    if "{" in message:
        details = {
            k: "、".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
            for k, v in (result.get("details") or {}).items()
        }
        with contextlib.suppress(ValueError, IndexError):
            message = message.format_map(_Fmt(details))
    return message


def rule_rows(results: list[dict[str, Any]] | list[RuleResult]) -> list[dict[str, Any]]:
    """Display rows of a review's rule outcomes; failures first."""
    rows = []
    for r in results:
        data = r.as_json() if isinstance(r, RuleResult) else dict(r)
        status = data.get("status", "")
        severity = data.get("severity", "")
        if status == "fail":
            css = "review" if severity == "review" else "fail"
        elif status == "no_reference":
            css = "noref"
        elif status == "skipped":
            css = "skip"
        else:
            css = "pass"
        rows.append(
            {
                "code": data.get("code", ""),
                "label": RULE_LABELS.get(data.get("code", ""), data.get("code", "")),
                "severity": severity,
                "status": status,
                "css": css,
                "message": rule_message(data) if status in ("fail", "no_reference") else "",
            }
        )
    order = {"fail": 0, "review": 1, "noref": 2, "pass": 3, "skip": 4}
    rows.sort(key=lambda row: order.get(row["css"], 9))
    return rows


def failing_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rule_rows(results) if row["status"] == "fail"]


def division_names(codes: list[str]) -> str:
    """ "150000 内蒙古自治区、150200 包头市", or "Nationwide" for none."""
    if not codes:
        return str(_("Nationwide"))
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name_zh"))
    return "、".join(f"{code} {names.get(code, '')}".strip() for code in codes)


def money(value: Any) -> str:
    """An amount as the page's language writes it (as `floatformat:"2g"` does)."""
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def content_rows(content: Any) -> list[tuple[str, Any]]:
    """Label/value rows of a listing's or revision's content."""
    category = content.category
    fees = content.extra_fees or []
    if content.no_extra_fees:
        fees_text = _("No extra fees")
    elif fees:
        fees_text = "; ".join(f"{f.get('name', '')} ¥{f.get('amount', '')}" for f in fees)
    else:
        fees_text = "—"
    rows: list[tuple[str, Any]] = [
        (_("Category"), f"{category.name_en if english() else category.name_zh} · {category.code}"),
        (_("Title"), content.title),
        (_("Brand"), content.brand),
        (_("Model"), content.model_no),
        (_("Manufacturer"), content.manufacturer or "—"),
        (_("Price (CNY)"), f"¥{money(content.price)} / {content.unit}"),
        (_("Warranty (months)"), content.warranty_months),
        (_("Delivery divisions"), division_names(content.delivery_divisions or [])),
        (_("Origin"), content.get_origin_display()),
    ]
    if content.energy_cert_no or category.energy_status != "none":
        cert = "—"
        if content.energy_cert_no:
            expiry = content.energy_cert_expiry.isoformat() if content.energy_cert_expiry else "—"
            cert = _("%(number)s (valid until %(date)s)") % {
                "number": content.energy_cert_no,
                "date": expiry,
            }
        rows.append((_("Energy-saving certificate"), cert))
    rows.append((_("Extra fees"), fees_text))
    rows.append((_("After-sales promise"), content.after_sales or "—"))
    return rows


def attribute_rows(content: Any) -> list[tuple[str, str]]:
    from govmall.catalog.attribute_template import template_for

    values = content.attributes or {}
    rows = []
    for spec in template_for(content.category):
        if spec.key not in values:
            continue
        value = values[spec.key]
        if spec.kind == AttributeKind.BOOLEAN:
            text = str(_("Yes") if value else _("No"))
        else:
            text = f"{value} {spec.unit}".strip()
        rows.append((spec_name(spec), text))
    return rows


def revision_in_review(listing: Listing) -> ListingRevision | None:
    return listing.revisions.filter(state=RevisionState.PENDING).order_by("-id").first()


# ---- who is asking -------------------------------------------------------------------------


@dataclass
class SupplierActor:
    user: User
    supplier: Supplier


def _supplier_actor(request: HttpRequest) -> SupplierActor:
    actor = request_user(request)
    try:
        supplier = own_supplier(actor)
    except DomainError as exc:
        raise page_error(exc) from exc
    if not actor.has_role(*SUPPLIER_ROLES):
        raise DjangoPermissionDenied()
    return SupplierActor(actor, supplier)


def _own_listing(who: SupplierActor, number: str) -> Listing:
    try:
        listing = catalog_access.listing_for_actor(who.user, number[:40])
    except DomainError as exc:
        raise page_error(exc) from exc
    if listing.supplier_id != who.supplier.pk:
        raise Http404()
    return listing


def _blocker_messages(supplier: Supplier) -> list[str]:
    return [message for _code, message in trading_blockers(supplier)]


# ---- the list ------------------------------------------------------------------------------

STATE_TABS = [
    ("", gettext_lazy("All")),
    (ListingState.LISTED, gettext_lazy("Listed")),
    (ListingState.PENDING, gettext_lazy("Pending review")),
    (ListingState.DRAFT, gettext_lazy("Drafts")),
    (ListingState.REJECTED, gettext_lazy("Rejected")),
    (ListingState.DELISTED, gettext_lazy("Delisted")),
    (ListingState.SUSPENDED, gettext_lazy("Suspended")),
]


@login_required
@require_GET
def my_listings(request: HttpRequest) -> HttpResponse:
    who = _supplier_actor(request)
    state = request.GET.get("state", "")
    if state not in ListingState.values:
        state = ""
    mine = Listing.objects.filter(supplier=who.supplier)
    counts = {row["state"]: row["n"] for row in mine.values("state").annotate(n=Count("id"))}
    tabs = [
        {
            "key": key,
            "label": label,
            "count": sum(counts.values()) if key == "" else counts.get(key, 0),
        }
        for key, label in STATE_TABS
    ]
    rows = mine.filter(state=state) if state else mine
    page = Paginator(rows.select_related("category").order_by("-updated_at", "-id"), 25).get_page(
        request.GET.get("page")
    )
    listing_ids = [listing.pk for listing in page.object_list]
    in_revision = set(
        ListingRevision.objects.filter(
            listing_id__in=listing_ids, state=RevisionState.PENDING
        ).values_list("listing_id", flat=True)
    )
    blockers = _blocker_messages(who.supplier)
    return render(
        request,
        "catalog/listings/list.html",
        {
            "supplier": who.supplier,
            "page": page,
            "tabs": tabs,
            "state": state,
            "in_revision": in_revision,
            "blockers": blockers,
            "submittable": [s.value for s in SUBMITTABLE],
            "editable": [s.value for s in EDITABLE],
        },
    )


# ---- the editor ----------------------------------------------------------------------------


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


def _category_context(form: ListingForm) -> dict[str, Any]:
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


def _default_divisions(supplier: Supplier) -> str:
    division = supplier.organisation.division
    province = division.path.strip("/").split("/")[0] if division.path else division.code
    return province or division.code


def _preview(
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


def _panel_context(preview: dict[str, Any]) -> dict[str, Any]:
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


def _apply_errors(form: ListingForm, errors: dict[str, list[str]]) -> None:
    for name, msgs in errors.items():
        for message in msgs:
            if name and name in form.fields and message not in form.errors.get(name, []):
                form.add_error(name, message)
            elif not name and message not in form.non_field_errors():
                form.add_error(None, message)


def _save(
    request: HttpRequest,
    who: SupplierActor,
    form: ListingForm,
    listing: Listing | None,
    data: Any,
    action: str,
) -> HttpResponse | None:
    """Create or update (and, asked to, submit) in one transaction; None if refused."""
    services = services_listings
    was_listed = listing is not None and listing.state == ListingState.LISTED
    sku = (form.cleaned_data.get("sku") or "").strip()
    stock = form.cleaned_data.get("stock")
    try:
        with transaction.atomic():
            result: Any
            if listing is None:
                listing = services.listing_create(
                    actor=who.user, data=data, sku=sku, stock=stock or 0
                )
                result = listing
            else:
                result = services.listing_update(
                    actor=who.user, listing=listing, data=data, sku=sku
                )
                listing.refresh_from_db()
                if stock is not None and stock != listing.stock:
                    services.listing_set_stock(actor=who.user, listing=listing, stock=stock)
            review = None
            if action == "submit" and listing.state in SUBMITTABLE:
                review = services.listing_submit(actor=who.user, listing=listing)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        name = form.field_for_error(exc.field)
        form.add_error(name, exc.message)
        return None
    assert listing is not None
    if isinstance(result, ListingRevision):
        _revision_message(request, result)
    elif review is not None:
        _review_message(request, review)
    elif was_listed:
        messages.info(request, _("Nothing changed in the content: nothing to review."))
    else:
        messages.success(request, _("Draft %(number)s saved.") % {"number": listing.number})
    return redirect("catalog:listing_detail", listing.number)


def _review_message(request: HttpRequest, review: ListingReview) -> None:
    if review.outcome == "passed":
        messages.success(request, _("All rules pass: the product is listed and live."))
    elif review.outcome == "manual":
        messages.info(
            request,
            _("The product waits for an operator's check, due by %(deadline)s.")
            % {"deadline": _when(review.deadline)},
        )
    else:
        messages.error(request, _("The product was rejected: correct what the rules name."))


def _revision_message(request: HttpRequest, revision: ListingRevision) -> None:
    revision.refresh_from_db()
    if revision.state == RevisionState.APPLIED:
        messages.success(request, _("The changes passed review and are live."))
    elif revision.state == RevisionState.PENDING:
        messages.info(
            request,
            _("The changes wait for an operator's check; the live version stays on sale."),
        )
    else:
        messages.error(
            request,
            _("The changes were rejected; the live version stays on sale unchanged."),
        )


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _editor(request: HttpRequest, who: SupplierActor, listing: Listing | None) -> HttpResponse:
    if listing is not None and listing.state not in EDITABLE:
        messages.error(
            request,
            _("A listing in the state “%(state)s” cannot be edited.")
            % {"state": listing.get_state_display()},
        )
        return redirect("catalog:listing_detail", listing.number)
    blockers = _blocker_messages(who.supplier)
    revision = revision_in_review(listing) if listing is not None else None
    preview: dict[str, Any] | None = None
    if request.method == "POST":
        form = ListingForm(request.POST)
        action = "submit" if request.POST.get("action") == "submit" else "draft"
        if listing is None and blockers:
            form.is_valid()
            form.add_error(None, _("Your company cannot list products now."))
        elif form.is_valid():
            preview = _preview(who.supplier, form, listing, live=False)
            data = preview["parsed"]
            if data is not None and not preview["errors"]:
                response = _save(request, who, form, listing, data, action)
                if response is not None:
                    return response
            else:
                _apply_errors(form, preview["errors"])
        else:
            preview = _preview(who.supplier, form, listing, live=False)
            _apply_errors(form, preview["errors"])
    else:
        if listing is not None:
            source: Any = revision or listing
            initial = initial_from_content(source, sku=listing.sku, stock=listing.stock)
        else:
            initial = {
                "delivery_divisions": _default_divisions(who.supplier),
                "origin": "domestic",
                "stock": 0,
                "category": request.GET.get("category", "")[:30],
            }
        form = ListingForm(initial=initial)
        if listing is not None:
            bound = ListingForm(_initial_as_data(form, initial))
            bound.is_valid()
            preview = _preview(who.supplier, bound, listing, live=True)
    fees = form.fee_rows()
    choices = form.fields["category"].choices  # type: ignore[attr-defined]
    context = {
        "category_groups": [
            {"label": str(label), "options": options}
            for label, options in choices
            if isinstance(options, (list, tuple))
        ],
        "current_category": form["category"].value() or "",
        **_category_context(form),
        "listing": listing,
        "revision": revision,
        "blockers": blockers,
        "may_create": listing is not None or not blockers,
        "images": image_rows(form.image_id_list(), supplier_id=who.supplier.pk),
        "max_images": MAX_IMAGES,
        "fee_rows": fees + [{"name": "", "amount": ""}] * (1 if fees else 2),
        "units": UNIT_SUGGESTIONS,
        "check_url": reverse("catalog:listing_check")
        + (f"?listing={listing.number}" if listing else ""),
        "product_url": product_url(listing) if listing else "",
        "panel": _panel_context(preview) if preview else None,
    }
    return render(request, "catalog/listings/editor.html", context)


def _initial_as_data(form: ListingForm, initial: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in initial.items():
        if key == "extra_fees":
            data["fee_name"] = [f.get("name", "") for f in value]
            data["fee_amount"] = [f.get("amount", "") for f in value]
        elif key == "image_ids":
            data["image_ids"] = [str(v) for v in value]
        elif key == "no_extra_fees":
            if value:
                data[key] = "on"
        elif value is None:
            continue
        else:
            data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def listing_new(request: HttpRequest) -> HttpResponse:
    who = _supplier_actor(request)
    return _editor(request, who, None)


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, number: str) -> HttpResponse:
    who = _supplier_actor(request)
    return _editor(request, who, _own_listing(who, number))


# ---- htmx partials of the editor -----------------------------------------------------------


@login_required
@require_GET
def listing_attribute_fields(request: HttpRequest) -> HttpResponse:
    """The category-dependent part of the editor (attributes, energy certificate)."""
    _supplier_actor(request)
    code = request.GET.get("category", "")[:30]
    initial = {
        key: value[:200]
        for key, value in request.GET.items()
        if key.startswith(ATTR_PREFIX)
        or key in ("energy_cert_no", "energy_cert_expiry", "category")
    }
    form = ListingForm(initial=initial, category_code=code)
    return render(request, "catalog/listings/_category_fields.html", _category_context(form))


@login_required
@require_POST
def listing_check(request: HttpRequest) -> HttpResponse:
    """Live rule feedback: the dry-run review of what the editor holds now, and the structural
    errors at their fields (out-of-band swaps of every field's error slot)."""
    who = _supplier_actor(request)
    number = request.GET.get("listing", "")
    listing = _own_listing(who, number) if number else None
    form = ListingForm(request.POST)
    form.is_valid()
    preview = _preview(who.supplier, form, listing, live=True)
    errors = preview["errors"]
    slots = [(name, errors.get(name, [])) for name in form.fields]
    return render(
        request,
        "catalog/listings/_check.html",
        {"panel": _panel_context(preview), "slots": slots},
    )


@login_required
@require_POST
def listing_image_upload(request: HttpRequest) -> HttpResponse:
    """Upload one image through the image service; answer with its thumbnail (appended to
    the editor's list) or with the error at the images field."""
    who = _supplier_actor(request)
    form = ImageUploadForm(request.POST, request.FILES)
    error = ""
    image = None
    if len(request.POST.getlist("image_ids")) >= MAX_IMAGES:
        error = _("At most %(n)d images.") % {"n": MAX_IMAGES}
    elif not form.is_valid():
        error = _("Choose an image file (JPEG, PNG or WebP).")
    else:
        try:
            upload = form.cleaned_data["upload"]
            image = image_upload(actor=who.user, upload=upload, name=upload.name)
        except DomainError as exc:
            if exc.status in (401, 403):
                raise page_error(exc) from exc
            error = exc.message
    context: dict[str, Any] = {"error": error, "error_list": [error] if error else []}
    if image is not None:
        context["images"] = image_rows([image.pk], supplier_id=who.supplier.pk)
    response = render(request, "catalog/listings/_image_upload_result.html", context)
    if error:
        response["HX-Reswap"] = "none"
    else:
        response["HX-Trigger-After-Settle"] = "listing-recheck"
    return response


@login_required
@require_GET
def listing_fee_row(request: HttpRequest) -> HttpResponse:
    _supplier_actor(request)
    return render(request, "catalog/listings/_fee_row.html", {"fee": {"name": "", "amount": ""}})


# ---- one listing ---------------------------------------------------------------------------


def review_rows(listing: Listing) -> list[dict[str, Any]]:
    rows = []
    for review in listing.reviews.select_related("ruleset", "revision", "decided_by").order_by(
        "-id"
    ):
        rows.append(
            {
                "review": review,
                "version": review.ruleset.version,
                "failures": failing_rows(review.results or []),
                "is_revision": review.revision_id is not None,
                "overdue": bool(
                    review.outcome == "manual"
                    and not review.decided_at
                    and review.deadline
                    and review.deadline < timezone.now()
                ),
            }
        )
    return rows


@login_required
@require_GET
def listing_detail(request: HttpRequest, number: str) -> HttpResponse:
    who = _supplier_actor(request)
    listing = _own_listing(who, number)
    revision = revision_in_review(listing)
    reviews = review_rows(listing)
    latest = reviews[0] if reviews else None
    latest_listing_review = next((r for r in reviews if not r["is_revision"]), None)
    latest_revision = listing.revisions.order_by("-id").first()
    return render(
        request,
        "catalog/listings/detail.html",
        {
            "listing": listing,
            "rows": content_rows(listing),
            "attributes": attribute_rows(listing),
            "images": image_rows(list(listing.image_ids or [])),
            "reviews": reviews,
            "latest": latest,
            "latest_listing_review": latest_listing_review,
            "revision": revision,
            "latest_revision": latest_revision,
            "revision_review": next(
                (
                    r
                    for r in reviews
                    if latest_revision and r["review"].revision_id == latest_revision.pk
                ),
                None,
            ),
            "stock_form": StockForm(initial={"stock": listing.stock}),
            "product_url": product_url(listing) if listing.state == ListingState.LISTED else "",
            "may_submit": listing.state in SUBMITTABLE,
            "may_edit": listing.state in EDITABLE,
            "may_delist": listing.state == ListingState.LISTED,
            "blockers": _blocker_messages(who.supplier),
            "timeline_url": safe_url("audit:timeline", "catalog.listing", listing.pk),
        },
    )


@login_required
@require_POST
def listing_submit(request: HttpRequest, number: str) -> HttpResponse:
    who = _supplier_actor(request)
    listing = _own_listing(who, number)
    try:
        review = services_listings.listing_submit(actor=who.user, listing=listing)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, exc.message)
    else:
        _review_message(request, review)
    return redirect("catalog:listing_detail", listing.number)


@login_required
@require_POST
def listing_delist(request: HttpRequest, number: str) -> HttpResponse:
    who = _supplier_actor(request)
    listing = _own_listing(who, number)
    try:
        services_listings.listing_delist(actor=who.user, listing=listing)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The product was delisted."))
    if request.POST.get("next") == "list":
        return redirect("catalog:my_listings")
    return redirect("catalog:listing_detail", listing.number)


@login_required
@require_POST
def listing_stock(request: HttpRequest, number: str) -> HttpResponse:
    who = _supplier_actor(request)
    listing = _own_listing(who, number)
    form = StockForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, f"{_('Stock')}: {message}")
        return redirect("catalog:listing_detail", listing.number)
    try:
        services_listings.listing_set_stock(
            actor=who.user, listing=listing, stock=form.cleaned_data["stock"]
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404() from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stock updated."))
    return redirect("catalog:listing_detail", listing.number)
