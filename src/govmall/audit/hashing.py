"""Canonical hashing of events and Merkle roots: one definition for writing and verifying."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def normalise(value: Any) -> Any:
    """JSON-round-trip a before/after payload, so what is hashed is exactly what is stored."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    object_type: str,
    object_id: str,
    seq: int,
    action: str,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    before: Any,
    after: Any,
    at: datetime,
    request_id: str,
    prev_hash: str,
) -> str:
    payload = {
        "object_type": object_type,
        "object_id": object_id,
        "seq": seq,
        "action": action,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "organisation_id": organisation_id,
        "before": before,
        "after": after,
        "at": canonical_time(at),
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    """Binary Merkle tree over hex leaf hashes; an odd node is carried up unchanged."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = [bytes.fromhex(h) for h in leaves]
    while len(level) > 1:
        nxt = []
        for i in range(0, len(level), 2):
            if i + 1 < len(level):
                nxt.append(hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest())
            else:
                nxt.append(level[i])
        level = nxt
    return level[0].hex()


def checkpoint_hash(*, seq: int, merkle_root: str, event_count: int, prev_hash: str) -> str:
    data = f"{seq}|{merkle_root}|{event_count}|{prev_hash}"
    return hashlib.sha256(data.encode("ascii")).hexdigest()
