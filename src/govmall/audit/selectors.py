"""Reading the trail: checkpoints and their export, timelines, an organisation's recent events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from govmall.audit.hashing import canonical_time
from govmall.audit.models import Checkpoint, Event

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation

ROOTS_FORMAT = "govmall-audit-roots/1"


def checkpoint_as_dict(checkpoint: Checkpoint) -> dict[str, Any]:
    """One checkpoint as published: everything needed to recompute its chain hash."""
    return {
        "seq": checkpoint.seq,
        "created_at": canonical_time(checkpoint.created_at),
        "event_count": checkpoint.event_count,
        "merkle_root": checkpoint.merkle_root,
        "prev_hash": checkpoint.prev_hash,
        "hash": checkpoint.hash,
    }


def roots_export() -> dict[str, Any]:
    """The roots file: kept outside the database, it catches a trail rewritten inside it."""
    return {
        "format": ROOTS_FORMAT,
        "exported_at": canonical_time(timezone.now()),
        "checkpoints": [checkpoint_as_dict(c) for c in Checkpoint.objects.order_by("seq")],
    }


def checkpoints_newest_first() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.order_by("-seq")


def recent_events_for_organisation(org: Organisation, limit: int = 20) -> list[Event]:
    """Events whose organisation is `org`, newest first (the role homes show these)."""
    return list(
        Event.objects.filter(organisation=org).select_related("actor").order_by("-id")[:limit]
    )


@dataclass(frozen=True)
class FieldChange:
    """One field's change as shown to people: values as text, "—" for absent or empty."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    changes: list[FieldChange]


ABSENT = "—"


def display_value(value: Any) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """Before → after per field, in a stable order (fields only in `after` were set)."""
    before = before if isinstance(before, dict) else {"value": before}
    after = after if isinstance(after, dict) else {"value": after}
    return [
        FieldChange(n, display_value(before.get(n)), display_value(after.get(n)))
        for n in sorted(set(before) | set(after))
    ]


def timeline_events(object_type: str, object_id: str) -> QuerySet[Event]:
    return (
        Event.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("seq")
    )


def timeline(object_type: str, object_id: str) -> list[TimelineEntry]:
    return [
        TimelineEntry(e, field_changes(e.before, e.after))
        for e in timeline_events(object_type, object_id)
    ]
