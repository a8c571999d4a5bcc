"""Forms of the registration wizard, the profile page and the commitment pages. They only parse
input; the services decide (and name the field at fault)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govmall.suppliers.models import SupplierSize, SupplierType
from govmall.suppliers.services_commitment import MAX_TEXT
from govmall.suppliers.services_registration import LIMITS

DIVISION_FIELD: dict[str, Any] = {
    "label": _("Registered division code"),
    "regex": r"^\d{6}$",
    "max_length": 6,
    "help_text": _(
        "Six-digit code of the division where the supplier is registered, e.g. 150202 "
        "(东河区, 包头市). Suppliers from anywhere in China may register."
    ),
    "error_messages": {"invalid": _("Enter a six-digit division code.")},
}


def _text(label: Any, name: str, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=LIMITS[name], required=required, **kwargs)


def _area(label: Any, name: str, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return _text(label, name, required=required, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


WIDE_FIELDS = ("org_name", "address", "business_scope", "intended_categories", "service_outlets")


class ProfileFieldsMixin(forms.Form):
    # organisation
    org_name = _text(_("Supplier name"), "org_name", help_text=_("As on the business licence."))
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        help_text=_("18 characters, as on the business licence (统一社会信用代码)."),
    )
    supplier_type = forms.ChoiceField(label=_("Type"), choices=SupplierType.choices)
    size = forms.ChoiceField(label=_("Enterprise size"), choices=SupplierSize.choices)
    division_code = forms.RegexField(**DIVISION_FIELD)
    # legal representative and contacts
    legal_representative = _text(_("Legal representative"), "legal_representative")
    contact_name = _text(_("Contact person"), "contact_name")
    contact_phone = _text(_("Contact telephone"), "contact_phone")
    contact_email = forms.EmailField(
        label=_("Contact email"), max_length=LIMITS["contact_email"], required=False
    )
    address = _text(_("Address"), "address", required=False)
    # business scope, categories and after-sales
    business_scope = _area(_("Business scope"), "business_scope")
    intended_categories = forms.CharField(
        label=_("Categories you intend to sell"),
        required=False,
        max_length=2000,
        help_text=_("Separate categories with commas, e.g. 办公设备, 计算机, 家具."),
    )
    service_outlets = _area(
        _("After-sales service outlets"),
        "service_outlets",
        required=False,
        help_text=_("Where customers are served: addresses of service outlets."),
    )
    hotline_hours = _text(
        _("Service hotline hours"),
        "hotline_hours",
        required=False,
        help_text=_("e.g. 周一至周五 8:30-17:30"),
    )

    SECTIONS: list[tuple[Any, list[str]]] = [
        (_("Organisation"), ["org_name", "credit_code", "supplier_type", "size", "division_code"]),
        (
            _("Legal representative and contacts"),
            ["legal_representative", "contact_name", "contact_phone", "contact_email", "address"],
        ),
        (
            _("Business scope, categories and after-sales"),
            ["business_scope", "intended_categories", "service_outlets", "hotline_hours"],
        ),
    ]

    def sections(self) -> list[dict[str, Any]]:
        """Each section's title, anchor, bound fields and whether one of them has an error."""
        result = []
        for number, (title, names) in enumerate(self.SECTIONS, start=1):
            fields = [self[name] for name in names]
            result.append(
                {
                    "number": number,
                    "anchor": f"section-{number}",
                    "title": title,
                    "fields": fields,
                    "has_error": any(f.errors for f in fields),
                }
            )
        return result

    def clean_intended_categories(self) -> str:
        return str(self.cleaned_data.get("intended_categories") or "")


class RegistrationForm(ProfileFieldsMixin):
    username = _text(_("Username"), "username", help_text=_("You log in with this name."))
    display_name = _text(_("Your name"), "display_name", required=False)
    email = forms.EmailField(label=_("Email"), max_length=LIMITS["email"], required=False)
    password = forms.CharField(
        label=_("Password"),
        max_length=LIMITS["password"],
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "At least 8 characters; not a common password, not all digits, not like your username."
        ),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=LIMITS["password"],
        widget=forms.PasswordInput(render_value=False),
    )

    SECTIONS = [
        *ProfileFieldsMixin.SECTIONS,
        (
            _("Supplier admin account"),
            ["username", "display_name", "email", "password", "password_again"],
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("supplier_type", SupplierType.choices),
            ("size", SupplierSize.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("— choose —")), *choices]  # a deliberate choice

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ProfileForm(ProfileFieldsMixin):
    pass


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    agree = forms.BooleanField(
        label=_("I have read this credit commitment and commit to it."),
        error_messages={"required": _("Tick the box to confirm that you have read it.")},
    )


class PublishForm(forms.Form):
    text_zh = forms.CharField(
        label=_("Text (Simplified Chinese)"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    text_en = forms.CharField(
        label=_("Text (English)"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 14})
    )
