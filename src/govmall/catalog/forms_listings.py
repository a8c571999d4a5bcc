"""Forms of the supplier's listing pages and the operator's review pages.

They parse input only: strings into the raw content dict that `catalog.content.parse_content`
judges (types, category, images), and small numbers (stock) into ints. Business judgement is
the rules engine's and the services'.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govmall.catalog.attribute_template import template_for
from govmall.catalog.models import AttributeKind, AttributeSpec, Category, Origin

MAX_IMAGES = 10
# Units shown as suggestions; the rule `unit_allowed` decides.
UNIT_SUGGESTIONS = ["台", "套", "个", "件", "张", "包", "箱", "把", "组", "只", "盒", "令"]
ATTR_PREFIX = "attr_"
_SPLIT = re.compile(r"[\s,，、;；]+")


def english() -> bool:
    return (get_language() or "").startswith("en")


def category_name(category: Category) -> str:
    return category.name_en if english() else category.name_zh


def spec_name(spec: AttributeSpec) -> str:
    return spec.name_en if english() else spec.name_zh


def category_choices() -> list[tuple[str, Any]]:
    """Leaf categories (active, no active children) grouped by their parent, in tree order."""
    categories = list(Category.objects.filter(is_active=True).order_by("path"))
    by_id = {c.pk: c for c in categories}
    parents = {c.parent_id for c in categories if c.parent_id}
    groups: dict[int | None, list[tuple[str, str]]] = {}
    for c in categories:
        if c.pk in parents:
            continue
        star = " ★" if c.energy_status == "mandatory" else ""
        groups.setdefault(c.parent_id, []).append((c.code, f"{category_name(c)}{star} · {c.code}"))
    choices: list[tuple[str, Any]] = [("", _("Choose a category"))]
    for parent_id, options in groups.items():
        parent = by_id.get(parent_id) if parent_id else None
        label = category_name(parent) if parent else str(_("Other"))
        choices.append((label, options))
    return choices


def split_codes(value: str) -> list[str]:
    return [part for part in _SPLIT.split(value or "") if part]


def attribute_field(spec: AttributeSpec) -> forms.Field:
    label = spec_name(spec)
    common: dict[str, Any] = {"label": label, "required": False}
    if spec.kind == AttributeKind.CHOICE:
        choices = [("", "—")] + [(str(c), str(c)) for c in spec.choices or []]
        return forms.ChoiceField(choices=choices, **common)
    if spec.kind == AttributeKind.BOOLEAN:
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common)
    if spec.kind == AttributeKind.NUMBER:
        attrs = {"inputmode": "decimal", "autocomplete": "off"}
        if spec.min_value is not None:
            attrs["data-min"] = str(spec.min_value.normalize())
        if spec.max_value is not None:
            attrs["data-max"] = str(spec.max_value.normalize())
        return forms.CharField(max_length=40, widget=forms.TextInput(attrs=attrs), **common)
    return forms.CharField(max_length=200, **common)


class ListingForm(forms.Form):
    """The editor. Attribute fields (`attr_<key>`) follow the chosen category's template;
    images (`image_ids`) and extra fees (`fee_name`/`fee_amount`) are repeated inputs."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    brand = forms.CharField(label=_("Brand"), max_length=100, required=False)
    model_no = forms.CharField(label=_("Model"), max_length=100, required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=200, required=False)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"list": "unit-suggestions", "autocomplete": "off"}),
    )
    price = forms.CharField(
        label=_("Price (CNY)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=10**9, required=False)
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"), min_value=0, max_value=600, required=False
    )
    delivery_divisions = forms.CharField(
        label=_("Delivery divisions"),
        max_length=2000,
        required=False,
        help_text=_(
            "Six-digit division codes separated by commas, e.g. 150000 (the whole of Inner "
            "Mongolia) or 150200, 150100. Empty: delivers nationwide."
        ),
    )
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial="domestic")
    energy_cert_no = forms.CharField(
        label=_("Energy-saving certificate number"), max_length=60, required=False
    )
    energy_cert_expiry = forms.DateField(
        label=_("Certificate valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    no_extra_fees = forms.BooleanField(label=_("No extra fees"), required=False)
    after_sales = forms.CharField(
        label=_("After-sales promise"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sku = forms.CharField(label=_("Your SKU"), max_length=64, required=False)
    # Not rendered as inputs of their own: errors of the repeated inputs land here.
    image_ids = forms.CharField(label=_("Images"), required=False)
    extra_fees = forms.CharField(label=_("Extra fees"), required=False)
    attributes = forms.CharField(label=_("Attributes"), required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *args: Any,
        category_code: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = category_choices()
        code = category_code
        if code is None:
            code = (data.get("category") if data is not None else None) or self.initial.get(
                "category", ""
            )
        self.category_obj = (
            Category.objects.filter(code=str(code or "")[:30], is_active=True).first()
            if code
            else None
        )
        self.specs = template_for(self.category_obj) if self.category_obj else []
        for spec in self.specs:
            self.fields[ATTR_PREFIX + spec.key] = attribute_field(spec)
        self._repeated = data

    # ---- repeated inputs ------------------------------------------------------------------

    def _list(self, name: str) -> list[str]:
        data = self._repeated
        if data is None:
            value = self.initial.get(name)
            return [str(v) for v in value] if isinstance(value, list) else []
        if isinstance(data, QueryDict):
            return [str(v) for v in data.getlist(name)]
        value = data.get(name)
        if isinstance(value, list):
            return [str(v) for v in value]
        return [str(value)] if value not in (None, "") else []

    def image_id_list(self) -> list[int]:
        ids: list[int] = []
        for value in self._list("image_ids"):
            value = value.strip()
            if value.isdigit() and len(value) < 12 and int(value) not in ids:
                ids.append(int(value))
        return ids

    def bad_image_ids(self) -> bool:
        return any(not v.strip().isdigit() or len(v.strip()) >= 12 for v in self._list("image_ids"))

    def fee_rows(self) -> list[dict[str, str]]:
        if self._repeated is None:
            fees = self.initial.get("extra_fees") or []
            return [
                {"name": str(f.get("name", "")), "amount": str(f.get("amount", ""))}
                for f in fees
                if isinstance(f, dict)
            ]
        names = self._list("fee_name")
        amounts = self._list("fee_amount")
        rows = []
        for i in range(max(len(names), len(amounts))):
            name = (names[i] if i < len(names) else "").strip()[:100]
            amount = (amounts[i] if i < len(amounts) else "").strip()[:20]
            if name or amount:
                rows.append({"name": name, "amount": amount})
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.bad_image_ids():
            self.add_error("image_ids", _("An image reference is not valid: upload it again."))
        if len(self.image_id_list()) > MAX_IMAGES:
            self.add_error("image_ids", _("At most %(n)d images.") % {"n": MAX_IMAGES})
        return cleaned

    # ---- the raw content dict ---------------------------------------------------------------

    def attribute_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        for spec in self.specs:
            value = data.get(ATTR_PREFIX + spec.key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            value = value.strip()
            if spec.kind == AttributeKind.BOOLEAN:
                values[spec.key] = value == "yes"
            else:
                values[spec.key] = value
        return values

    def raw(self) -> dict[str, Any]:
        """The content as `parse_content` takes it (call after is_valid())."""
        data = self.cleaned_data
        expiry = data.get("energy_cert_expiry")
        warranty = data.get("warranty_months")
        return {
            "category": data.get("category") or "",
            "title": (data.get("title") or "").strip(),
            "brand": (data.get("brand") or "").strip(),
            "model_no": (data.get("model_no") or "").strip(),
            "manufacturer": (data.get("manufacturer") or "").strip(),
            "attributes": self.attribute_values(),
            "unit": (data.get("unit") or "").strip(),
            "price": (data.get("price") or "").strip(),
            "warranty_months": warranty if warranty is not None else 0,
            "delivery_divisions": split_codes(data.get("delivery_divisions") or ""),
            "origin": data.get("origin") or "domestic",
            "energy_cert_no": (data.get("energy_cert_no") or "").strip(),
            "energy_cert_expiry": expiry.isoformat() if isinstance(expiry, date) else None,
            "image_ids": self.image_id_list()[:MAX_IMAGES],
            "description": data.get("description") or "",
            "extra_fees": [] if data.get("no_extra_fees") else self.fee_rows(),
            "no_extra_fees": bool(data.get("no_extra_fees")),
            "after_sales": data.get("after_sales") or "",
        }

    def field_for_error(self, field: str | None) -> str | None:
        """The form field a content error names (`attributes.cpu` → `attr_cpu`)."""
        if not field:
            return None
        for sep in (".", "[", ":"):
            if field.startswith("attributes" + sep):
                key = field[len("attributes") + 1 :].rstrip("]")
                name = ATTR_PREFIX + key
                return name if name in self.fields else "attributes"
        aliases = {"images": "image_ids", "image": "image_ids", "category_code": "category"}
        field = aliases.get(field, field)
        if field.startswith("image_ids"):
            return "image_ids"
        if field.startswith("extra_fees"):
            return "extra_fees"
        if field.startswith("delivery_divisions"):
            return "delivery_divisions"
        return field if field in self.fields else None


def initial_from_content(content: Any, *, sku: str = "", stock: int = 0) -> dict[str, Any]:
    """Initial values of the editor from a Listing or ListingRevision."""
    initial: dict[str, Any] = {
        "category": content.category.code,
        "title": content.title,
        "brand": content.brand,
        "model_no": content.model_no,
        "manufacturer": content.manufacturer,
        "unit": content.unit,
        "price": format_price(content.price),
        "warranty_months": content.warranty_months,
        "delivery_divisions": ", ".join(content.delivery_divisions or []),
        "origin": content.origin,
        "energy_cert_no": content.energy_cert_no,
        "energy_cert_expiry": content.energy_cert_expiry,
        "description": content.description,
        "no_extra_fees": content.no_extra_fees,
        "after_sales": content.after_sales,
        "image_ids": list(content.image_ids or []),
        "extra_fees": list(content.extra_fees or []),
        "sku": sku,
        "stock": stock,
    }
    for key, value in (content.attributes or {}).items():
        if isinstance(value, bool):
            initial[ATTR_PREFIX + key] = "yes" if value else "no"
        else:
            initial[ATTR_PREFIX + key] = str(value)
    return initial


def format_price(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


class StockForm(forms.Form):
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=10**9)


class ImageUploadForm(forms.Form):
    upload = forms.FileField(label=_("Image"))


class DecisionForm(forms.Form):
    """An operator's decision on a manual review: reasons are required to reject."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not (cleaned.get("reasons") or "").strip():
            self.add_error("reasons", _("Give the reasons for the rejection."))
        return cleaned


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for suspension"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
