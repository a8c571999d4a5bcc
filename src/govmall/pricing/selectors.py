"""Reads of reference prices and imports, shared by the pages and the API.

Brand and model filters compare folded keys (`catalog.normalise`): "ＨＰ" finds "hp" and
"M 404-dn" finds "M404dn". The brand must match exactly; the model matches from its start
(a model key "m404" finds "m404dn" and "m404n").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from govmall.catalog.normalise import brand_key, model_key
from govmall.pricing.lookup import lowest_references
from govmall.pricing.models import ReferenceImport, ReferencePrice, ReferenceSource

PAGE_SIZE = 50
DEFAULT_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 3650


def references(*, brand: str = "", model: str = "", source: str = "") -> QuerySet[ReferencePrice]:
    """Reference prices, newest capture first, filtered by brand key, model key prefix and
    source (an unknown source matches nothing)."""
    rows = ReferencePrice.objects.all()
    if brand.strip():
        rows = rows.filter(brand_norm=brand_key(brand))
    if model.strip():
        rows = rows.filter(model_norm__startswith=model_key(model))
    if source:
        rows = rows.filter(source=source) if source in ReferenceSource.values else rows.none()
    return rows.order_by("-captured_at", "-id")


def lowest_reference(
    brand: str, model: str, *, days: int = DEFAULT_WINDOW_DAYS, now: datetime | None = None
) -> tuple[ReferencePrice | None, datetime]:
    """The lowest reference for exactly this brand and model captured within the last `days`
    days (what the listing rule compares against), and the start of that window."""
    since = (now or timezone.now()) - timedelta(days=days)
    key = (brand_key(brand), model_key(model))
    return lowest_references({key}, since=since).get(key), since


def imports() -> QuerySet[ReferenceImport]:
    return ReferenceImport.objects.select_related("imported_by").order_by("-imported_at", "-id")


def import_by_id(import_id: int) -> ReferenceImport | None:
    if not 0 < import_id < 2**63:
        return None
    return imports().filter(pk=import_id).first()
