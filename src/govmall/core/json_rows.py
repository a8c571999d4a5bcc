"""Model instances as JSON rows, for PostgreSQL code that inserts them with
`jsonb_populate_record(NULL::<table>, row)` (trading/0002's `trading_place_order`): Python
builds the rows, one call sends them all, and the SQL names no column (ADR 0009)."""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models


def row(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every concrete column's value as the ORM would save it on insert (`pre_save`: auto
    fields filled), keyed by column name; `exclude` for columns the SQL fills (drawn ids)."""
    values: dict[str, Any] = {}
    for column, attname, field in _columns(type(instance)):
        if column in exclude:
            continue
        values[column] = (
            field.pre_save(instance, True) if field is not None else getattr(instance, attname)
        )
    return values


@functools.cache
def _columns(model: type[models.Model]) -> list[tuple[str, str, Any]]:
    # A field whose class keeps Field.pre_save saves its attribute as it is: read it directly
    # (a tenth of the CPU per column); the others (dates with auto_now, files …) go through it.
    return [
        (
            field.column,
            field.attname,
            None if type(field).pre_save is models.Field.pre_save else field,
        )
        for field in model._meta.concrete_fields
    ]


def _plain(value: Any) -> Any:
    # Exact text PostgreSQL reads back into the column's type: no rounding of decimals, no
    # truncation of microseconds (DjangoJSONEncoder drops them from datetimes).
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON row value")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":"))
