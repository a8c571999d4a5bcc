"""Reads of the credit lists: hits on a code (expired entries no longer count), open flags."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from govmall.suppliers.models import CreditFlag, CreditListEntry, Supplier


def today() -> date:
    return timezone.localdate()


def in_force(on: date | None = None) -> Q:
    """Entries listed by `on` and not expired (the expiry date is the last day listed)."""
    on = on or today()
    return Q(listed_date__lte=on) & (Q(expiry_date__isnull=True) | Q(expiry_date__gte=on))


def active_hits(credit_code: str) -> QuerySet[CreditListEntry]:
    return CreditListEntry.objects.filter(in_force(), credit_code=credit_code.upper())


def has_open_flag(supplier: Supplier) -> bool:
    return CreditFlag.objects.filter(supplier=supplier, resolved_at__isnull=True).exists()
