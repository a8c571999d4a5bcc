"""Validation of category and attribute fields, shared by the services, the import and the demo
tree loader, so that a form, a file and an API call refuse the same things with the same codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.models import AttributeKind, AttributeSpec, EnergyStatus
from govmall.core.errors import DomainError
from govmall.core.text import clean_text

CODE_RE = re.compile(r"^[A-Za-z0-9]{1,30}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
UNSPSC_RE = re.compile(r"^[0-9]{2,8}$")
CPV_RE = re.compile(r"^[0-9]{8}(-[0-9])?$")
MAX_PATH = 400
MAX_WARRANTY = 120
MAX_CHOICES = 100
MAX_CHOICE_LEN = 100
MAX_POSITION = 1_000_000
DECIMAL_LIMIT = Decimal("9999999999")

CATEGORY_FIELDS = (
    "name_zh",
    "name_en",
    "gp_code",
    "unspsc",
    "cpv",
    "energy_status",
    "min_warranty_months",
    "position",
)
ATTRIBUTE_FIELDS = (
    "name_zh",
    "name_en",
    "kind",
    "unit",
    "required",
    "choices",
    "min_value",
    "max_value",
    "is_key",
    "is_filter",
    "position",
)


def clean_code(value: Any, *, field: str = "code") -> str:
    if not isinstance(value, str) or not CODE_RE.match(value.strip()):
        raise DomainError(
            "invalid_code",
            _("A code is 1 to 30 letters or digits (e.g. A02010104)."),
            field=field,
        )
    return value.strip()


def _clean_int(value: Any, *, field: str, code: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise DomainError(code, message, field=field)
    if isinstance(value, str):
        value = value.strip() or "0"
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(code, message, field=field) from None
    if isinstance(value, float) and value != number:
        raise DomainError(code, message, field=field)
    if not low <= number <= high:
        raise DomainError(code, message, field=field)
    return number


def _clean_optional_code(value: Any, *, field: str, pattern: re.Pattern[str], code: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(code, _("Enter a valid code."), field=field)
    value = value.strip()
    if value and not pattern.match(value):
        messages = {
            "invalid_unspsc": _("A UNSPSC code is 2 to 8 digits (e.g. 43211507)."),
            "invalid_cpv": _("A CPV code is 8 digits and an optional check digit (30213300-8)."),
            "invalid_gp_code": _("A procurement catalogue code is letters or digits (A02010104)."),
        }
        raise DomainError(code, messages[code], field=field)
    return value


def clean_category_fields(raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The category's own fields from `raw`, cleaned. With `partial`, only the keys present."""
    out: dict[str, Any] = {}

    def has(name: str) -> bool:
        return name in raw or not partial

    if has("name_zh"):
        out["name_zh"] = clean_text(raw.get("name_zh"), field="name_zh", limit=100)
    if has("name_en"):
        out["name_en"] = clean_text(raw.get("name_en"), field="name_en", limit=150)
    if has("gp_code"):
        out["gp_code"] = _clean_optional_code(
            raw.get("gp_code"), field="gp_code", pattern=CODE_RE, code="invalid_gp_code"
        )
    if has("unspsc"):
        out["unspsc"] = _clean_optional_code(
            raw.get("unspsc"), field="unspsc", pattern=UNSPSC_RE, code="invalid_unspsc"
        )
    if has("cpv"):
        out["cpv"] = _clean_optional_code(
            raw.get("cpv"), field="cpv", pattern=CPV_RE, code="invalid_cpv"
        )
    if has("energy_status"):
        status = raw.get("energy_status") or EnergyStatus.NONE
        if status not in EnergyStatus.values:
            raise DomainError(
                "invalid_energy_status",
                _("Energy-saving status is one of: none, preferred, mandatory."),
                field="energy_status",
            )
        out["energy_status"] = str(status)
    if has("min_warranty_months"):
        out["min_warranty_months"] = _clean_int(
            raw.get("min_warranty_months") or 0,
            field="min_warranty_months",
            code="invalid_warranty",
            low=0,
            high=MAX_WARRANTY,
            message=_("The minimum warranty is a whole number of months from 0 to 120."),
        )
    if has("position"):
        out["position"] = _clean_int(
            raw.get("position") or 0,
            field="position",
            code="invalid_position",
            low=0,
            high=MAX_POSITION,
            message=_("The position is a whole number from 0 to 1000000."),
        )
    return out


def clean_bool(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "y", "是", "on"):
            return True
        if text in ("", "0", "false", "no", "n", "否", "off"):
            return False
    raise DomainError("invalid_boolean", _("Enter yes or no."), field=field)


def _clean_decimal(value: Any, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DomainError("invalid_number", _("Enter a number."), field=field)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_number", _("Enter a number."), field=field) from None
    if not number.is_finite() or abs(number) > DECIMAL_LIMIT:
        raise DomainError("invalid_number", _("Enter a number."), field=field)
    return number.quantize(Decimal("0.0001"))


def _clean_choices(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[|\n]", value)]
    if not isinstance(value, list | tuple):
        raise DomainError(
            "invalid_choices", _("Allowed values are a list of texts."), field="choices"
        )
    choices: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise DomainError(
                "invalid_choices", _("Allowed values are a list of texts."), field="choices"
            )
        item = item.strip()
        if not item:
            continue
        if len(item) > MAX_CHOICE_LEN or "\x00" in item:
            raise DomainError(
                "invalid_choices",
                _("An allowed value has at most 100 characters."),
                field="choices",
            )
        if item in choices:
            raise DomainError(
                "duplicate_choice",
                _("The allowed value “%(value)s” is given twice.") % {"value": item},
                field="choices",
            )
        choices.append(item)
    if len(choices) > MAX_CHOICES:
        raise DomainError("invalid_choices", _("At most 100 allowed values."), field="choices")
    return choices


def clean_attribute_fields(
    raw: Mapping[str, Any], *, current: AttributeSpec | None = None
) -> dict[str, Any]:
    """An attribute's fields, cleaned and checked together. With `current`, keys missing from
    `raw` keep the current values (a partial update) and the combination is checked."""
    merged: dict[str, Any] = {}
    if current is not None:
        merged = {name: getattr(current, name) for name in ATTRIBUTE_FIELDS}
    merged.update({k: v for k, v in raw.items() if k in ATTRIBUTE_FIELDS})
    out: dict[str, Any] = {}
    out["name_zh"] = clean_text(merged.get("name_zh"), field="name_zh", limit=100)
    out["name_en"] = clean_text(merged.get("name_en"), field="name_en", limit=150)
    kind = merged.get("kind")
    if kind not in AttributeKind.values:
        raise DomainError(
            "invalid_attribute_kind",
            _("The type is one of: text, number, choice, boolean."),
            field="kind",
        )
    out["kind"] = str(kind)
    out["unit"] = clean_text(merged.get("unit"), field="unit", limit=20, required=False)
    out["required"] = clean_bool(merged.get("required"), field="required")
    out["is_key"] = clean_bool(merged.get("is_key"), field="is_key")
    out["is_filter"] = clean_bool(merged.get("is_filter"), field="is_filter")
    out["position"] = _clean_int(
        merged.get("position") or 0,
        field="position",
        code="invalid_position",
        low=0,
        high=MAX_POSITION,
        message=_("The position is a whole number from 0 to 1000000."),
    )
    choices = _clean_choices(merged.get("choices"))
    if kind == AttributeKind.CHOICE:
        if not choices:
            raise DomainError(
                "choices_required",
                _("A choice attribute needs at least one allowed value."),
                field="choices",
            )
    elif choices and "choices" in raw:
        raise DomainError(
            "choices_not_allowed",
            _("Only a choice attribute has allowed values."),
            field="choices",
        )
    else:
        choices = []
    out["choices"] = choices
    min_value = _clean_decimal(merged.get("min_value"), field="min_value")
    max_value = _clean_decimal(merged.get("max_value"), field="max_value")
    if kind != AttributeKind.NUMBER:
        if (min_value is not None or max_value is not None) and (
            "min_value" in raw or "max_value" in raw
        ):
            raise DomainError(
                "range_not_allowed",
                _("Only a number attribute has a minimum and a maximum."),
                field="min_value",
            )
        min_value = max_value = None
    if min_value is not None and max_value is not None and min_value > max_value:
        raise DomainError(
            "invalid_range",
            _("The minimum is greater than the maximum."),
            field="min_value",
        )
    out["min_value"] = min_value
    out["max_value"] = max_value
    return out


def clean_attribute_key(value: Any) -> str:
    if not isinstance(value, str) or not KEY_RE.match(value.strip()):
        raise DomainError(
            "invalid_attribute_key",
            _(
                "A key is 1 to 40 lower-case letters, digits or underscores, starting with a "
                "letter (e.g. memory_gb)."
            ),
            field="key",
        )
    return value.strip()
