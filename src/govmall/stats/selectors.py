"""Supplier statistics (the article's figures), each from its own attribute by aggregate queries.

Over ACTIVE suppliers:
- in-region: the organisation's registered division code starts with GOVMALL_REGION_PREFIX;
- individual businesses: supplier_type `individual`;
- by_division: in-region suppliers grouped by city (the code's first 4 digits + "00", e.g.
  150200 包头市; leagues such as 152200 兴安盟 alike), out-of-region ones by province (first 2
  digits + "0000"); in-region cities first, each part by count (descending), then code.
Shares are percentages as strings with exactly two decimals (Decimal, ROUND_HALF_UP), "0.00"
when the whole is 0.

Verification: applications decided by approve, return or reject (decided_at set): how many,
the share decided by their deadline, and the median clock hours from submission to decision
(one decimal; the mean of the two middle values for an even count; null when none).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Substr

from govmall.accounts.models import Division
from govmall.suppliers.models import (
    Application,
    ApplicationStatus,
    Supplier,
    SupplierSize,
    SupplierStatus,
    SupplierType,
)

DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.RETURNED, ApplicationStatus.REJECTED)
HOUR = Decimal(3600 * 1_000_000)


def share(part: int, whole: int) -> str:
    if whole <= 0:
        return "0.00"
    value = Decimal(part) * 100 / Decimal(whole)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _active() -> Any:
    return Supplier.objects.filter(status=SupplierStatus.ACTIVE)


def _breakdown(field: str, choices: Any, total: int) -> list[dict[str, Any]]:
    counts = dict(_active().values_list(field).annotate(n=Count("id")).order_by())
    return [
        {
            "key": value,
            "label": str(label),
            "count": counts.get(value, 0),
            "share": share(counts.get(value, 0), total),
        }
        for value, label in choices.choices
    ]


def _by_division(total: int) -> list[dict[str, Any]]:
    prefix = settings.GOVMALL_REGION_PREFIX
    in_region = (
        _active()
        .filter(organisation__division__code__startswith=prefix)
        .annotate(key=Substr("organisation__division__code", 1, 4))
        .values_list("key")
        .annotate(n=Count("id"))
        .order_by()
    )
    outside = (
        _active()
        .exclude(organisation__division__code__startswith=prefix)
        .annotate(key=Substr("organisation__division__code", 1, 2))
        .values_list("key")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups = [(f"{key}00", n, True) for key, n in in_region]
    groups += [(f"{key}0000", n, False) for key, n in outside]
    names = dict(
        Division.objects.filter(code__in=[code for code, _n, _r in groups]).values_list(
            "code", "name_zh"
        )
    )
    groups.sort(key=lambda g: (not g[2], -g[1], g[0]))
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "in_region": region,
            "count": n,
            "share": share(n, total),
        }
        for code, n, region in groups
    ]


def _hours(value: timedelta) -> Decimal:
    return Decimal(value // timedelta(microseconds=1)) / HOUR


def verification_stats() -> dict[str, Any]:
    decided = Application.objects.filter(status__in=DECIDED, decided_at__isnull=False)
    figures = decided.aggregate(
        completed=Count("id"), on_time=Count("id", filter=Q(decided_at__lte=F("deadline")))
    )
    completed = figures["completed"]
    median: str | None = None
    if completed:
        durations = (
            decided.annotate(
                took=ExpressionWrapper(
                    F("decided_at") - F("submitted_at"), output_field=DurationField()
                )
            )
            .order_by("took", "id")
            .values_list("took", flat=True)
        )
        middle = completed // 2
        if completed % 2:
            value = _hours(durations[middle])
        else:
            low, high = list(durations[middle - 1 : middle + 1])
            value = (_hours(low) + _hours(high)) / 2
        median = str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {
        "completed": completed,
        "within_deadline": figures["on_time"],
        "within_deadline_share": share(figures["on_time"], completed),
        "median_hours": median,
    }


def supplier_stats() -> dict[str, Any]:
    prefix = settings.GOVMALL_REGION_PREFIX
    figures = _active().aggregate(
        total=Count("id"),
        in_region=Count("id", filter=Q(organisation__division__code__startswith=prefix)),
        individual=Count("id", filter=Q(supplier_type=SupplierType.INDIVIDUAL)),
    )
    total, in_region, individual = figures["total"], figures["in_region"], figures["individual"]
    return {
        "total": total,
        "in_region": in_region,
        "in_region_share": share(in_region, total),
        "out_of_region": total - in_region,
        "out_of_region_share": share(total - in_region, total),
        "individual_businesses": individual,
        "individual_business_share": share(individual, total),
        "by_type": _breakdown("supplier_type", SupplierType, total),
        "by_size": _breakdown("size", SupplierSize, total),
        "by_division": _by_division(total),
        "verification": verification_stats(),
    }
