"""Notify once per overdue item: the notification is recorded as an audit event on the object
(action `<what>_overdue_notified`, `after.key` naming the deadline), so a second `tick` finds
it and stays quiet. "Overdue" itself is always a query, never a stored flag."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from govmall.audit.models import Event
from govmall.audit.services import object_type_of, record_event
from govmall.core.notify import notify

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation, User
    from govmall.audit.models import AuditedModel


def already_notified(obj: AuditedModel, action: str, key: str) -> bool:
    return Event.objects.filter(
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        action=action,
        after__key=key,
    ).exists()


def notify_once(
    obj: AuditedModel,
    *,
    action: str,
    key: str,
    deadline: datetime,
    recipients: Iterable[User],
    verb: str,
    message: str,
    link: str = "",
    organisation: Organisation | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Inside the caller's transaction (object row locked by record_event): notify and record,
    unless this (action, key) was recorded before. True if notified now."""
    if already_notified(obj, action, key):
        return False
    notify(recipients, verb=verb, message=message, link=link)
    record_event(
        obj=obj,
        action=action,
        actor=None,
        organisation=organisation,
        after={"key": key, "deadline": deadline, **(extra or {})},
    )
    return True
