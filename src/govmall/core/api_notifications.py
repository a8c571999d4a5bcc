"""Notifications API: the caller's in-app notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.models import Notification
from govmall.core.notify import notifications_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    verb: str
    message: str
    link: str
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(Schema):
    # ids are database keys: bounded so that no value overflows the column (422, not 500)
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        None, max_length=500, description="all unread when omitted"
    )


class MarkReadOut(Schema):
    marked: int


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def notifications(request: HttpRequest, unread: bool = False) -> list[Notification]:
    rows = Notification.objects.filter(recipient=request_user(request))
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return list(rows[:200])


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS})
def mark_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    return {"marked": notifications_mark_read(actor=request_user(request), ids=payload.ids)}
