"""A list of signed 64-bit term hashes: `bigint[]` (GIN-indexable) on PostgreSQL, a text of
space-delimited numbers (" 12 -34 ") on other databases, where containment is a LIKE."""

from __future__ import annotations

from typing import Any

from django.db import models


class TermsField(models.Field):
    description = "search term hashes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str:
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        values = [int(v) for v in value]
        if connection.vendor == "postgresql":
            return values
        return encode_text(values)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[int] | None:
        if value is None:
            return None
        if isinstance(value, list):
            return [int(v) for v in value]
        return [int(v) for v in value.split()]

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return [int(v) for v in value.split()]
        return value


def encode_text(values: list[int]) -> str:
    """The non-PostgreSQL form: every value with a space on each side, so `LIKE '% n %'`
    matches whole numbers only."""
    return " " + " ".join(str(v) for v in values) + " " if values else " "
