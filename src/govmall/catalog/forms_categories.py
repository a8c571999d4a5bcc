"""Forms of the category pages. They only read the input; the services validate it and their
DomainErrors are shown at the field they name (`core.forms.add_domain_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govmall.catalog.models import AttributeKind, AttributeSpec, Category, EnergyStatus

# Own labels for the attribute types (the model's "Number" reads as an identifier in Chinese).
KIND_LABELS: dict[str, Any] = {
    AttributeKind.TEXT: _("Free text"),
    AttributeKind.NUMBER: _("Numeric value"),
    AttributeKind.CHOICE: _("Choice from a list"),
    AttributeKind.BOOLEAN: _("Yes or no"),
}
INDENT = "\u3000"  # an ideographic space per level in the parent list


def parent_choices(exclude: Category | None = None) -> list[tuple[str, str]]:
    """Every category as a possible parent ("—" for none), indented by depth; a category's own
    subtree is left out (it cannot become its own parent)."""
    qs = Category.objects.order_by("path").only("code", "name_zh", "depth", "path")
    choices: list[tuple[str, str]] = [("", str(_("— none (top level) —")))]
    for c in qs:
        if exclude is not None and c.path.startswith(exclude.path):
            continue
        choices.append((c.code, f"{INDENT * c.depth}{c.code} {c.name_zh}"))
    return choices


class CategoryForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        help_text=_("Letters and digits, e.g. the 品目 code A02010104. It cannot change later."),
    )
    parent_code = forms.ChoiceField(label=_("Parent category"), required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=150)
    gp_code = forms.CharField(
        label=_("Procurement catalogue code (品目)"), max_length=30, required=False
    )
    unspsc = forms.CharField(label=_("UNSPSC code"), max_length=8, required=False)
    cpv = forms.CharField(label=_("CPV code"), max_length=12, required=False)
    energy_status = forms.ChoiceField(
        label=_("Energy-saving status"),
        choices=EnergyStatus.choices,
        help_text=_(
            "Mandatory ★: purchasers may buy only certified products, listings need a "
            "certificate. Preferred: certified products are preferred."
        ),
    )
    min_warranty_months = forms.IntegerField(
        label=_("Minimum warranty (months)"), min_value=0, max_value=120, initial=0
    )
    position = forms.IntegerField(
        label=_("Position among its siblings"), min_value=0, initial=0, required=False
    )

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        parent_field = self.fields["parent_code"]
        assert isinstance(parent_field, forms.ChoiceField)
        parent_field.choices = parent_choices(exclude=category)
        if category is not None:
            del self.fields["code"]

    @staticmethod
    def initial_for(category: Category) -> dict[str, Any]:
        return {
            "parent_code": category.parent.code if category.parent else "",
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "gp_code": category.gp_code,
            "unspsc": category.unspsc,
            "cpv": category.cpv,
            "energy_status": category.energy_status,
            "min_warranty_months": category.min_warranty_months,
            "position": category.position,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["parent_code"] = data.get("parent_code") or None
        data["position"] = data.get("position") or 0
        return data


class AttributeForm(forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_("Lower-case letters, digits and _, e.g. memory_gb. It cannot change later."),
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=150)
    kind = forms.ChoiceField(label=_("Type"), choices=list(KIND_LABELS.items()))
    unit = forms.CharField(
        label=_("Unit"), max_length=20, required=False, help_text=_("e.g. GB, 英寸, W, ppm")
    )
    choices = forms.CharField(
        label=_("Allowed values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Choice type only: one value per line."),
    )
    min_value = forms.CharField(
        label=_("Minimum"), required=False, max_length=30, help_text=_("Number type only.")
    )
    max_value = forms.CharField(
        label=_("Maximum"), required=False, max_length=30, help_text=_("Number type only.")
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    is_key = forms.BooleanField(
        label=_("Key attribute"),
        required=False,
        help_text=_("Part of the duplicate check (brand + model + key attributes)."),
    )
    is_filter = forms.BooleanField(
        label=_("Search filter"), required=False, help_text=_("Offered as a search filter.")
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, required=False)

    def __init__(self, *args: Any, spec: AttributeSpec | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        if spec is not None:
            del self.fields["key"]

    @staticmethod
    def initial_for(spec: AttributeSpec) -> dict[str, Any]:
        return {
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "kind": spec.kind,
            "unit": spec.unit,
            "choices": "\n".join(spec.choices or []),
            "min_value": "" if spec.min_value is None else format(spec.min_value.normalize(), "f"),
            "max_value": "" if spec.max_value is None else format(spec.max_value.normalize(), "f"),
            "required": spec.required,
            "is_key": spec.is_key,
            "is_filter": spec.is_filter,
            "position": spec.position,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        kind = data["kind"]
        text = data.pop("choices") or ""
        values = [line.strip() for line in text.splitlines() if line.strip()]
        # Fields that do not apply to the chosen type are ignored, not refused: the form shows
        # them all and a user switching the type should not have to empty them first.
        data["choices"] = values if kind == AttributeKind.CHOICE else []
        for bound in ("min_value", "max_value"):
            data[bound] = (data.get(bound) or None) if kind == AttributeKind.NUMBER else None
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (JSON or CSV)"),
        help_text=_(
            "Categories are matched by code: new ones are created, existing ones updated. If "
            "any category in the file is refused, nothing is imported."
        ),
    )
