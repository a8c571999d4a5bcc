"""The supplier's listing editor (new and edit) and its htmx partials: category fields, live
rule feedback, image upload and fee rows.

Views are thin: the form parses input, `catalog.content` judges types, the services write and
the rules engine judges content. A DomainError lands at its field or in a message; never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmall.catalog import services_listings
from govmall.catalog.display import image_rows, product_url
from govmall.catalog.forms_listings import (
    ATTR_PREFIX,
    MAX_IMAGES,
    UNIT_SUGGESTIONS,
    ImageUploadForm,
    ListingForm,
    initial_from_content,
)
from govmall.catalog.listing_pages import (
    EDITABLE,
    SUBMITTABLE,
    SupplierActor,
    blocker_messages,
    own_listing,
    page_error,
    review_message,
    revision_in_review,
    supplier_actor,
)
from govmall.catalog.listing_preview import (
    apply_errors,
    category_context,
    default_divisions,
    form_preview,
    panel_context,
)
from govmall.catalog.models import Listing, ListingRevision, ListingState, RevisionState
from govmall.catalog.services_images import image_upload
from govmall.core.errors import DomainError

# ---- the editor ----------------------------------------------------------------------------


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
        review_message(request, review)
    elif was_listed:
        messages.info(request, _("Nothing changed in the content: nothing to review."))
    else:
        messages.success(request, _("Draft %(number)s saved.") % {"number": listing.number})
    return redirect("catalog:listing_detail", listing.number)


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


def _editor(request: HttpRequest, who: SupplierActor, listing: Listing | None) -> HttpResponse:
    if listing is not None and listing.state not in EDITABLE:
        messages.error(
            request,
            _("A listing in the state “%(state)s” cannot be edited.")
            % {"state": listing.get_state_display()},
        )
        return redirect("catalog:listing_detail", listing.number)
    blockers = blocker_messages(who.supplier)
    revision = revision_in_review(listing) if listing is not None else None
    preview: dict[str, Any] | None = None
    if request.method == "POST":
        form = ListingForm(request.POST)
        action = "submit" if request.POST.get("action") == "submit" else "draft"
        if listing is None and blockers:
            form.is_valid()
            form.add_error(None, _("Your company cannot list products now."))
        elif form.is_valid():
            preview = form_preview(who.supplier, form, listing, live=False)
            data = preview["parsed"]
            if data is not None and not preview["errors"]:
                response = _save(request, who, form, listing, data, action)
                if response is not None:
                    return response
            else:
                apply_errors(form, preview["errors"])
        else:
            preview = form_preview(who.supplier, form, listing, live=False)
            apply_errors(form, preview["errors"])
    else:
        if listing is not None:
            source: Any = revision or listing
            initial = initial_from_content(source, sku=listing.sku, stock=listing.stock)
        else:
            initial = {
                "delivery_divisions": default_divisions(who.supplier),
                "origin": "domestic",
                "stock": 0,
                "category": request.GET.get("category", "")[:30],
            }
        form = ListingForm(initial=initial)
        if listing is not None:
            bound = ListingForm(_initial_as_data(form, initial))
            bound.is_valid()
            preview = form_preview(who.supplier, bound, listing, live=True)
    fees = form.fee_rows()
    choices = form.fields["category"].choices  # type: ignore[attr-defined]
    context = {
        "category_groups": [
            {"label": str(label), "options": options}
            for label, options in choices
            if isinstance(options, (list, tuple))
        ],
        "current_category": form["category"].value() or "",
        **category_context(form),
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
        "panel": panel_context(preview) if preview else None,
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
    who = supplier_actor(request)
    return _editor(request, who, None)


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, number: str) -> HttpResponse:
    who = supplier_actor(request)
    return _editor(request, who, own_listing(who, number))


# ---- htmx partials of the editor -----------------------------------------------------------


@login_required
@require_GET
def listing_attribute_fields(request: HttpRequest) -> HttpResponse:
    """The category-dependent part of the editor (attributes, energy certificate)."""
    supplier_actor(request)
    code = request.GET.get("category", "")[:30]
    initial = {
        key: value[:200]
        for key, value in request.GET.items()
        if key.startswith(ATTR_PREFIX)
        or key in ("energy_cert_no", "energy_cert_expiry", "category")
    }
    form = ListingForm(initial=initial, category_code=code)
    return render(request, "catalog/listings/_category_fields.html", category_context(form))


@login_required
@require_POST
def listing_check(request: HttpRequest) -> HttpResponse:
    """Live rule feedback: the dry-run review of what the editor holds now, and the structural
    errors at their fields (out-of-band swaps of every field's error slot)."""
    who = supplier_actor(request)
    number = request.GET.get("listing", "")
    listing = own_listing(who, number) if number else None
    form = ListingForm(request.POST)
    form.is_valid()
    preview = form_preview(who.supplier, form, listing, live=True)
    errors = preview["errors"]
    slots = [(name, errors.get(name, [])) for name in form.fields]
    return render(
        request,
        "catalog/listings/_check.html",
        {"panel": panel_context(preview), "slots": slots},
    )


@login_required
@require_POST
def listing_image_upload(request: HttpRequest) -> HttpResponse:
    """Upload one image through the image service; answer with its thumbnail (appended to
    the editor's list) or with the error at the images field."""
    who = supplier_actor(request)
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
    supplier_actor(request)
    return render(request, "catalog/listings/_fee_row.html", {"fee": {"name": "", "amount": ""}})
