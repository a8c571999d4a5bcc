"""Core tables: the demo marker (and, in later migrations, the working-day calendar)."""

from __future__ import annotations

from django.db import models


class DemoMarker(models.Model):
    """Present only in a database that `govmall demo` created, so a reset never wipes real data."""

    created_at = models.DateTimeField(auto_now_add=True)
    version = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"demo database ({self.version})"
