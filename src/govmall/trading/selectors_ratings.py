"""A supplier's ratings: how many evaluations and the average quality, delivery, service and
overall score (the mean of the three), each a Decimal rounded half-up to 2 places.

Averages are computed from integer sums, never from the database's float AVG, so the figure
is the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Sum

from govmall.suppliers.models import Supplier
from govmall.trading.models import Evaluation

CENT = Decimal("0.01")
FIELDS = ("quality", "delivery", "service")


def _average(total: int, count: int) -> Decimal:
    return (Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratings(row: dict[str, Any] | None) -> dict[str, Any]:
    count = int(row["count"]) if row else 0
    if not count:
        return {"count": 0, "quality": None, "delivery": None, "service": None, "overall": None}
    assert row is not None
    sums = {name: int(row[f"sum_{name}"] or 0) for name in FIELDS}
    return {
        "count": count,
        **{name: _average(sums[name], count) for name in FIELDS},
        "overall": _average(sum(sums.values()), count * len(FIELDS)),
    }


def _aggregates() -> dict[str, Any]:
    return {"count": Count("id"), **{f"sum_{name}": Sum(name) for name in FIELDS}}


def supplier_ratings(supplier: Supplier | int) -> dict[str, Any]:
    """{"count", "quality", "delivery", "service", "overall"}; the averages are None without
    any evaluation."""
    supplier_id = supplier if isinstance(supplier, int) else supplier.pk
    row = Evaluation.objects.filter(supplier_id=supplier_id).aggregate(**_aggregates())
    return _ratings(row)


def ratings_by_supplier(supplier_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The ratings of many suppliers in one query (a directory page); every id is present."""
    ids = list(supplier_ids)
    rows = {
        row["supplier_id"]: row
        for row in Evaluation.objects.filter(supplier_id__in=ids)
        .values("supplier_id")
        .annotate(**_aggregates())
        .order_by()
    }
    return {pk: _ratings(rows.get(pk)) for pk in ids}


def ratings_json(ratings: dict[str, Any]) -> dict[str, Any]:
    """The API form: averages as strings ("4.50") or null."""
    return {
        key: (str(value) if isinstance(value, Decimal) else value) for key, value in ratings.items()
    }
