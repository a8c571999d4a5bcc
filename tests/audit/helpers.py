"""Building and tampering with trails in tests."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from govmall.audit.hashing import checkpoint_hash, event_hash, merkle_root
from govmall.audit.models import GENESIS_HASH, AuditedModel, Checkpoint, Event
from govmall.audit.services import record_event


def touch(obj: AuditedModel, n: int, *, action: str = "test.touched") -> list[Event]:
    """Append n events to obj's chain, each in its own transaction."""
    events = []
    for i in range(1, n + 1):
        with transaction.atomic():
            events.append(record_event(obj=obj, action=action, before={"n": i - 1}, after={"n": i}))
    return events


def chain_of(obj: AuditedModel) -> list[Event]:
    return list(
        Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
            "seq"
        )
    )


def rehash(event: Event, prev_hash: str) -> str:
    return event_hash(
        object_type=event.object_type,
        object_id=event.object_id,
        seq=event.seq,
        action=event.action,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        organisation_id=event.organisation_id,
        before=event.before,
        after=event.after,
        at=event.at,
        request_id=event.request_id,
        prev_hash=prev_hash,
    )


def rewrite_chain(obj: AuditedModel, seq: int, after: dict[str, Any]) -> None:
    """What a careful insider would do: change an event, recompute every hash after it, move
    the head on the row and recompute every checkpoint, all inside the database."""
    prev = GENESIS_HASH
    for event in chain_of(obj):
        if event.seq == seq:
            event.after = after
        digest = rehash(event, prev)
        Event.objects.filter(pk=event.pk).update(after=event.after, prev_hash=prev, hash=digest)
        prev = digest
    type(obj)._default_manager.filter(pk=obj.pk).update(audit_head=prev)
    recompute_checkpoints()


def recompute_checkpoints() -> None:
    prev = GENESIS_HASH
    for cp in Checkpoint.objects.order_by("seq"):
        leaves = list(
            Event.objects.filter(checkpoint=cp).order_by("id").values_list("hash", flat=True)
        )
        root = merkle_root(leaves)
        digest = checkpoint_hash(
            seq=cp.seq, merkle_root=root, event_count=len(leaves), prev_hash=prev
        )
        Checkpoint.objects.filter(pk=cp.pk).update(
            merkle_root=root, event_count=len(leaves), prev_hash=prev, hash=digest
        )
        prev = digest
