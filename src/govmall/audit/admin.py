"""Read-only back office views of the trail: the admin may look, never add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from govmall.audit.models import Checkpoint, Event


class ReadOnlyAdmin(admin.ModelAdmin):
    """The trail is append-only through the services; the admin must not be a way around it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "object_type", "object_id", "seq", "action", "actor_label")
    list_filter = ("object_type", "action")
    search_fields = ("object_type", "object_id", "action", "actor_label", "request_id")
    date_hierarchy = "at"
    list_select_related = ("checkpoint",)
    show_full_result_count = False
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        """Events of sealed quotes stay out of the list until their quotation opens."""
        from govmall.trading.sealing import hide_sealed_events

        return hide_sealed_events(super().get_queryset(request))


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "event_count", "merkle_root", "hash")
    actions = None
