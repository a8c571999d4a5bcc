"""Cleaning free text input the same way everywhere: a string, stripped, no NUL character,
present when required, not longer than its limit; each fault a DomainError at its field."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govmall.core.errors import DomainError


def clean_text(
    value: Any,
    *,
    field: str,
    limit: int,
    required: bool = True,
    required_code: str = "required",
    required_message: str | None = None,
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("invalid", _("Enter text."), field=field)
    value = value.strip()
    if "\x00" in value:
        raise DomainError("invalid", _("The text contains a NUL character."), field=field)
    if required and not value:
        raise DomainError(
            required_code, required_message or _("This field is required."), field=field
        )
    if len(value) > limit:
        raise DomainError(
            "too_long",
            _("At most %(limit)d characters.") % {"limit": limit},
            field=field,
            limit=limit,
        )
    return value
