"""Writing the trail. Every service calls `record_event` inside its own transaction.

Two writers exist: `record_event` (per-object chains, under the object's row lock, so writers to
different objects never wait for each other) and `checkpoint_create` (folds committed events into
a published Merkle root; serialized, because checkpoints form one chain).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from govmall.audit.hashing import checkpoint_hash, event_hash, merkle_root, normalise
from govmall.audit.models import GENESIS_HASH, AuditedModel, Checkpoint, Event
from govmall.core.middleware import current_request_id

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation, User

# Key of the PostgreSQL advisory lock serializing checkpoint creators ("GMAUDIT1" as an int64).
CHECKPOINT_LOCK_KEY = 0x474D_4155_4449_5431
# Event ids per UPDATE statement: keeps the IN list under SQLite's bound-parameter limit.
ASSIGN_CHUNK = 500


def object_type_of(obj: AuditedModel) -> str:
    return obj._meta.label_lower


def record_event(
    *,
    obj: AuditedModel,
    action: str,
    actor: User | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> Event:
    """Append an event to `obj`'s chain and move the chain head on `obj`'s row.

    Must run inside the caller's transaction: the object's row is locked so two writers to the
    same object queue up instead of forking its chain, and the event commits (or vanishes)
    together with the change it describes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    if obj.pk is None:
        raise ValueError("save the object before recording its events")
    if not action:
        raise ValueError("an event needs an action")
    model = type(obj)
    head, length = (
        model._default_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list("audit_head", "audit_length")
        .get()
    )
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    fields: dict[str, Any] = {
        "object_type": object_type_of(obj),
        "object_id": str(obj.pk),
        "seq": length + 1,
        "action": action,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor.get_username() if actor is not None else "system",
        "organisation_id": organisation.pk if organisation is not None else None,
        "before": normalise(before or {}),
        "after": normalise(after or {}),
        "at": timezone.now(),
        "request_id": current_request_id() or "",
        "prev_hash": head,
    }
    digest = event_hash(**fields)
    event = Event.objects.create(**fields, hash=digest)
    model._default_manager.filter(pk=obj.pk).update(audit_head=digest, audit_length=length + 1)
    obj.audit_head, obj.audit_length = digest, length + 1
    return event


def record_events_bulk(
    *,
    items: list[tuple[AuditedModel, str, dict[str, Any] | None, dict[str, Any] | None]],
    actor: User | None = None,
    organisation: Organisation | None = None,
    caller_writes_heads: bool = False,
) -> list[Event]:
    """`record_event` for many objects of one model in a few statements: one locking read of
    the chain heads, one bulk insert (PostgreSQL: ids from the sequence and `COPY`; elsewhere
    `bulk_create`), one set-based head update (the per-object chain rule is the same). Items are
    (obj, action, before, after); an object may appear more than once, its events chained in
    item order.

    `caller_writes_heads=True`: the caller holds the objects' rows locked (or inserts them in
    this transaction), so their `audit_head`/`audit_length` attributes ARE the chain heads,
    and it writes the moved heads (set on the objects here) with its own insert or update of
    those rows: no locking read and no head update here (a bulk writer then writes each row
    once instead of twice)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events_bulk must run inside the service's transaction")
    events, payloads, heads = _chain(items, actor, organisation, caller_writes_heads)
    if not events:
        return []
    if connection.vendor == "postgresql":
        _copy_events(events, payloads)
    else:
        Event.objects.bulk_create(events, batch_size=500)
    if not caller_writes_heads:
        _move_heads(type(items[0][0]), heads)
    return events


def prepare_events_bulk(
    *,
    items: list[tuple[AuditedModel, str, dict[str, Any] | None, dict[str, Any] | None]],
    actor: User | None = None,
    organisation: Organisation | None = None,
) -> list[Event]:
    """The events `record_events_bulk(caller_writes_heads=True)` would write, hashed and
    chained (the heads moved on the objects) but not written: for a caller that writes them
    in the same statement as its own rows (`trading.order_place_fast`: the events' ids are drawn
    there). The objects are saved or have their ids drawn; the caller writes the heads, and
    writes the events in the one statement (or transaction) that makes the change they
    describe."""
    return _chain(items, actor, organisation, True)[0]


def _chain(
    items: list[tuple[AuditedModel, str, dict[str, Any] | None, dict[str, Any] | None]],
    actor: User | None,
    organisation: Organisation | None,
    caller_writes_heads: bool,
) -> tuple[list[Event], list[tuple[str, str]], dict[Any, tuple[str, int]]]:
    if not items:
        return [], [], {}
    model = type(items[0][0])
    if any(type(obj) is not model or obj.pk is None for obj, *_rest in items):
        raise ValueError("bulk events need saved objects of one model")
    heads: dict[Any, tuple[str, int]] = {}
    if caller_writes_heads:
        for obj, *_rest in items:
            heads.setdefault(obj.pk, (obj.audit_head, obj.audit_length))
    pks = [] if caller_writes_heads else list(dict.fromkeys(obj.pk for obj, *_rest in items))
    for start in range(0, len(pks), ASSIGN_CHUNK):
        chunk = pks[start : start + ASSIGN_CHUNK]
        for pk, head, length in (
            model._default_manager.select_for_update()
            .filter(pk__in=chunk)
            .values_list("pk", "audit_head", "audit_length")
        ):
            heads[pk] = (head, length)
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    now = timezone.now()
    request_id = current_request_id() or ""
    object_type = object_type_of(items[0][0])
    actor_id = actor.pk if actor is not None else None
    actor_label = actor.get_username() if actor is not None else "system"
    organisation_id = organisation.pk if organisation is not None else None
    events: list[Event] = []
    payloads: list[tuple[str, str]] = []
    for obj, action, before, after in items:
        if not action:
            raise ValueError("an event needs an action")
        head, length = heads[obj.pk]
        before_json, before_value = _payload(before)
        after_json, after_value = _payload(after)
        fields: dict[str, Any] = {
            "object_type": object_type,
            "object_id": str(obj.pk),
            "seq": length + 1,
            "action": action,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "organisation_id": organisation_id,
            "before": before_value,
            "after": after_value,
            "at": now,
            "request_id": request_id,
            "prev_hash": head,
        }
        digest = event_hash(**fields)
        events.append(Event(**fields, hash=digest))
        payloads.append((before_json, after_json))
        heads[obj.pk] = (digest, length + 1)
        obj.audit_head, obj.audit_length = digest, length + 1
    return events, payloads, heads


_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def _payload(value: dict[str, Any] | None) -> tuple[str, Any]:
    """(JSON text, value) of a before/after payload: the value is `hashing.normalise`'s (the
    JSON round trip, so what is hashed is what is stored), the text is what COPY stores."""
    text = _ENCODER.encode(value or {})
    return text, json.loads(text)


# Event columns written by COPY, in this order (`checkpoint` stays NULL).
_EVENT_FIELDS = (
    "id",
    "object_type",
    "object_id",
    "seq",
    "action",
    "actor",
    "actor_label",
    "organisation",
    "before",
    "after",
    "at",
    "request_id",
    "prev_hash",
    "hash",
)


def _copy_events(events: list[Event], payloads: list[tuple[str, str]]) -> None:
    """PostgreSQL: ids from the table's sequence (ascending in item order) in one query, the
    rows with COPY (the JSON payloads sent as the text already made for the hash), several
    times faster than `bulk_create`, whose UNNEST has psycopg quote every value in Python."""
    meta = Event._meta
    qn = connection.ops.quote_name
    column_of = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(qn(column_of[name]) for name in _EVENT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(events)],
        )
        ids = sorted(pk for (pk,) in cursor.fetchall())
        # The raw psycopg cursor: its errors become Django's (IntegrityError …) here.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for event, pk, (before_json, after_json) in zip(events, ids, payloads, strict=True):
                event.pk = pk
                copy.write_row(
                    (
                        pk,
                        event.object_type,
                        event.object_id,
                        event.seq,
                        event.action,
                        event.actor_id,
                        event.actor_label,
                        event.organisation_id,
                        before_json,
                        after_json,
                        event.at,
                        event.request_id,
                        event.prev_hash,
                        event.hash,
                    )
                )
    for event in events:
        event._state.adding = False
        event._state.db = connection.alias


def _array_literal(values: list[Any]) -> str:
    """A PostgreSQL array literal of ints or strings (quoted), sent as ONE parameter: psycopg
    quotes a Python list element by element in Python, which is slow for thousands."""
    parts = []
    for value in values:
        if isinstance(value, int):
            parts.append(str(value))
        else:
            parts.append('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(parts) + "}"


def _move_heads(model: type[AuditedModel], heads: dict[Any, tuple[str, int]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    rows = list(heads.items())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET audit_head = v.head, audit_length = v.length "  # noqa: S608
                f"FROM unnest(%s::bigint[], %s::text[], %s::int[]) AS v(pk, head, length) "
                f"WHERE t.{pk_column} = v.pk",
                [
                    _array_literal([pk for pk, _h in rows]),
                    _array_literal([h for _pk, (h, _n) in rows]),
                    _array_literal([n for _pk, (_h, n) in rows]),
                ],
            )
            return
        for start in range(0, len(rows), ASSIGN_CHUNK):
            chunk = rows[start : start + ASSIGN_CHUNK]
            cursor.executemany(
                f"UPDATE {table} SET audit_head = %s, audit_length = %s "  # noqa: S608
                f"WHERE {pk_column} = %s",
                [(h, n, pk) for pk, (h, n) in chunk],
            )


def changes(obj: Any, fields: list[str], new: dict[str, Any]) -> tuple[dict, dict]:
    """The before/after pair of the fields that actually change."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        old = getattr(obj, name)
        if name in new and new[name] != old:
            before[name], after[name] = old, new[name]
    return before, after


# ---- checkpoints ------------------------------------------------------------------------


def _lock_checkpoints() -> Checkpoint | None:
    """Serialize checkpoint creators for the rest of the transaction; the latest checkpoint.

    PostgreSQL: a transaction-scoped advisory lock (works before the first checkpoint exists,
    when there is no row to lock). SQLite: transactions are IMMEDIATE, so the writer lock is
    already held. Others: lock the latest row; the unique `seq` is the last guard.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHECKPOINT_LOCK_KEY])
        return Checkpoint.objects.order_by("-seq").first()
    return Checkpoint.objects.select_for_update().order_by("-seq").first()


def checkpoint_create() -> Checkpoint | None:
    """Fold every event committed since the last checkpoint into a new one; None if none.

    The events are those this transaction can see with no checkpoint, taken in id order and
    assigned by id. An event of a transaction still in flight is invisible here, keeps
    `checkpoint` NULL and lands in the next checkpoint; an UPDATE by a predicate such as
    `id <= max` could instead sweep in a row committed meanwhile that the root did not count.
    """
    with transaction.atomic():
        previous = _lock_checkpoints()
        rows = list(
            Event.objects.filter(checkpoint__isnull=True).order_by("id").values_list("id", "hash")
        )
        if not rows:
            return None
        seq = previous.seq + 1 if previous is not None else 1
        prev_hash = previous.hash if previous is not None else GENESIS_HASH
        root = merkle_root([h for _id, h in rows])
        checkpoint = Checkpoint.objects.create(
            seq=seq,
            created_at=timezone.now(),
            event_count=len(rows),
            merkle_root=root,
            prev_hash=prev_hash,
            hash=checkpoint_hash(
                seq=seq, merkle_root=root, event_count=len(rows), prev_hash=prev_hash
            ),
        )
        ids = [pk for pk, _h in rows]
        assigned = 0
        for start in range(0, len(ids), ASSIGN_CHUNK):
            assigned += Event.objects.filter(
                checkpoint__isnull=True, id__in=ids[start : start + ASSIGN_CHUNK]
            ).update(checkpoint=checkpoint)
        if assigned != len(ids):  # another creator got past the lock: refuse, roll back
            raise RuntimeError(
                f"checkpoint {seq}: assigned {assigned} of {len(ids)} events; rolled back"
            )
    return checkpoint


def checkpoint_job() -> str:
    """The `tick` job: one checkpoint of whatever was committed since the last run."""
    checkpoint = checkpoint_create()
    if checkpoint is None:
        return "no new events"
    return (
        f"checkpoint {checkpoint.seq}: {checkpoint.event_count} events, "
        f"root {checkpoint.merkle_root[:16]}"
    )
