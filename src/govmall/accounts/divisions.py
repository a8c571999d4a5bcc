"""Loading the shipped division table (all of China) from accounts/data/divisions.csv."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"


def read_divisions(path: Path = DIVISIONS_CSV) -> list[dict[str, str]]:
    """Rows ordered parents first, each with its `path` of codes from the province down."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {r["code"]: r for r in rows}

    def path_of(code: str) -> str:
        parts = []
        current: str | None = code
        while current:
            parts.append(current)
            current = by_code[current]["parent"] or None
        return "/".join(reversed(parts))

    for row in rows:
        row["path"] = path_of(row["code"])
    rows.sort(key=lambda r: (r["path"].count("/"), r["code"]))
    return rows


def load_divisions(division_model: Any) -> int:
    """Insert every division missing from the table (idempotent)."""
    existing = set(division_model.objects.values_list("code", flat=True))
    new = [
        division_model(
            code=r["code"],
            name_zh=r["name_zh"],
            parent_id=r["parent"] or None,
            level=r["level"],
            path=r["path"],
        )
        for r in read_divisions()
        if r["code"] not in existing
    ]
    division_model.objects.bulk_create(new, batch_size=500)
    return len(new)
