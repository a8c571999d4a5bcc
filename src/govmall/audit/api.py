"""Audit API: checkpoints (public, so anyone can keep the roots) and object timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govmall.accounts.access import request_user
from govmall.audit.access import timeline_for_actor
from govmall.audit.models import Checkpoint
from govmall.audit.selectors import checkpoint_as_dict, timeline_events
from govmall.core.api_base import ERRORS

router = Router(tags=["audit"])


class CheckpointOut(Schema):
    """As in the roots file; `created_at` is UTC with microseconds ("…T…:….ffffffZ")."""

    seq: int
    created_at: str
    event_count: int
    merkle_root: str
    prev_hash: str
    hash: str


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    before: Any
    after: Any
    request_id: str
    prev_hash: str
    hash: str
    checkpoint_seq: int | None


class TimelineOut(Schema):
    object_type: str
    object_id: str
    audit_length: int
    audit_head: str
    events: list[EventOut]


@router.get(
    "/checkpoints", auth=None, response=list[CheckpointOut], summary="Published checkpoints"
)
def list_checkpoints(request: HttpRequest) -> list[dict[str, Any]]:
    """Every checkpoint, oldest first: the published roots (the entries of roots.json)."""
    return [checkpoint_as_dict(c) for c in Checkpoint.objects.order_by("seq")]


@router.get(
    "/timeline/{object_type}/{object_id}",
    response={200: TimelineOut, **ERRORS},
    summary="An object's audit timeline",
)
def get_timeline(request: HttpRequest, object_type: str, object_id: str) -> dict[str, Any]:
    """An object's events in chain order; unknown, missing and not-yours are the same 404."""
    obj = timeline_for_actor(request_user(request), object_type, object_id)
    events = timeline_events(object_type, str(obj.pk)).select_related("checkpoint")
    return {
        "object_type": object_type,
        "object_id": str(obj.pk),
        "audit_length": getattr(obj, "audit_length", 0),
        "audit_head": getattr(obj, "audit_head", ""),
        "events": [
            {
                **{f: getattr(e, f) for f in EventOut.model_fields if f != "checkpoint_seq"},
                "checkpoint_seq": e.checkpoint.seq if e.checkpoint else None,
            }
            for e in events
        ],
    }
