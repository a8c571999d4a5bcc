"""Writing the trail. Every service calls `record_event` inside its own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from govmall.audit.hashing import event_hash, normalise
from govmall.audit.models import AuditedModel, Event
from govmall.core.middleware import current_request_id

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation, User


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
    same object queue up instead of forking its chain.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    if obj.pk is None:
        raise ValueError("save the object before recording its events")
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


def changes(obj: Any, fields: list[str], new: dict[str, Any]) -> tuple[dict, dict]:
    """The before/after pair of the fields that actually change."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        old = getattr(obj, name)
        if name in new and new[name] != old:
            before[name], after[name] = old, new[name]
    return before, after
