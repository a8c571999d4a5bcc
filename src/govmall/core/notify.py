"""In-app notifications: services call `notify` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from govmall.accounts.models import User
from govmall.core.models import Notification


def notify(recipients: Iterable[User], *, verb: str, message: str, link: str = "") -> int:
    now = timezone.now()
    rows = [
        Notification(recipient=u, verb=verb, message=message[:500], link=link, created_at=now)
        for u in {u.pk: u for u in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when `ids` is None).

    Reading is the recipient's own view state, not a business state change: no audit event.
    """
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
