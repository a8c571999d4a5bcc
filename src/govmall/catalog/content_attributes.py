"""Attribute values of a listing, typed by its category's template: numbers become normalised
Decimals, booleans bools, choices the template's own spelling, the rest limited text.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.content_context import Collector, ParseContext
from govmall.catalog.content_values import (
    MAX_ATTRIBUTE_TEXT,
    normalise_number,
    parse_bool,
    plain_decimal,
)
from govmall.catalog.models import AttributeKind, AttributeSpec, Category
from govmall.core.errors import DomainError
from govmall.core.text import clean_text


def parse_attribute(spec: AttributeSpec, key: str, value: Any) -> Any:
    """One value of `spec`'s kind, or a DomainError naming `attributes.<key>`."""
    field_name = f"attributes.{key}"
    if spec.kind == AttributeKind.NUMBER:
        number = plain_decimal(value)
        if number is None:
            raise DomainError(
                "invalid_attribute",
                _("%(name)s must be a number.") % {"name": spec.name_en or key},
                field=field_name,
                key=key,
            )
        return normalise_number(number)
    if spec.kind == AttributeKind.BOOLEAN:
        flag = parse_bool(value)
        if flag is None:
            raise DomainError(
                "invalid_attribute",
                _("%(name)s must be yes or no.") % {"name": spec.name_en or key},
                field=field_name,
                key=key,
            )
        return flag
    if spec.kind == AttributeKind.CHOICE:
        choices = [str(c) for c in spec.choices or []]
        text = str(value).strip() if isinstance(value, (str, int, Decimal)) else None
        if text is not None and not isinstance(value, bool):
            if text in choices:
                return text
            folded = {c.casefold(): c for c in choices}
            if text.casefold() in folded:
                return folded[text.casefold()]
        raise DomainError(
            "invalid_attribute",
            _("%(name)s must be one of: %(choices)s.")
            % {"name": spec.name_en or key, "choices": ", ".join(choices)},
            field=field_name,
            key=key,
            choices=choices,
        )
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, float):
        value = repr(value)
    try:
        return clean_text(value, field=field_name, limit=MAX_ATTRIBUTE_TEXT, required=False)
    except DomainError as exc:
        code = exc.code if exc.code == "too_long" else "invalid_attribute"
        raise DomainError(code, exc.message, field=field_name, key=key) from None


def read_attributes(
    raw: Mapping[str, Any], category: Category | None, ctx: ParseContext, errors: Collector
) -> dict[str, Any]:
    """The attributes the raw dict gives, each checked against the category's template."""
    attributes: dict[str, Any] = {}
    raw_attributes = raw.get("attributes")
    if raw_attributes is None or raw_attributes == "":
        raw_attributes = {}
    if not isinstance(raw_attributes, Mapping):
        errors.add(
            DomainError(
                "invalid_attribute",
                _("Attributes must be an object of key: value."),
                field="attributes",
            )
        )
    elif category is not None:
        specs = ctx.templates.get(category.pk, {})
        for key, value in raw_attributes.items():
            key = str(key)
            spec = specs.get(key)
            if spec is None:
                errors.add(
                    DomainError(
                        "unknown_attribute",
                        _("Category %(code)s has no attribute %(key)s.")
                        % {"code": category.code, "key": key[:40]},
                        field=f"attributes.{key[:40]}",
                        key=key[:40],
                    )
                )
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # missing: the rules report required ones
            try:
                attributes[key] = parse_attribute(spec, key, value)
            except DomainError as exc:
                errors.add(exc)
    return attributes
