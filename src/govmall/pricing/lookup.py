"""Reading reference prices: the lowest one per (brand key, model key) captured since a time.

Keys are folded with `govmall.catalog.normalise.brand_key` / `model_key`, as the import stores
`brand_norm` / `model_norm`. One query per chunk of keys, whatever the number of keys.
"""

from __future__ import annotations

from datetime import datetime

from govmall.pricing.models import ReferencePrice

# Distinct brands per query: keeps the IN lists well under SQLite's bound-parameter limit.
CHUNK = 400


def lowest_references(
    keys: set[tuple[str, str]], *, since: datetime
) -> dict[tuple[str, str], ReferencePrice]:
    """The lowest reference price captured at or after `since` for each key that has one.

    Among equal prices the most recent capture wins (then the highest id), so the evidence
    shown is the freshest observation of that lowest price.
    """
    wanted = {(b, m) for b, m in keys if b and m}
    if not wanted:
        return {}
    by_brand: dict[str, set[str]] = {}
    for brand, model in wanted:
        by_brand.setdefault(brand, set()).add(model)
    brands = sorted(by_brand)
    found: dict[tuple[str, str], ReferencePrice] = {}
    for start in range(0, len(brands), CHUNK):
        chunk = brands[start : start + CHUNK]
        models = sorted({m for b in chunk for m in by_brand[b]})
        rows = (
            ReferencePrice.objects.filter(
                brand_norm__in=chunk, model_norm__in=models, captured_at__gte=since
            )
            .only(
                "id",
                "source",
                "brand",
                "model_no",
                "brand_norm",
                "model_norm",
                "price",
                "captured_at",
                "url",
            )
            .order_by("price", "-captured_at", "-id")
        )
        for row in rows.iterator(chunk_size=2000):
            key = (row.brand_norm, row.model_norm)
            if key in wanted and key not in found:
                found[key] = row
    return found
