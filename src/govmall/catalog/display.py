"""Display rows of listings and their reviews, shared by the supplier's and the operator's pages.

Kept apart from the views so both page sets render rules, content and images the same way.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govmall.accounts.models import Division
from govmall.catalog.forms_listings import english, spec_name
from govmall.catalog.models import AttributeKind, Listing, ListingImage
from govmall.catalog.types import RuleResult

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
    """Name/value rows of the attributes filled in, in the category template's order."""
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


def review_rows(listing: Listing) -> list[dict[str, Any]]:
    """A listing's reviews, newest first, with their failures and whether a manual check is late."""
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
