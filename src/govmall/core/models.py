"""Core tables: the demo marker and the working-day calendar (overrides, completed years)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govmall.audit.models import AuditedModel


class DemoMarker(models.Model):
    """Present only in a database that `govmall demo` created, so a reset never wipes real data."""

    created_at = models.DateTimeField(auto_now_add=True)
    version = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"demo database ({self.version})"


class CalendarOverride(AuditedModel):
    """A region-wide exception to the bundled State Council schedule: `date` is a working day
    (`is_working`) or a day off, whatever chinesecalendar or the weekday says.

    Removing an override keeps the row (`active` false) so its audit chain keeps its head.
    """

    date = models.DateField(unique=True)
    is_working = models.BooleanField()
    note = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["active", "date"], name="calendar_override_active")]

    def __str__(self) -> str:
        kind = "working day" if self.is_working else "day off"
        return f"{self.date.isoformat()} {kind}{'' if self.active else ' (removed)'}"


class CalendarYear(AuditedModel):
    """A year whose official schedule an operator admin of the regional centre marked complete."""

    year = models.PositiveSmallIntegerField(unique=True)
    complete = models.BooleanField(default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {'complete' if self.complete else 'open'}"


class NumberSequence(models.Model):
    """SQLite's stand-in for a database sequence (PostgreSQL uses real sequences)."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Notification(models.Model):
    """An in-app notification to a user (sent once; read by its recipient)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=60)
    message = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.verb}: {self.message[:40]}"
