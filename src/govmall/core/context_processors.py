"""Navigation for the base layout, by the roles of the user looking at it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from govmall.core.navigation import nav_items

    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from govmall.core.models import Notification

        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav_items": nav_items(request), "unread_notifications": unread}
