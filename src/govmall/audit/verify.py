"""Recompute the whole trail and name the first broken link.

Order of the checks, each catching a different tampering:
1. every event's hash from its stored fields (an edited event);
2. every object's chain: seq 1..n, each prev_hash the hash before it (a deleted or inserted
   event in the middle);
3. every audited row's head and length against its last event (the newest event deleted, an
   event appended, or a whole chain deleted);
4. every checkpoint: seq 1..n, prev_hash link, Merkle root and count from its events, hash
   (an event re-assigned, inserted into or removed from a sealed checkpoint);
5. optionally, a roots file exported earlier: each exported checkpoint must be in the database
   unchanged (a trail rewritten with every hash, head and checkpoint recomputed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from govmall.audit.hashing import checkpoint_hash, event_hash, merkle_root
from govmall.audit.models import GENESIS_HASH, AuditedModel, Checkpoint, Event

Progress = Callable[[str, int, int], None]
ROW_CHUNK = 2000
ROOT_KEYS = ("seq", "merkle_root", "event_count", "hash")


@dataclass(frozen=True)
class BrokenLink:
    """The first place the trail does not add up."""

    kind: str
    message: str
    object_type: str | None = None
    object_id: str | None = None
    seq: int | None = None
    checkpoint_seq: int | None = None


@dataclass
class VerifyReport:
    events: int = 0
    objects: int = 0
    checkpoints: int = 0
    pending_events: int = 0
    roots_checked: int = 0
    broken: BrokenLink | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def summary(self) -> str:
        if self.broken is not None:
            return f"BROKEN: {self.broken.message}"
        text = (
            f"intact: {self.events} events in {self.objects} object chains, "
            f"{self.checkpoints} checkpoints, {self.pending_events} events awaiting a checkpoint"
        )
        if self.roots_checked:
            text += f", {self.roots_checked} checkpoints match the roots file"
        return text


class RootsFileError(ValueError):
    """The roots file is unreadable or not in the exported shape."""


class _Broken(Exception):
    def __init__(self, link: BrokenLink) -> None:
        super().__init__(link.message)
        self.link = link


def _broken(kind: str, message: str, **where: Any) -> _Broken:
    return _Broken(BrokenLink(kind=kind, message=message, **where))


def _noop(stage: str, done: int, total: int) -> None:
    return None


# ---- 1 + 2: events and their chains -------------------------------------------------------


def _recomputed_hash(e: Event) -> str:
    return event_hash(
        object_type=e.object_type,
        object_id=e.object_id,
        seq=e.seq,
        action=e.action,
        actor_id=e.actor_id,
        actor_label=e.actor_label,
        organisation_id=e.organisation_id,
        before=e.before,
        after=e.after,
        at=e.at,
        request_id=e.request_id,
        prev_hash=e.prev_hash,
    )


def _where(e: Event) -> str:
    return f"{e.object_type} {e.object_id} seq {e.seq} (event id {e.id})"


Heads = dict[tuple[str, str], tuple[str, int]]


def _check_chains(report: VerifyReport, progress: Progress) -> Heads:
    """Walk every chain; return each object's (head, length) as its events say."""
    total = Event.objects.count()
    heads: Heads = {}
    key: tuple[str, str] | None = None
    expected_seq, expected_prev = 1, GENESIS_HASH
    events = Event.objects.order_by("object_type", "object_id", "seq").iterator(ROW_CHUNK)
    for e in events:
        if (e.object_type, e.object_id) != key:
            key = (e.object_type, e.object_id)
            expected_seq, expected_prev = 1, GENESIS_HASH
        where = {"object_type": e.object_type, "object_id": e.object_id, "seq": e.seq}
        if _recomputed_hash(e) != e.hash:
            raise _broken(
                "event_hash", f"{_where(e)}: stored fields do not match its hash", **where
            )
        if e.seq != expected_seq:
            raise _broken(
                "chain_gap",
                f"{e.object_type} {e.object_id}: seq {expected_seq} missing "
                f"(found seq {e.seq}, event id {e.id})",
                **where,
            )
        if e.prev_hash != expected_prev:
            raise _broken(
                "chain_link", f"{_where(e)}: prev_hash is not the hash of seq {e.seq - 1}", **where
            )
        heads[key] = (e.hash, e.seq)
        expected_seq, expected_prev = e.seq + 1, e.hash
        report.events += 1
        progress("events", report.events, total)
    report.objects = len(heads)
    return heads


# ---- 3: heads kept on the object rows ------------------------------------------------------


def audited_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, AuditedModel)]


def _check_heads(heads: Heads) -> None:
    """Every audited row's head equals its last event; every chain belongs to a row."""
    unseen = dict(heads)
    for model in audited_models():
        object_type = model._meta.label_lower
        rows = model._default_manager.order_by("pk").values_list("pk", "audit_head", "audit_length")
        for pk, head, length in rows.iterator(ROW_CHUNK):
            key = (object_type, str(pk))
            chain_head, chain_length = unseen.pop(key, (GENESIS_HASH, 0))
            if (head, length) != (chain_head, chain_length):
                raise _broken(
                    "head",
                    f"{object_type} {pk}: the row's chain head is seq {length} "
                    f"{head[:12]}, its events end at seq {chain_length} {chain_head[:12]}",
                    object_type=object_type,
                    object_id=str(pk),
                    seq=chain_length,
                )
    for (object_type, object_id), (_head, length) in sorted(unseen.items()):
        try:
            apps.get_model(object_type)
            reason = "its object row is missing"
        except (LookupError, ValueError):
            reason = "its object type is unknown"
        raise _broken(
            "orphan_chain",
            f"{object_type} {object_id}: {length} events but {reason}",
            object_type=object_type,
            object_id=object_id,
            seq=length,
        )


# ---- 4: checkpoints -----------------------------------------------------------------------


def _check_checkpoints(report: VerifyReport, progress: Progress) -> None:
    total = Checkpoint.objects.count()
    expected_prev = GENESIS_HASH
    for n, cp in enumerate(Checkpoint.objects.order_by("seq").iterator(ROW_CHUNK), start=1):
        where = {"checkpoint_seq": cp.seq}
        if cp.seq != n:
            raise _broken("checkpoint_gap", f"checkpoint {n} missing (found {cp.seq})", **where)
        if cp.prev_hash != expected_prev:
            raise _broken(
                "checkpoint_link",
                f"checkpoint {cp.seq}: prev_hash is not the hash of checkpoint {n - 1}",
                **where,
            )
        leaves = list(
            Event.objects.filter(checkpoint=cp).order_by("id").values_list("hash", flat=True)
        )
        if len(leaves) != cp.event_count:
            raise _broken(
                "checkpoint_count",
                f"checkpoint {cp.seq}: holds {len(leaves)} events, sealed with {cp.event_count}",
                **where,
            )
        if merkle_root(leaves) != cp.merkle_root:
            raise _broken(
                "checkpoint_root",
                f"checkpoint {cp.seq}: Merkle root of its events differs from the stored root",
                **where,
            )
        digest = checkpoint_hash(
            seq=cp.seq,
            merkle_root=cp.merkle_root,
            event_count=cp.event_count,
            prev_hash=cp.prev_hash,
        )
        if digest != cp.hash:
            raise _broken("checkpoint_hash", f"checkpoint {cp.seq}: hash does not match", **where)
        expected_prev = cp.hash
        report.checkpoints += 1
        progress("checkpoints", n, total)
    report.pending_events = Event.objects.filter(checkpoint__isnull=True).count()


# ---- 5: the roots file ----------------------------------------------------------------------


def load_roots(path: Path | str) -> list[dict[str, Any]]:
    """The checkpoints of an exported roots file (the export, or a bare list of checkpoints)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RootsFileError(f"cannot read roots file {path}: {exc}") from exc
    entries = data.get("checkpoints") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise RootsFileError(f"roots file {path}: no list of checkpoints")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or any(k not in entry for k in ROOT_KEYS):
            raise RootsFileError(
                f"roots file {path}: entry {i} lacks one of {', '.join(ROOT_KEYS)}"
            )
    return entries


def _check_roots(report: VerifyReport, roots: Iterable[dict[str, Any]]) -> None:
    stored = {
        c.seq: c for c in Checkpoint.objects.only("seq", "merkle_root", "event_count", "hash")
    }
    for entry in roots:
        seq = entry["seq"]
        cp = stored.get(seq) if isinstance(seq, int) else None
        if cp is None:
            raise _broken(
                "roots_missing",
                f"checkpoint {seq} of the roots file is not in the database",
                checkpoint_seq=seq if isinstance(seq, int) else None,
            )
        for name in ("merkle_root", "event_count", "hash"):
            if entry[name] != getattr(cp, name):
                raise _broken(
                    "roots_mismatch",
                    f"checkpoint {seq}: {name} differs from the roots file "
                    f"(database {getattr(cp, name)}, file {entry[name]})",
                    checkpoint_seq=seq,
                )
        report.roots_checked += 1


# ---- the whole run ---------------------------------------------------------------------------


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the whole trail on PostgreSQL, so writers committing while a
    long verification runs cannot make a row's head look ahead of the events read earlier.
    (SQLite: a read transaction would be IMMEDIATE and stop every writer; run without one.)"""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def verify(
    *, roots: Iterable[dict[str, Any]] | None = None, progress: Progress | None = None
) -> VerifyReport:
    """Check everything; the report's `broken` is the first failing link (None: intact)."""
    report = VerifyReport()
    step = progress or _noop
    try:
        with _snapshot():
            heads = _check_chains(report, step)
            _check_heads(heads)
            _check_checkpoints(report, step)
            if roots is not None:
                _check_roots(report, roots)
    except _Broken as exc:
        report.broken = exc.link
    return report
